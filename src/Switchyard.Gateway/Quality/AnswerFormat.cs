using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Quality.Schema;

namespace Switchyard.Gateway.Quality;

/// <summary>
/// What the client asked the answer to be (<c>response_format</c>): text, a JSON object, or JSON matching a schema.
/// </summary>
/// <param name="Kind">Which.</param>
/// <param name="Schema">The compiled schema for <see cref="AnswerFormatKind.JsonSchema"/>, when it compiled.</param>
/// <param name="SchemaError">Why the schema could not be compiled (then only JSON validity is checked).</param>
internal readonly record struct AnswerFormat(AnswerFormatKind Kind, JsonSchema? Schema = null, string? SchemaError = null)
{
    /// <summary>Compiled schemas by their JSON text: clients send the same few schemas again and again.</summary>
    private static readonly ConcurrentDictionary<string, (JsonSchema? Schema, string? Error)> Compiled = new(StringComparer.Ordinal);

    private const int MaxCompiled = 512;

    /// <summary>The request's <c>response_format</c>, read from its body (text when absent).</summary>
    public static AnswerFormat Read(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isFormat = reader.ValueTextEquals("response_format"u8);
                reader.Read();
                if (!isFormat || reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                var kind = AnswerFormatKind.Text;
                Range schema = default;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("type"u8))
                    {
                        reader.Read();
                        kind = reader.ValueTextEquals("json_object"u8) ? AnswerFormatKind.JsonObject
                            : reader.ValueTextEquals("json_schema"u8) ? AnswerFormatKind.JsonSchema : AnswerFormatKind.Text;
                    }
                    else if (reader.ValueTextEquals("json_schema"u8))
                    {
                        reader.Read();
                        schema = SchemaOf(ref reader);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                if (kind != AnswerFormatKind.JsonSchema)
                {
                    return new AnswerFormat(kind);
                }

                if (schema.Equals(default(Range)))
                {
                    return new AnswerFormat(kind, null, "response_format.json_schema has no schema");
                }

                var (compiled, error) = Compile(body[schema]);
                return new AnswerFormat(kind, compiled, error);
            }
        }
        catch (JsonException)
        {
            // The parser validated the body; nothing else can go wrong here.
        }

        return default;
    }

    /// <summary>Where <c>json_schema.schema</c> is in the body; the reader on json_schema's value.</summary>
    private static Range SchemaOf(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return default;
        }

        Range schema = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isSchema = reader.ValueTextEquals("schema"u8);
            reader.Read();
            if (isSchema && reader.TokenType == JsonTokenType.StartObject)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                schema = start..((int)reader.TokenStartIndex + 1);
            }
            else
            {
                reader.Skip();
            }
        }

        return schema;
    }

    private static (JsonSchema? Schema, string? Error) Compile(ReadOnlySpan<byte> schema)
    {
        var key = Encoding.UTF8.GetString(schema);
        if (Compiled.TryGetValue(key, out var known))
        {
            return known;
        }

        var result = JsonSchema.TryCompile(schema, out var compiled, out var error) ? (compiled, (string?)null) : (null, error);
        if (Compiled.Count >= MaxCompiled)
        {
            // A client that sends a new schema every time must not grow this without bound.
            Compiled.Clear();
        }

        Compiled.TryAdd(key, result);
        return result;
    }
}
