using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Switchyard.Gateway.Quality.Schema;

/// <summary>
/// One validation of a parsed answer against a compiled schema: a depth-first walk that stops at the first violation.
/// </summary>
/// <remarks>
/// <para>
/// PERF: allocation-free while the answer matches. Strings are checked on their UTF-8 bytes (unescaped onto the stack
/// only when they hold escapes), property names are looked up by their bytes, numbers are read only when a numeric
/// keyword needs them. Messages and paths are built on the way back up from a failure, never before.
/// </para>
/// <para>
/// <c>anyOf</c> first tries its alternatives quietly (no messages at all); only when every one fails does it run them
/// again to explain, so a failed alternative on the way to a match costs no strings.
/// </para>
/// <para>
/// SECURITY: the walk is bounded three ways whatever the schema and answer: instance nesting (64, as the parser), call
/// depth (references without a step into the answer are refused at compile time, long chains stop here), and a step
/// budget proportional to the answer's size, which stops <c>anyOf</c>-over-<c>$ref</c> schemas built to explode.
/// </para>
/// </remarks>
internal ref struct SchemaWalker
{
    /// <summary>How deeply the answer may nest (objects and arrays).</summary>
    public const int MaxInstanceDepth = 64;

    /// <summary>How deep the walk itself may recurse (each subschema visited is a level).</summary>
    public const int MaxCallDepth = 512;

    // PERF: strings up to this many bytes are unescaped and transcoded on the stack.
    private const int StackBufferBytes = 256;

    private readonly SchemaNode[] _slots;
    private readonly int _steps;
    private int _budget;
    private int _callDepth;
    private int _instanceDepth;
    private bool _quiet;
    private bool _aborted;
    private string? _message;
    private List<PathSegment>? _path;

    /// <summary>A walk over <paramref name="slots"/> that may visit <paramref name="steps"/> subschemas.</summary>
    public SchemaWalker(SchemaNode[] slots, int steps)
    {
        _slots = slots;
        _steps = steps;
        _budget = steps;
    }

    private readonly bool Loud => !_quiet && !_aborted;

    /// <summary>Validates <paramref name="instance"/> against the root slot.</summary>
    public bool Run(JsonElement instance, out SchemaViolation violation)
    {
        if (Validate(_slots[0], instance))
        {
            violation = default;
            return true;
        }

        violation = new SchemaViolation(PathSegment.Render("$", _path, innermostFirst: true), _message ?? "the answer does not match the schema");
        return false;
    }

    private bool Validate(SchemaNode node, JsonElement instance)
    {
        if (_aborted)
        {
            return false;
        }

        if (--_budget < 0)
        {
            return Abort($"validation stopped after {_steps} steps: the schema makes this answer too costly to check (anyOf over references multiplies the work)");
        }

        if (_callDepth >= MaxCallDepth)
        {
            return Abort($"validation stopped: the schema's references nest deeper than {MaxCallDepth} levels without reaching a value");
        }

        _callDepth++;
        var ok = ValidateCore(node, instance);
        _callDepth--;
        return ok;
    }

    private bool ValidateCore(SchemaNode node, JsonElement instance)
    {
        if (node.Never)
        {
            return Fail("no value is allowed here (the schema is false)");
        }

        var kind = instance.ValueKind;
        if (node.Types != SchemaTypes.Any && !MatchesType(node.Types, instance, kind))
        {
            return Loud ? Fail($"expected {DescribeTypes(node.Types)} but found {DescribeValue(instance)}") : false;
        }

        if (node.Const is { } constant && !constant.Matches(instance, kind))
        {
            return Loud ? Fail($"value {DescribeEnumValue(instance)} is not the constant {DescribeEnumValue(constant.Element)}") : false;
        }

        if (node.Enum is { } values && !MatchesEnum(values, instance, kind))
        {
            return Loud ? Fail(DescribeEnumMiss(values, instance)) : false;
        }

        var ok = kind switch
        {
            JsonValueKind.String when node.HasStringChecks => ValidateString(node, instance),
            JsonValueKind.Number when node.HasNumberChecks => ValidateNumber(node, instance),
            JsonValueKind.Object when node.HasObjectChecks => ValidateObject(node, instance),
            JsonValueKind.Array when node.HasArrayChecks => ValidateArray(node, instance),
            _ => true,
        };

        return ok
            && (node.AnyOf is not { } alternatives || ValidateAnyOf(alternatives, instance))
            && (node.Ref < 0 || Validate(_slots[node.Ref], instance));
    }

    private static bool MatchesType(SchemaTypes types, JsonElement instance, JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => (types & SchemaTypes.Object) != 0,
        JsonValueKind.Array => (types & SchemaTypes.Array) != 0,
        JsonValueKind.String => (types & SchemaTypes.String) != 0,
        JsonValueKind.Number => (types & SchemaTypes.Number) != 0
            || ((types & SchemaTypes.Integer) != 0 && SchemaNumber.IsInteger(JsonMarshal.GetRawUtf8Value(instance))),
        JsonValueKind.True or JsonValueKind.False => (types & SchemaTypes.Boolean) != 0,
        _ => (types & SchemaTypes.Null) != 0,
    };

    private static bool MatchesEnum(EnumValue[] values, JsonElement instance, JsonValueKind kind)
    {
        foreach (ref readonly var value in values.AsSpan())
        {
            if (value.Matches(instance, kind))
            {
                return true;
            }
        }

        return false;
    }

    private bool ValidateAnyOf(SchemaNode[] alternatives, JsonElement instance)
    {
        var wasQuiet = _quiet;
        _quiet = true;
        foreach (var alternative in alternatives)
        {
            if (Validate(alternative, instance))
            {
                _quiet = wasQuiet;
                return true;
            }
        }

        _quiet = wasQuiet;
        if (!Loud)
        {
            return false;
        }

        // Failure path: walk each alternative again, loudly, and report the one that got furthest into the value.
        var best = 0;
        var bestDepth = -1;
        string? bestMessage = null, bestPath = null;
        for (var i = 0; i < alternatives.Length; i++)
        {
            _path?.Clear();
            _message = null;
            Validate(alternatives[i], instance);
            if (_aborted)
            {
                return false;
            }

            var depth = _path?.Count ?? 0;
            if (depth > bestDepth)
            {
                best = i;
                bestDepth = depth;
                bestMessage = _message;
                bestPath = PathSegment.Render(string.Empty, _path, innermostFirst: true);
            }
        }

        _path?.Clear();
        var where = string.IsNullOrEmpty(bestPath) ? string.Empty : $" at {bestPath}";
        return Fail($"none of the {alternatives.Length} anyOf alternatives match (closest, alternative {best + 1}{where}: {bestMessage})");
    }

    private bool ValidateNumber(SchemaNode node, JsonElement instance)
    {
        var value = SchemaNumber.From(instance);
        if (node.Minimum is { } minimum && value.CompareTo(minimum) < 0)
        {
            return Loud ? Fail($"{instance.GetRawText()} is less than the minimum {minimum}") : false;
        }

        if (node.ExclusiveMinimum is { } exclusiveMinimum && value.CompareTo(exclusiveMinimum) <= 0)
        {
            return Loud ? Fail($"{instance.GetRawText()} is not greater than the exclusiveMinimum {exclusiveMinimum}") : false;
        }

        if (node.Maximum is { } maximum && value.CompareTo(maximum) > 0)
        {
            return Loud ? Fail($"{instance.GetRawText()} is greater than the maximum {maximum}") : false;
        }

        if (node.ExclusiveMaximum is { } exclusiveMaximum && value.CompareTo(exclusiveMaximum) >= 0)
        {
            return Loud ? Fail($"{instance.GetRawText()} is not less than the exclusiveMaximum {exclusiveMaximum}") : false;
        }

        if (node.MultipleOf is { } multipleOf && !value.IsMultipleOf(multipleOf))
        {
            return Loud ? Fail($"{instance.GetRawText()} is not a multiple of {multipleOf}") : false;
        }

        return true;
    }

    private bool ValidateString(SchemaNode node, JsonElement instance)
    {
        var raw = JsonMarshal.GetRawUtf8Value(instance);
        var content = raw[1..^1];
        if (content.IndexOf((byte)'\\') < 0)
        {
            return CheckString(node, instance, content);
        }

        // Escapes: unescape (never longer than the escaped text) onto the stack, or into a pooled buffer when long.
        byte[]? rented = null;
        var buffer = content.Length <= StackBufferBytes
            ? stackalloc byte[StackBufferBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(content.Length));
        try
        {
            var reader = new Utf8JsonReader(raw);
            reader.Read();
            var length = reader.CopyString(buffer);
            return CheckString(node, instance, buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private bool CheckString(SchemaNode node, JsonElement instance, scoped ReadOnlySpan<byte> utf8)
    {
        if (node.MinLength > 0 || node.MaxLength < int.MaxValue)
        {
            // JSON Schema counts code points: one per byte that does not continue a UTF-8 sequence.
            var length = CodePoints(utf8);
            if (length < node.MinLength)
            {
                return Loud ? Fail($"{DescribeValue(instance)} is {length} characters long, shorter than minLength {node.MinLength}") : false;
            }

            if (length > node.MaxLength)
            {
                return Loud ? Fail($"{DescribeValue(instance)} is {length} characters long, longer than maxLength {node.MaxLength}") : false;
            }
        }

        if (node.Format != StringFormat.None && !StringFormats.IsValid(node.Format, utf8))
        {
            return Loud ? Fail($"{Quote(StringOf(instance))} is not a valid {StringFormats.NameOf(node.Format)}") : false;
        }

        if (node.Pattern is { } pattern && !IsMatch(pattern, utf8))
        {
            return Loud ? Fail($"{Quote(StringOf(instance))} does not match the pattern {pattern}") : false;
        }

        return true;
    }

    /// <summary>A string's length as JSON Schema counts it, in code points.</summary>
    internal static int CodePoints(ReadOnlySpan<byte> utf8) => Ascii.IsValid(utf8) ? utf8.Length : utf8.Length - CountContinuationBytes(utf8);

    private static int CountContinuationBytes(ReadOnlySpan<byte> utf8)
    {
        var count = 0;
        foreach (var b in utf8)
        {
            if ((b & 0xC0) == 0x80)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Whether the UTF-8 string matches <paramref name="pattern"/> (transcoded on the stack when short).</summary>
    internal static bool IsMatch(Regex pattern, ReadOnlySpan<byte> utf8)
    {
        char[]? rented = null;
        var chars = utf8.Length <= StackBufferBytes
            ? stackalloc char[StackBufferBytes]
            : (rented = ArrayPool<char>.Shared.Rent(utf8.Length));
        try
        {
            var length = Encoding.UTF8.GetChars(utf8, chars);
            return pattern.IsMatch(chars[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private bool ValidateArray(SchemaNode node, JsonElement instance)
    {
        var count = instance.GetArrayLength();
        if (count < node.MinItems)
        {
            return Loud ? Fail($"the array has {Items(count)}, fewer than minItems {node.MinItems}") : false;
        }

        if (count > node.MaxItems)
        {
            return Loud ? Fail($"the array has {Items(count)}, more than maxItems {node.MaxItems}") : false;
        }

        if (node.Items is not { } items)
        {
            return true;
        }

        if (++_instanceDepth > MaxInstanceDepth)
        {
            _instanceDepth--;
            return Abort($"the answer nests deeper than {MaxInstanceDepth} levels");
        }

        var index = 0;
        foreach (var item in instance.EnumerateArray())
        {
            if (!Validate(items, item))
            {
                _instanceDepth--;
                return Step(PathSegment.Element(index));
            }

            index++;
        }

        _instanceDepth--;
        return true;
    }

    private bool ValidateObject(SchemaNode node, JsonElement instance)
    {
        if (++_instanceDepth > MaxInstanceDepth)
        {
            _instanceDepth--;
            return Abort($"the answer nests deeper than {MaxInstanceDepth} levels");
        }

        bool ok;
        var words = ((node.Properties?.Count ?? 0) + 63) >> 6;
        if (words <= 1)
        {
            ulong seen = 0;
            ok = ValidateProperties(node, instance, new Span<ulong>(ref seen));
        }
        else
        {
            var rented = ArrayPool<ulong>.Shared.Rent(words);
            try
            {
                var seen = rented.AsSpan(0, words);
                seen.Clear();
                ok = ValidateProperties(node, instance, seen);
            }
            finally
            {
                ArrayPool<ulong>.Shared.Return(rented);
            }
        }

        _instanceDepth--;
        return ok;
    }

    // seen: one bit per named property of the schema, set as the answer's properties turn up.
    private bool ValidateProperties(SchemaNode node, JsonElement instance, scoped Span<ulong> seen)
    {
        var table = node.Properties;
        foreach (var property in instance.EnumerateObject())
        {
            var index = table?.Find(property) ?? -1;
            var known = index >= 0;
            if (known)
            {
                ref var word = ref seen[index >> 6];
                var bit = 1UL << index;
                if ((word & bit) != 0)
                {
                    return Loud ? Fail($"property {Quote(property.Name)} appears more than once") : false;
                }

                word |= bit;
                if (table!.Nodes[index] is { } child && !Validate(child, property.Value))
                {
                    return Step(PathSegment.Property(property.Name));
                }
            }

            if (node.PatternPropertyPatterns is { } patterns)
            {
                var matches = MatchPatterns(patterns, property);
                known |= matches != 0;
                for (var rest = matches; rest != 0; rest &= rest - 1)
                {
                    if (!Validate(node.PatternPropertyNodes![System.Numerics.BitOperations.TrailingZeroCount(rest)], property.Value))
                    {
                        return Step(PathSegment.Property(property.Name));
                    }
                }
            }

            if (!known)
            {
                if (node.AdditionalSchema is { } additional)
                {
                    if (!Validate(additional, property.Value))
                    {
                        return Step(PathSegment.Property(property.Name));
                    }
                }
                else if (!node.AdditionalAllowed)
                {
                    return Loud ? Fail($"property {Quote(property.Name)} is not allowed (additionalProperties: false)") : false;
                }
            }
        }

        if (table is not null)
        {
            foreach (var required in table.RequiredIndices)
            {
                if ((seen[required >> 6] & (1UL << required)) == 0)
                {
                    return Loud ? Fail($"missing required property {Quote(table.Names[required])}") : false;
                }
            }
        }

        return true;
    }

    // Which patternProperties the name matches, one bit each (the compiler allows at most 64).
    private static ulong MatchPatterns(Regex[] patterns, JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.IndexOf((byte)'\\') >= 0 || raw.Length > StackBufferBytes)
        {
            return MatchPatterns(patterns, property.Name);
        }

        Span<char> chars = stackalloc char[StackBufferBytes];
        var length = Encoding.UTF8.GetChars(raw, chars);
        return MatchPatterns(patterns, chars[..length]);
    }

    private static ulong MatchPatterns(Regex[] patterns, ReadOnlySpan<char> name)
    {
        ulong matches = 0;
        for (var i = 0; i < patterns.Length; i++)
        {
            if (patterns[i].IsMatch(name))
            {
                matches |= 1UL << i;
            }
        }

        return matches;
    }

    // A child failed: note the step into it while unwinding (only when a message is being built).
    private bool Step(PathSegment segment)
    {
        if (Loud)
        {
            (_path ??= []).Add(segment);
        }

        return false;
    }

    private bool Fail(string message)
    {
        if (Loud)
        {
            _message = message;
            _path?.Clear();
        }

        return false;
    }

    private bool Abort(string message)
    {
        if (!_aborted)
        {
            _aborted = true;
            _message = message;
            _path?.Clear();
        }

        return false;
    }

    private static string Items(int count) => count == 1 ? "1 item" : $"{count} items";

    private static string DescribeTypes(SchemaTypes types)
    {
        var names = new List<string>(7);
        if ((types & SchemaTypes.Object) != 0)
        {
            names.Add("an object");
        }

        if ((types & SchemaTypes.Array) != 0)
        {
            names.Add("an array");
        }

        if ((types & SchemaTypes.String) != 0)
        {
            names.Add("a string");
        }

        if ((types & SchemaTypes.Number) != 0)
        {
            names.Add("a number");
        }
        else if ((types & SchemaTypes.Integer) != 0)
        {
            names.Add("an integer");
        }

        if ((types & SchemaTypes.Boolean) != 0)
        {
            names.Add("a boolean");
        }

        if ((types & SchemaTypes.Null) != 0)
        {
            names.Add("null");
        }

        return names.Count == 1 ? names[0] : string.Join(", ", names.GetRange(0, names.Count - 1)) + " or " + names[^1];
    }

    private static string DescribeValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "the string " + Truncate(value.GetRawText()),
        JsonValueKind.Number => "the number " + Truncate(value.GetRawText()),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    private static string DescribeEnumValue(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? Quote(StringOf(value)) : Truncate(value.GetRawText());

    private static string DescribeEnumMiss(EnumValue[] values, JsonElement instance)
    {
        const int Shown = 10;
        var text = new StringBuilder("value ").Append(DescribeEnumValue(instance)).Append(" is not one of: ");
        for (var i = 0; i < values.Length && i < Shown; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(DescribeEnumValue(values[i].Element));
        }

        if (values.Length > Shown)
        {
            text.Append(CultureInfo.InvariantCulture, $" (and {values.Length - Shown} more)");
        }

        return text.ToString();
    }

    // 'text' in single quotes, cut at 60 characters, with control characters and quotes escaped so a message stays one line.
    private static string Quote(string? text)
    {
        text ??= string.Empty;
        var cut = text.Length > 60;
        var shown = cut ? text[..60] : text;
        var quoted = new StringBuilder(shown.Length + 8).Append('\'');
        foreach (var c in shown)
        {
            if (c == '\'' || c == '\\')
            {
                quoted.Append('\\').Append(c);
            }
            else if (char.IsControl(c))
            {
                quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                quoted.Append(c);
            }
        }

        return quoted.Append(cut ? "...'" : "'").ToString();
    }

    // The string's text for a message; an answer given as a JsonElement may hold invalid UTF-8, shown replaced.
    private static string StringOf(JsonElement value)
    {
        try
        {
            return value.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            return Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8Value(value));
        }
    }

    private static string Truncate(string text) => text.Length > 60 ? string.Concat(text.AsSpan(0, 60), "...") : text;
}
