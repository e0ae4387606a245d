using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Switchyard.Gateway.Quality.Schema;

/// <summary>
/// The fast path of a validation: the same walk as <see cref="SchemaWalker"/>, over the answer's tokens straight from a
/// <see cref="Utf8JsonReader"/> (no parsed document), that only says whether the answer certainly matches.
/// </summary>
/// <remarks>
/// <para>
/// Sound, not complete: <see langword="true"/> means <see cref="SchemaWalker"/> would pass the answer too (the same
/// keywords checked the same way, the same subschemas visited, so the same step budget spent); <see langword="false"/>
/// means "not proven": a mismatch, an abort or JSON the reader refuses. The caller then runs the document walk, which
/// decides and explains, so every violation's path and message come from one place.
/// </para>
/// <para>
/// PERF: matching answers are the common case, and this walk reads them once, allocating nothing. <c>anyOf</c>
/// alternatives and <c>$ref</c> targets that apply to the same value read it again from a copy of the reader (a struct
/// over one contiguous span: copying it is a bookmark).
/// </para>
/// </remarks>
internal ref struct SchemaReaderWalker
{
    private const int StackBufferBytes = 256;

    private readonly SchemaNode[] _slots;
    private int _budget;
    private int _callDepth;
    private int _instanceDepth;

    private SchemaReaderWalker(SchemaNode[] slots, int steps)
    {
        _slots = slots;
        _budget = steps;
    }

    /// <summary>
    /// Whether <paramref name="json"/> is one JSON value (at most <see cref="SchemaWalker.MaxInstanceDepth"/> deep, nothing
    /// after it) that certainly matches the root slot of <paramref name="slots"/> within <paramref name="steps"/> steps.
    /// </summary>
    public static bool Passes(SchemaNode[] slots, int steps, ReadOnlySpan<byte> json)
    {
        // The options of the document walk's parse (JsonSchema.AnswerOptions): the same answers are JSON to both.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = SchemaWalker.MaxInstanceDepth });
        try
        {
            if (!reader.Read())
            {
                return false;
            }

            var walker = new SchemaReaderWalker(slots, steps);
            return walker.Validate(slots[0], ref reader) && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // The reader on the value's first token; when true, on its last (the scalar itself, or its EndObject/EndArray).
    private bool Validate(SchemaNode node, ref Utf8JsonReader reader)
    {
        if (--_budget < 0 || _callDepth >= SchemaWalker.MaxCallDepth)
        {
            return false;
        }

        _callDepth++;
        var ok = ValidateCore(node, ref reader);
        _callDepth--;
        return ok;
    }

    private bool ValidateCore(SchemaNode node, ref Utf8JsonReader reader)
    {
        if (node.Never)
        {
            return false;
        }

        var token = reader.TokenType;
        if (node.Types != SchemaTypes.Any && !MatchesType(node.Types, ref reader, token))
        {
            return false;
        }

        if (node.Const is { } constant && !constant.Matches(ref reader))
        {
            return false;
        }

        if (node.Enum is { } values && !MatchesEnum(values, ref reader))
        {
            return false;
        }

        // A bookmark on a structured value that more than one of its own keywords, anyOf and $ref read (PERF: the reader
        // is a large struct; a lone $ref, as in "items": {"$ref": ...}, reads the value in place). A scalar is one token:
        // the reader stays on it.
        var structured = token is JsonTokenType.StartObject or JsonTokenType.StartArray;
        var readsOwn = (token == JsonTokenType.StartObject && node.HasObjectChecks) || (token == JsonTokenType.StartArray && node.HasArrayChecks);
        var start = structured && (readsOwn ? 1 : 0) + (node.AnyOf is null ? 0 : 1) + (node.Ref < 0 ? 0 : 1) > 1 ? reader : default;
        var consumed = !structured;
        switch (token)
        {
            case JsonTokenType.String when node.HasStringChecks:
                if (!ValidateString(node, ref reader))
                {
                    return false;
                }

                break;
            case JsonTokenType.Number when node.HasNumberChecks:
                if (!ValidateNumber(node, SchemaNumber.From(ref reader)))
                {
                    return false;
                }

                break;
            case JsonTokenType.StartObject when node.HasObjectChecks:
                if (!ValidateObject(node, ref reader))
                {
                    return false;
                }

                consumed = true;
                break;
            case JsonTokenType.StartArray when node.HasArrayChecks:
                if (!ValidateArray(node, ref reader))
                {
                    return false;
                }

                consumed = true;
                break;
        }

        if (node.AnyOf is { } alternatives)
        {
            var matched = false;
            foreach (var alternative in alternatives)
            {
                // From the value's start: the bookmark once the reader has moved past it, else the reader itself.
                var copy = structured && consumed ? start : reader;
                if (Validate(alternative, ref copy))
                {
                    if (!consumed)
                    {
                        reader = copy;
                        consumed = true;
                    }

                    matched = true;
                    break;
                }
            }

            if (!matched)
            {
                return false;
            }
        }

        if (node.Ref >= 0)
        {
            if (structured && consumed)
            {
                var copy = start;
                if (!Validate(_slots[node.Ref], ref copy))
                {
                    return false;
                }
            }
            else if (Validate(_slots[node.Ref], ref reader))
            {
                consumed = true;
            }
            else
            {
                return false;
            }
        }

        if (!consumed)
        {
            reader.Skip();
        }

        return true;
    }

    private static bool MatchesType(SchemaTypes types, ref Utf8JsonReader reader, JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => (types & SchemaTypes.Object) != 0,
        JsonTokenType.StartArray => (types & SchemaTypes.Array) != 0,
        JsonTokenType.String => (types & SchemaTypes.String) != 0,
        JsonTokenType.Number => (types & SchemaTypes.Number) != 0
            || ((types & SchemaTypes.Integer) != 0 && SchemaNumber.IsInteger(reader.ValueSpan)),
        JsonTokenType.True or JsonTokenType.False => (types & SchemaTypes.Boolean) != 0,
        _ => (types & SchemaTypes.Null) != 0,
    };

    private static bool MatchesEnum(EnumValue[] values, ref Utf8JsonReader reader)
    {
        foreach (ref readonly var value in values.AsSpan())
        {
            if (value.Matches(ref reader))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ValidateNumber(SchemaNode node, in SchemaNumber value) =>
        (node.Minimum is not { } minimum || value.CompareTo(minimum) >= 0)
        && (node.ExclusiveMinimum is not { } exclusiveMinimum || value.CompareTo(exclusiveMinimum) > 0)
        && (node.Maximum is not { } maximum || value.CompareTo(maximum) <= 0)
        && (node.ExclusiveMaximum is not { } exclusiveMaximum || value.CompareTo(exclusiveMaximum) < 0)
        && (node.MultipleOf is not { } multipleOf || value.IsMultipleOf(multipleOf));

    private static bool ValidateString(SchemaNode node, ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return CheckString(node, reader.ValueSpan);
        }

        var escaped = reader.ValueSpan.Length;
        byte[]? rented = null;
        var buffer = escaped <= StackBufferBytes
            ? stackalloc byte[StackBufferBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(escaped));
        try
        {
            var length = reader.CopyString(buffer);
            return CheckString(node, buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool CheckString(SchemaNode node, ReadOnlySpan<byte> utf8)
    {
        if (node.MinLength > 0 || node.MaxLength < int.MaxValue)
        {
            var length = SchemaWalker.CodePoints(utf8);
            if (length < node.MinLength || length > node.MaxLength)
            {
                return false;
            }
        }

        return (node.Format == StringFormat.None || StringFormats.IsValid(node.Format, utf8))
            && (node.Pattern is not { } pattern || SchemaWalker.IsMatch(pattern, utf8));
    }

    // The reader on StartArray; when true, on its EndArray.
    private bool ValidateArray(SchemaNode node, ref Utf8JsonReader reader)
    {
        if (++_instanceDepth > SchemaWalker.MaxInstanceDepth)
        {
            return false;
        }

        // The document walk checks the count first; here it is known only at the end, which is the same verdict.
        var count = 0;
        var items = node.Items;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (items is null)
            {
                reader.Skip();
            }
            else if (!Validate(items, ref reader))
            {
                return false;
            }

            count++;
        }

        _instanceDepth--;
        return count >= node.MinItems && count <= node.MaxItems;
    }

    // The reader on StartObject; when true, on its EndObject.
    private bool ValidateObject(SchemaNode node, ref Utf8JsonReader reader)
    {
        if (++_instanceDepth > SchemaWalker.MaxInstanceDepth)
        {
            return false;
        }

        bool ok;
        var words = ((node.Properties?.Count ?? 0) + 63) >> 6;
        if (words <= 1)
        {
            ulong seen = 0;
            ok = ValidateProperties(node, ref reader, new Span<ulong>(ref seen));
        }
        else
        {
            var rented = ArrayPool<ulong>.Shared.Rent(words);
            try
            {
                var seen = rented.AsSpan(0, words);
                seen.Clear();
                ok = ValidateProperties(node, ref reader, seen);
            }
            finally
            {
                ArrayPool<ulong>.Shared.Return(rented);
            }
        }

        _instanceDepth--;
        return ok;
    }

    private bool ValidateProperties(SchemaNode node, ref Utf8JsonReader reader, scoped Span<ulong> seen)
    {
        var table = node.Properties;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = table?.Find(ref reader) ?? -1;
            var known = index >= 0;
            var matches = node.PatternPropertyPatterns is { } patterns ? MatchPatterns(patterns, ref reader) : 0;
            reader.Read();
            if (known)
            {
                ref var word = ref seen[index >> 6];
                var bit = 1UL << index;
                if ((word & bit) != 0)
                {
                    return false;
                }

                word |= bit;
            }

            // Every subschema that applies to the value, in the document walk's order; each but the last reads a copy.
            var child = known ? table!.Nodes[index] : null;
            known |= matches != 0;
            var additional = known ? null : node.AdditionalSchema;
            if (!known && additional is null && !node.AdditionalAllowed)
            {
                return false;
            }

            // A bookmark only when more than one subschema reads the value (PERF: as above).
            var readers = (child is null ? 0 : 1) + System.Numerics.BitOperations.PopCount(matches) + (additional is null ? 0 : 1);
            var value = readers > 1 ? reader : default;
            var consumed = false;
            if (child is not null && !ValidateValue(child, ref reader, in value, matches != 0 || additional is not null, ref consumed))
            {
                return false;
            }

            for (var rest = matches; rest != 0; rest &= rest - 1)
            {
                var next = node.PatternPropertyNodes![System.Numerics.BitOperations.TrailingZeroCount(rest)];
                if (!ValidateValue(next, ref reader, in value, (rest & (rest - 1)) != 0 || additional is not null, ref consumed))
                {
                    return false;
                }
            }

            if (additional is not null && !ValidateValue(additional, ref reader, in value, false, ref consumed))
            {
                return false;
            }

            if (!consumed)
            {
                reader.Skip();
            }
        }

        if (table is not null)
        {
            foreach (var required in table.RequiredIndices)
            {
                if ((seen[required >> 6] & (1UL << required)) == 0)
                {
                    return false;
                }
            }
        }

        return true;
    }

    // Validates the value at 'value' against 'node': on the reader itself when nothing later reads it again and the
    // reader has not moved past it yet, otherwise on a copy.
    private bool ValidateValue(SchemaNode node, ref Utf8JsonReader reader, in Utf8JsonReader value, bool more, ref bool consumed)
    {
        if (consumed || more)
        {
            var copy = value;
            return Validate(node, ref copy);
        }

        consumed = true;
        return Validate(node, ref reader);
    }

    // Which patternProperties the name matches, one bit each (the compiler allows at most 64); the reader on the name.
    private static ulong MatchPatterns(Regex[] patterns, ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (reader.ValueIsEscaped || raw.Length > StackBufferBytes)
        {
            return MatchPatterns(patterns, reader.GetString());
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
}
