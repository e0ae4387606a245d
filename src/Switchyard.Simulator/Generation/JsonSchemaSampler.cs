using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Switchyard.Simulator.Generation;

/// <summary>
/// Writes a JSON value that conforms to a JSON Schema, choosing values with a seeded generator: the tool call arguments and
/// <c>json_schema</c> answers. Covers what OpenAI's structured outputs accept: <c>type</c> (or a list of types), <c>properties</c>,
/// <c>required</c>, <c>items</c>, <c>enum</c>, <c>const</c>, <c>anyOf</c>/<c>oneOf</c>/<c>allOf</c>, local <c>$ref</c>
/// (<c>#/$defs/...</c>, <c>#/definitions/...</c>), string <c>format</c>s, length and range bounds.
/// </summary>
internal static class JsonSchemaSampler
{
    private const int MaxDepth = 8;

    /// <summary>Writes a value for <paramref name="schema"/>; an undefined schema (no <c>parameters</c>) gives <c>{}</c>.</summary>
    public static void Write(Utf8JsonWriter writer, JsonElement schema, ref SplitMix64 random)
    {
        if (schema.ValueKind == JsonValueKind.Undefined)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return;
        }

        WriteValue(writer, schema, schema, ref random, depth: 0, propertyName: null);
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonElement schema, JsonElement root, ref SplitMix64 random, int depth, string? propertyName)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            // `true` or `{}`-like: anything goes; a word is the most readable anything.
            WriteWords(writer, ref random, 1, 3, minLength: 0, maxLength: int.MaxValue);
            return;
        }

        if (depth > MaxDepth)
        {
            writer.WriteNullValue();
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            WriteValue(writer, Resolve(root, reference.GetString()!), root, ref random, depth + 1, propertyName);
            return;
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            constant.WriteTo(writer);
            return;
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            values[random.Next(values.GetArrayLength())].WriteTo(writer);
            return;
        }

        if (TryPickAlternative(schema, "anyOf", ref random, out var alternative) || TryPickAlternative(schema, "oneOf", ref random, out alternative))
        {
            WriteValue(writer, alternative, root, ref random, depth + 1, propertyName);
            return;
        }

        if (schema.TryGetProperty("allOf", out var all) && all.ValueKind == JsonValueKind.Array && all.GetArrayLength() > 0)
        {
            WriteValue(writer, all[0], root, ref random, depth + 1, propertyName);
            return;
        }

        switch (TypeOf(schema))
        {
            case "object":
                WriteObject(writer, schema, root, ref random, depth);
                break;
            case "array":
                WriteArray(writer, schema, root, ref random, depth, propertyName);
                break;
            case "integer":
                writer.WriteNumberValue(PickInteger(schema, ref random));
                break;
            case "number":
                writer.WriteNumberValue(PickNumber(schema, ref random));
                break;
            case "boolean":
                writer.WriteBooleanValue(random.Next(2) == 0);
                break;
            case "null":
                writer.WriteNullValue();
                break;
            default:
                WriteString(writer, schema, ref random, propertyName);
                break;
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, JsonElement schema, JsonElement root, ref SplitMix64 random, int depth)
    {
        writer.WriteStartObject();
        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            var strict = schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
            foreach (var property in properties.EnumerateObject())
            {
                // Required properties always; optional ones mostly, as a model fills most of what it is offered.
                if (strict || IsRequired(schema, property.Name) || random.Next(4) != 0)
                {
                    writer.WritePropertyName(property.Name);
                    WriteValue(writer, property.Value, root, ref random, depth + 1, property.Name);
                }
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter writer, JsonElement schema, JsonElement root, ref SplitMix64 random, int depth, string? propertyName)
    {
        var min = GetInt(schema, "minItems") ?? 1;
        var max = Math.Max(min, GetInt(schema, "maxItems") ?? min + 2);
        var count = random.Next(min, Math.Min(max, min + 3) + 1);
        var hasItems = schema.TryGetProperty("items", out var items);
        var hasPrefix = schema.TryGetProperty("prefixItems", out var prefix) && prefix.ValueKind == JsonValueKind.Array;
        writer.WriteStartArray();
        for (var i = 0; i < count; i++)
        {
            if (hasPrefix && i < prefix.GetArrayLength())
            {
                WriteValue(writer, prefix[i], root, ref random, depth + 1, propertyName);
            }
            else if (hasItems)
            {
                WriteValue(writer, items, root, ref random, depth + 1, propertyName);
            }
            else
            {
                WriteWords(writer, ref random, 1, 2, minLength: 0, maxLength: int.MaxValue);
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteString(Utf8JsonWriter writer, JsonElement schema, ref SplitMix64 random, string? propertyName)
    {
        var format = schema.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        var minLength = GetInt(schema, "minLength") ?? 0;
        var maxLength = GetInt(schema, "maxLength") ?? int.MaxValue;
        switch (format)
        {
            case "date":
                writer.WriteStringValue(PickDate(ref random).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                return;
            case "date-time":
                writer.WriteStringValue(PickDate(ref random).AddSeconds(random.Next(86_400)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                return;
            case "time":
                writer.WriteStringValue(TimeSpan.FromSeconds(random.Next(86_400)).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture));
                return;
            case "email":
                writer.WriteStringValue($"{Word(ref random)}.{Word(ref random)}@example.com");
                return;
            case "uri" or "url":
                writer.WriteStringValue($"https://example.com/{Word(ref random)}/{Word(ref random)}");
                return;
            case "uuid":
                Span<byte> bytes = stackalloc byte[16];
                BitConverter.TryWriteBytes(bytes, random.NextUInt64());
                BitConverter.TryWriteBytes(bytes[8..], random.NextUInt64());
                writer.WriteStringValue(new Guid(bytes).ToString());
                return;
            default:
                // A name-like property gets a short value, a description-like one a phrase.
                var isShort = propertyName is not null && (propertyName.Contains("name", StringComparison.OrdinalIgnoreCase)
                    || propertyName.Contains("id", StringComparison.OrdinalIgnoreCase) || propertyName.Contains("unit", StringComparison.OrdinalIgnoreCase));
                WriteWords(writer, ref random, 1, isShort ? 2 : 6, minLength, maxLength);
                return;
        }
    }

    private static void WriteWords(Utf8JsonWriter writer, ref SplitMix64 random, int minWords, int maxWords, int minLength, int maxLength)
    {
        var builder = new StringBuilder();
        var words = random.Next(minWords, maxWords + 1);
        for (var i = 0; i < words || builder.Length < minLength; i++)
        {
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(Word(ref random));
        }

        if (builder.Length > maxLength)
        {
            builder.Length = Math.Max(maxLength, 0);
        }

        writer.WriteStringValue(builder.ToString());
    }

    private static string Word(ref SplitMix64 random)
        => Encoding.UTF8.GetString(WordList.General[random.Next(WordList.General.Length)]);

    private static long PickInteger(JsonElement schema, ref SplitMix64 random)
    {
        var min = (long?)GetNumber(schema, "minimum") ?? ((long?)GetNumber(schema, "exclusiveMinimum") + 1) ?? 0;
        var max = (long?)GetNumber(schema, "maximum") ?? ((long?)GetNumber(schema, "exclusiveMaximum") - 1) ?? Math.Max(min, 0) + 100;
        if (max < min)
        {
            max = min;
        }

        return min + (long)(random.NextDouble() * (max - min + 1));
    }

    private static double PickNumber(JsonElement schema, ref SplitMix64 random)
    {
        var min = GetNumber(schema, "minimum") ?? GetNumber(schema, "exclusiveMinimum") ?? 0;
        var max = GetNumber(schema, "maximum") ?? GetNumber(schema, "exclusiveMaximum") ?? Math.Max(min, 0) + 100;
        if (max < min)
        {
            max = min;
        }

        var value = Math.Round(min + (random.NextDouble() * (max - min)), 2);
        return Math.Clamp(value, min, max);
    }

    private static DateTime PickDate(ref SplitMix64 random)
        => new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(random.Next(2000));

    private static string TypeOf(JsonElement schema)
    {
        if (schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.String)
            {
                return type.GetString()!;
            }

            if (type.ValueKind == JsonValueKind.Array)
            {
                string? fallback = null;
                foreach (var item in type.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        var name = item.GetString()!;
                        if (name != "null")
                        {
                            return name;
                        }

                        fallback = name;
                    }
                }

                return fallback ?? "string";
            }
        }

        if (schema.TryGetProperty("properties", out _))
        {
            return "object";
        }

        return schema.TryGetProperty("items", out _) ? "array" : "string";
    }

    private static bool TryPickAlternative(JsonElement schema, string keyword, ref SplitMix64 random, out JsonElement alternative)
    {
        alternative = default;
        if (!schema.TryGetProperty(keyword, out var options) || options.ValueKind != JsonValueKind.Array || options.GetArrayLength() == 0)
        {
            return false;
        }

        // Prefer a branch that is not plain null: an answer full of nulls is valid but useless for a test.
        var count = options.GetArrayLength();
        var start = random.Next(count);
        for (var i = 0; i < count; i++)
        {
            var candidate = options[(start + i) % count];
            if (!(candidate.ValueKind == JsonValueKind.Object && candidate.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.ValueEquals("null")))
            {
                alternative = candidate;
                return true;
            }
        }

        alternative = options[start];
        return true;
    }

    private static JsonElement Resolve(JsonElement root, string reference)
    {
        if (reference == "#")
        {
            return root;
        }

        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return default;
        }

        var current = root;
        foreach (var segment in reference[2..].Split('/'))
        {
            var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return default;
            }
        }

        return current;
    }

    private static bool IsRequired(JsonElement schema, string name)
    {
        if (!schema.TryGetProperty("required", out var required) || required.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var item in required.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.ValueEquals(name))
            {
                return true;
            }
        }

        return false;
    }

    private static int? GetInt(JsonElement schema, string name)
        => schema.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var result) ? result : null;

    private static double? GetNumber(JsonElement schema, string name)
        => schema.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
