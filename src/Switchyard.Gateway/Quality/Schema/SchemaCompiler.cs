using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Switchyard.Gateway.Quality.Schema;

/// <summary>
/// Turns a schema document into <see cref="SchemaNode"/>s, refusing (with the JSON path of the keyword) anything outside
/// the subset OpenAI structured outputs accept, and anything big or deep enough to be an attack.
/// </summary>
/// <remarks>
/// <para>
/// References become slots: slot 0 is the root (<c>#</c>); every <c>$ref</c> target and every <c>$defs</c> /
/// <c>definitions</c> entry gets a slot keyed by its canonical JSON pointer, compiled from a queue after the tree that
/// mentions it. So recursion costs nothing special, and the compiler's own recursion is bounded by the nesting limit.
/// </para>
/// <para>
/// A reference cycle that never steps into the answer (<c>{"$ref": "#"}</c> at the root, or through <c>anyOf</c>) would
/// make validation loop forever; the compiler refuses it.
/// </para>
/// </remarks>
internal sealed class SchemaCompiler
{
    /// <summary>How deeply subschemas may nest (OpenAI allows 10 levels of objects; this is a safety bound).</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// How many subschemas a schema may hold. OpenAI accepts up to 5,000 object properties, each a subschema, so the bound
    /// leaves room for those plus their items and alternatives.
    /// </summary>
    public const int MaxNodes = 10_000;

    /// <summary>How many enum values a schema may hold in all (OpenAI's documented limit).</summary>
    public const int MaxEnumValues = 1_000;

    /// <summary>How many <c>patternProperties</c> one object may have (the validator tracks matches in a 64-bit mask).</summary>
    public const int MaxPatternProperties = 64;

    private const string Subset = "not in the subset of JSON Schema that OpenAI structured outputs accept";

    private readonly JsonElement _root;
    private readonly List<PathSegment> _location = [];
    private readonly List<SchemaNode?> _slots = [];
    private readonly Dictionary<string, int> _slotByPointer = new(StringComparer.Ordinal);
    private readonly Queue<(int Slot, string[] Pointer)> _pending = new();
    private readonly List<SchemaNode> _nodes = [];
    private int _enumValues;
    private string? _error;

    private SchemaCompiler(JsonElement root) => _root = root;

    /// <summary>Compiles the schema <paramref name="root"/> (which must outlive the result: enum values point into it).</summary>
    /// <returns>The slots (0 is the root), or null with <paramref name="error"/> saying what is wrong and where.</returns>
    public static SchemaNode[]? Compile(JsonElement root, out string? error)
    {
        var compiler = new SchemaCompiler(root);
        var slots = compiler.Run();
        error = compiler._error;
        return slots;
    }

    private SchemaNode[]? Run()
    {
        _slots.Add(null);
        _slotByPointer.Add("#", 0);
        var rootNode = CompileSchema(_root, 0);
        if (rootNode is null)
        {
            return null;
        }

        _slots[0] = rootNode;
        while (_pending.TryDequeue(out var entry))
        {
            _location.Clear();
            if (!TryResolve(entry.Pointer, out var target))
            {
                return null;
            }

            var node = CompileSchema(target, 0);
            if (node is null)
            {
                return null;
            }

            _slots[entry.Slot] = node;
        }

        var slots = new SchemaNode[_slots.Count];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = _slots[i]!;
        }

        if (FindCycle(slots) is { } cycle)
        {
            Fail(cycle);
            return null;
        }

        return slots;
    }

    private SchemaNode? CompileSchema(JsonElement schema, int depth)
    {
        if (depth > MaxDepth)
        {
            return FailNode($"{Here()}: the schema nests deeper than {MaxDepth} levels");
        }

        if (_nodes.Count >= MaxNodes)
        {
            return FailNode($"{Here()}: the schema has more than {MaxNodes} subschemas");
        }

        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return Register(new SchemaNode { Id = _nodes.Count, Never = schema.ValueKind == JsonValueKind.False });
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return FailNode($"{Here()}: a schema must be an object (or true or false), not {Kind(schema)}");
        }

        var types = SchemaTypes.Any;
        EnumValue[]? enumValues = null;
        EnumValue? constValue = null;
        SchemaNode[]? anyOf = null;
        var reference = -1;
        string? referenceLocation = null;
        List<string>? propertyNames = null;
        List<SchemaNode?>? propertyNodes = null;
        List<string>? required = null;
        List<Regex>? patterns = null;
        List<SchemaNode>? patternNodes = null;
        var additionalAllowed = true;
        SchemaNode? additionalSchema = null;
        SchemaNode? items = null;
        int minItems = 0, maxItems = int.MaxValue, minLength = 0, maxLength = int.MaxValue;
        Regex? pattern = null;
        var format = StringFormat.None;
        SchemaNumber? minimum = null, maximum = null, exclusiveMinimum = null, exclusiveMaximum = null, multipleOf = null;
        bool hasString = false, hasNumber = false, hasObject = false, hasArray = false;

        foreach (var keyword in schema.EnumerateObject())
        {
            var value = keyword.Value;
            _location.Add(PathSegment.Property(keyword.Name));
            var ok = true;
            switch (keyword.Name)
            {
                case "type":
                    ok = TryReadTypes(value, out types);
                    break;
                case "enum":
                    ok = TryReadEnum(value, out enumValues);
                    break;
                case "const":
                    ok = CountEnumValues(1);
                    constValue = new EnumValue(value);
                    break;
                case "anyOf":
                    ok = TryCompileAnyOf(value, depth, out anyOf);
                    break;
                case "$ref":
                    referenceLocation = Here();
                    ok = TryReference(value, out reference);
                    break;
                case "$defs" or "definitions":
                    ok = TryRegisterDefinitions(value);
                    break;
                case "properties":
                    hasObject = true;
                    ok = TryCompileProperties(value, depth, out propertyNames, out propertyNodes);
                    break;
                case "required":
                    hasObject = true;
                    ok = TryReadRequired(value, out required);
                    break;
                case "additionalProperties":
                    hasObject = true;
                    if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        additionalAllowed = value.ValueKind == JsonValueKind.True;
                    }
                    else
                    {
                        additionalSchema = CompileSchema(value, depth + 1);
                        ok = additionalSchema is not null;
                    }

                    break;
                case "patternProperties":
                    hasObject = true;
                    ok = TryCompilePatternProperties(value, depth, out patterns, out patternNodes);
                    break;
                case "items":
                    hasArray = true;
                    if (value.ValueKind == JsonValueKind.Array)
                    {
                        ok = Fail($"{Here()}: 'items' as an array (a tuple) is {Subset}; give one schema for every item");
                    }
                    else
                    {
                        items = CompileSchema(value, depth + 1);
                        ok = items is not null;
                    }

                    break;
                case "minItems":
                    hasArray = true;
                    ok = TryReadCount(value, out minItems);
                    break;
                case "maxItems":
                    hasArray = true;
                    ok = TryReadCount(value, out maxItems);
                    break;
                case "minLength":
                    hasString = true;
                    ok = TryReadCount(value, out minLength);
                    break;
                case "maxLength":
                    hasString = true;
                    ok = TryReadCount(value, out maxLength);
                    break;
                case "pattern":
                    hasString = true;
                    ok = TryCompilePattern(value, out pattern);
                    break;
                case "format":
                    hasString = true;
                    ok = TryReadFormat(value, out format);
                    break;
                case "minimum":
                    hasNumber = true;
                    ok = TryReadNumber(value, out minimum);
                    break;
                case "maximum":
                    hasNumber = true;
                    ok = TryReadNumber(value, out maximum);
                    break;
                case "exclusiveMinimum":
                    hasNumber = true;
                    ok = TryReadNumber(value, out exclusiveMinimum);
                    break;
                case "exclusiveMaximum":
                    hasNumber = true;
                    ok = TryReadNumber(value, out exclusiveMaximum);
                    break;
                case "multipleOf":
                    hasNumber = true;
                    ok = TryReadNumber(value, out multipleOf) && CheckPositive(multipleOf!.Value);
                    break;
                default:
                    ok = IsAnnotation(keyword.Name) || Fail(UnsupportedMessage(keyword.Name));
                    break;
            }

            _location.RemoveAt(_location.Count - 1);
            if (!ok)
            {
                return null;
            }
        }

        return Register(new SchemaNode
        {
            Id = _nodes.Count,
            Types = types,
            Enum = enumValues,
            Const = constValue,
            AnyOf = anyOf,
            Ref = reference,
            RefLocation = referenceLocation,
            Properties = BuildPropertyTable(propertyNames, propertyNodes, required),
            PatternPropertyPatterns = patterns?.ToArray(),
            PatternPropertyNodes = patternNodes?.ToArray(),
            AdditionalAllowed = additionalAllowed,
            AdditionalSchema = additionalSchema,
            Items = items,
            MinItems = minItems,
            MaxItems = maxItems,
            MinLength = minLength,
            MaxLength = maxLength,
            Pattern = pattern,
            Format = format,
            Minimum = minimum,
            Maximum = maximum,
            ExclusiveMinimum = exclusiveMinimum,
            ExclusiveMaximum = exclusiveMaximum,
            MultipleOf = multipleOf,
            HasStringChecks = hasString,
            HasNumberChecks = hasNumber,
            HasObjectChecks = hasObject,
            HasArrayChecks = hasArray,
        });
    }

    private SchemaNode Register(SchemaNode node)
    {
        _nodes.Add(node);
        return node;
    }

    private bool TryReadTypes(JsonElement value, out SchemaTypes types)
    {
        types = SchemaTypes.None;
        if (value.ValueKind == JsonValueKind.String)
        {
            return TryAddType(value, ref types);
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            return Fail($"{Here()}: 'type' must be a type name or a non-empty array of them");
        }

        foreach (var name in value.EnumerateArray())
        {
            if (!TryAddType(name, ref types))
            {
                return false;
            }
        }

        return true;
    }

    private bool TryAddType(JsonElement name, ref SchemaTypes types)
    {
        var type = name.ValueKind == JsonValueKind.String ? name.GetString() switch
        {
            "string" => SchemaTypes.String,
            "number" => SchemaTypes.Number,
            "integer" => SchemaTypes.Integer,
            "boolean" => SchemaTypes.Boolean,
            "object" => SchemaTypes.Object,
            "array" => SchemaTypes.Array,
            "null" => SchemaTypes.Null,
            _ => SchemaTypes.None,
        } : SchemaTypes.None;
        if (type == SchemaTypes.None)
        {
            return Fail($"{Here()}: {name.GetRawText()} is not a JSON Schema type (string, number, integer, boolean, object, array, null)");
        }

        types |= type;
        return true;
    }

    private bool TryReadEnum(JsonElement value, out EnumValue[]? values)
    {
        values = null;
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            return Fail($"{Here()}: 'enum' must be a non-empty array");
        }

        if (!CountEnumValues(value.GetArrayLength()))
        {
            return false;
        }

        values = new EnumValue[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            values[i++] = new EnumValue(item);
        }

        return true;
    }

    private bool CountEnumValues(int count)
    {
        _enumValues += count;
        return _enumValues <= MaxEnumValues
            || Fail($"{Here()}: the schema has more than {MaxEnumValues} enum and const values in all (OpenAI's limit)");
    }

    private bool TryCompileAnyOf(JsonElement value, int depth, out SchemaNode[]? alternatives)
    {
        alternatives = null;
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            return Fail($"{Here()}: 'anyOf' must be a non-empty array of schemas");
        }

        var compiled = new SchemaNode[value.GetArrayLength()];
        var i = 0;
        foreach (var alternative in value.EnumerateArray())
        {
            _location.Add(PathSegment.Element(i));
            var node = CompileSchema(alternative, depth + 1);
            _location.RemoveAt(_location.Count - 1);
            if (node is null)
            {
                return false;
            }

            compiled[i++] = node;
        }

        alternatives = compiled;
        return true;
    }

    private bool TryReference(JsonElement value, out int slot)
    {
        slot = -1;
        var reference = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        if (reference is null)
        {
            return Fail($"{Here()}: '$ref' must be a string");
        }

        if (!reference.StartsWith('#'))
        {
            return Fail($"{Here()}: the remote reference '{reference}' is {Subset}; refer into the schema itself ('#', '#/$defs/name')");
        }

        if (reference.Length > 1 && reference[1] != '/')
        {
            return Fail($"{Here()}: the anchor reference '{reference}' is {Subset}; use a JSON pointer such as '#/$defs/name'");
        }

        var fragment = Uri.UnescapeDataString(reference[1..]);
        var pointer = fragment.Length == 0 ? [] : fragment[1..].Split('/');
        for (var i = 0; i < pointer.Length; i++)
        {
            pointer[i] = pointer[i].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        }

        slot = Reserve(pointer);
        return true;
    }

    private bool TryRegisterDefinitions(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return Fail($"{Here()}: definitions must be an object of named schemas");
        }

        // _location ends with the "$defs" (or "definitions") keyword itself.
        foreach (var definition in value.EnumerateObject())
        {
            var pointer = new string[_location.Count + 1];
            for (var i = 0; i < _location.Count; i++)
            {
                pointer[i] = _location[i].Name ?? _location[i].Index.ToString(CultureInfo.InvariantCulture);
            }

            pointer[^1] = definition.Name;
            Reserve(pointer);
        }

        return true;
    }

    // The slot of the schema at a JSON pointer (its segments unescaped), queued for compiling when new.
    private int Reserve(string[] pointer)
    {
        var key = new StringBuilder("#");
        foreach (var segment in pointer)
        {
            key.Append('/').Append(segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        }

        var canonical = key.ToString();
        if (_slotByPointer.TryGetValue(canonical, out var slot))
        {
            return slot;
        }

        slot = _slots.Count;
        _slots.Add(null);
        _slotByPointer.Add(canonical, slot);
        _pending.Enqueue((slot, pointer));
        return slot;
    }

    // Walks the pointer from the root, leaving _location at the target so errors inside it name the right path.
    private bool TryResolve(string[] pointer, out JsonElement target)
    {
        target = _root;
        foreach (var segment in pointer)
        {
            if (target.ValueKind == JsonValueKind.Object && target.TryGetProperty(segment, out var child))
            {
                _location.Add(PathSegment.Property(segment));
            }
            else if (target.ValueKind == JsonValueKind.Array && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index < target.GetArrayLength())
            {
                child = target[index];
                _location.Add(PathSegment.Element(index));
            }
            else
            {
                var text = "#/" + string.Join('/', pointer);
                return Fail($"the reference '{text}' does not resolve: {Here()} has no '{segment}'");
            }

            target = child;
        }

        return true;
    }

    private bool TryCompileProperties(JsonElement value, int depth, out List<string>? names, out List<SchemaNode?>? nodes)
    {
        names = null;
        nodes = null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            return Fail($"{Here()}: 'properties' must be an object of named schemas");
        }

        names = [];
        nodes = [];
        foreach (var property in value.EnumerateObject())
        {
            _location.Add(PathSegment.Property(property.Name));
            var node = CompileSchema(property.Value, depth + 1);
            _location.RemoveAt(_location.Count - 1);
            if (node is null)
            {
                return false;
            }

            names.Add(property.Name);
            nodes.Add(node);
        }

        return true;
    }

    private bool TryReadRequired(JsonElement value, out List<string>? names)
    {
        names = null;
        if (value.ValueKind != JsonValueKind.Array)
        {
            return Fail($"{Here()}: 'required' must be an array of property names");
        }

        names = [];
        foreach (var name in value.EnumerateArray())
        {
            if (name.ValueKind != JsonValueKind.String)
            {
                return Fail($"{Here()}: 'required' must list property names as strings, not {Kind(name)}");
            }

            var text = name.GetString()!;
            if (!names.Contains(text))
            {
                names.Add(text);
            }
        }

        return true;
    }

    private bool TryCompilePatternProperties(JsonElement value, int depth, out List<Regex>? patterns, out List<SchemaNode>? nodes)
    {
        patterns = null;
        nodes = null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            return Fail($"{Here()}: 'patternProperties' must be an object of patterns and schemas");
        }

        patterns = [];
        nodes = [];
        foreach (var property in value.EnumerateObject())
        {
            _location.Add(PathSegment.Property(property.Name));
            Regex? regex = null;
            var ok = patterns.Count < MaxPatternProperties
                ? TryCompileRegex(property.Name, out regex)
                : Fail($"{Here()}: an object may have at most {MaxPatternProperties} patternProperties");
            var node = ok ? CompileSchema(property.Value, depth + 1) : null;
            _location.RemoveAt(_location.Count - 1);
            if (node is null)
            {
                return false;
            }

            patterns.Add(regex!);
            nodes.Add(node);
        }

        return true;
    }

    private static PropertyTable? BuildPropertyTable(List<string>? names, List<SchemaNode?>? nodes, List<string>? required)
    {
        if (names is null && required is null)
        {
            return null;
        }

        names ??= [];
        nodes ??= [];
        var requiredIndices = new int[required?.Count ?? 0];
        for (var r = 0; r < requiredIndices.Length; r++)
        {
            var index = names.IndexOf(required![r]);
            if (index < 0)
            {
                // Required but not described: any value will do, it only has to be there.
                index = names.Count;
                names.Add(required[r]);
                nodes.Add(null);
            }

            requiredIndices[r] = index;
        }

        return new PropertyTable([.. names], [.. nodes], requiredIndices);
    }

    private bool TryReadCount(JsonElement value, out int count)
    {
        count = 0;
        if (value.ValueKind != JsonValueKind.Number || !SchemaNumber.IsInteger(JsonMarshal.GetRawUtf8Value(value))
            || !value.TryGetDecimal(out var number) || number < 0)
        {
            return Fail($"{Here()}: must be a non-negative integer, not {value.GetRawText()}");
        }

        count = number > int.MaxValue ? int.MaxValue : (int)number;
        return true;
    }

    private bool TryReadNumber(JsonElement value, out SchemaNumber? number)
    {
        number = null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return Fail($"{Here()}: a boolean here is the draft-04 form, {Subset}; give the bound itself as a number");
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            return Fail($"{Here()}: must be a number, not {Kind(value)}");
        }

        number = SchemaNumber.From(value, keepText: true);
        return true;
    }

    private bool CheckPositive(SchemaNumber number) =>
        number.CompareTo(default) > 0 || Fail($"{Here()}: 'multipleOf' must be greater than 0, not {number}");

    private bool TryReadFormat(JsonElement value, out StringFormat format)
    {
        format = value.ValueKind == JsonValueKind.String ? StringFormats.Parse(value.GetString()!) : StringFormat.None;
        return format != StringFormat.None
            || Fail($"{Here()}: the format {value.GetRawText()} is {Subset} (they are: {StringFormats.Names})");
    }

    private bool TryCompilePattern(JsonElement value, out Regex? regex)
    {
        regex = null;
        if (value.ValueKind != JsonValueKind.String)
        {
            return Fail($"{Here()}: 'pattern' must be a string");
        }

        return TryCompileRegex(value.GetString()!, out regex);
    }

    private bool TryCompileRegex(string pattern, out Regex? regex)
    {
        regex = null;
        if (PatternCost.Estimate(pattern) is var cost && cost > PatternCost.Limit)
        {
            return Fail($"{Here()}: the pattern is too costly to match (its repetitions unfold to about {cost} steps, more than {PatternCost.Limit}); use smaller {{n,m}} bounds or maxLength");
        }

        try
        {
            // SECURITY: the non-backtracking engine matches in time linear in the string, whatever the pattern, so a
            // hostile pattern cannot hang validation the way a backtracking one can.
            regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            return true;
        }
        catch (NotSupportedException e)
        {
            return Fail($"{Here()}: the pattern uses a construct the linear-time matcher cannot run (lookaround, backreference or atomic group): {e.Message}");
        }
        catch (ArgumentException e)
        {
            return Fail($"{Here()}: the pattern is not a valid regular expression: {e.Message}");
        }
    }

    private static bool IsAnnotation(string keyword) =>
        keyword is "description" or "title" or "default" or "examples" or "example" or "$schema" or "$id" or "$comment"
            or "$anchor" or "deprecated" or "readOnly" or "writeOnly" or "contentEncoding" or "contentMediaType" or "strict"
        || keyword.StartsWith("x-", StringComparison.Ordinal);

    private string UnsupportedMessage(string keyword)
    {
        var hint = keyword switch
        {
            "oneOf" => "; anyOf is, and usually says the same",
            "allOf" => "; merge the schemas into one",
            "not" or "if" or "then" or "else" or "dependentRequired" or "dependentSchemas" or "dependencies" => string.Empty,
            "nullable" => "; allow null with \"type\": [\"...\", \"null\"]",
            "prefixItems" or "additionalItems" or "contains" or "minContains" or "maxContains" or "uniqueItems" or "unevaluatedItems" => string.Empty,
            "propertyNames" or "minProperties" or "maxProperties" or "unevaluatedProperties" => string.Empty,
            "$dynamicRef" or "$dynamicAnchor" or "$recursiveRef" or "$recursiveAnchor" or "$vocabulary" => string.Empty,
            _ => " (an unknown keyword; annotations such as description, title, default and examples are fine)",
        };
        return $"{Here()}: '{keyword}' is {Subset}{hint}";
    }

    // A reference cycle that never steps into the answer, found by depth-first search over the edges that keep
    // validating the same value ($ref and anyOf); iterative, so a long chain cannot overflow the stack.
    private string? FindCycle(SchemaNode[] slots)
    {
        var state = new byte[_nodes.Count];
        var stack = new Stack<(SchemaNode Node, int Next)>();
        foreach (var start in _nodes)
        {
            if (state[start.Id] != 0)
            {
                continue;
            }

            stack.Push((start, 0));
            state[start.Id] = 1;
            while (stack.TryPop(out var frame))
            {
                var next = NextEdge(frame.Node, frame.Next, slots);
                if (next is null)
                {
                    state[frame.Node.Id] = 2;
                    continue;
                }

                stack.Push((frame.Node, frame.Next + 1));
                if (state[next.Id] == 1)
                {
                    var at = next.RefLocation ?? frame.Node.RefLocation ?? "$";
                    return $"{at}: this reference leads back to itself without stepping into the answer, so no value could ever be checked against it";
                }

                if (state[next.Id] == 0)
                {
                    state[next.Id] = 1;
                    stack.Push((next, 0));
                }
            }
        }

        return null;
    }

    private static SchemaNode? NextEdge(SchemaNode node, int edge, SchemaNode[] slots)
    {
        var alternatives = node.AnyOf?.Length ?? 0;
        if (edge < alternatives)
        {
            return node.AnyOf![edge];
        }

        return edge == alternatives && node.Ref >= 0 ? slots[node.Ref] : null;
    }

    private string Here() => PathSegment.Render("$", _location, innermostFirst: false);

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => "a boolean",
    };

    private bool Fail(string message)
    {
        _error ??= message;
        return false;
    }

    private SchemaNode? FailNode(string message)
    {
        Fail(message);
        return null;
    }
}
