using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Switchyard.Gateway.Quality.Schema;

/// <summary>
/// A JSON Schema compiled for checking model answers: the subset OpenAI structured outputs accept
/// (<c>response_format: {"type": "json_schema", ...}</c>), compiled once and then shared by any number of concurrent
/// validations.
/// </summary>
/// <remarks>
/// <code>
/// schema bytes ──TryCompile──▶ JsonSchema (immutable: slots of SchemaNodes; slot 0 = root, one per $ref target / $defs entry)
///                                  │
/// answer bytes ──Validate──▶ Utf8 check ─▶ SchemaReaderWalker over the tokens (fast path: proves a match, no document)
///                                  └── not proven ─▶ JsonDocument.Parse (depth 64) ─▶ SchemaWalker over the slots ─▶ bool + SchemaViolation
///                                                        └── not JSON: a violation with the byte position
/// </code>
/// <para>
/// Keywords: <c>type</c> (one or several of string, number, integer, boolean, object, array, null), <c>enum</c>,
/// <c>const</c>, <c>anyOf</c>, <c>$ref</c> (to <c>#</c>, <c>#/$defs/...</c>, <c>#/definitions/...</c> or any pointer
/// into the schema; recursion allowed), <c>$defs</c>/<c>definitions</c>, <c>properties</c>, <c>required</c>,
/// <c>additionalProperties</c> (boolean or schema), <c>patternProperties</c>, <c>items</c>, <c>minItems</c>,
/// <c>maxItems</c>, <c>pattern</c>, <c>format</c>, <c>minLength</c>, <c>maxLength</c>, <c>minimum</c>, <c>maximum</c>,
/// <c>exclusiveMinimum</c>, <c>exclusiveMaximum</c>, <c>multipleOf</c>; boolean schemas. Annotations (<c>description</c>,
/// <c>title</c>, <c>default</c>, <c>examples</c>, <c>$schema</c>, <c>$id</c>, <c>$comment</c>, <c>x-*</c>, ...) are
/// ignored; every other keyword is refused at compile time, with its path.
/// </para>
/// <para>
/// The strict-mode rules about a schema's shape (root an object, every property required, <c>additionalProperties:
/// false</c> everywhere) are OpenAI's conditions for constrained decoding, not for checking an answer, so they are not
/// enforced: a non-strict schema validates too.
/// </para>
/// <para>
/// PERF: compiling builds regexes (milliseconds for some patterns), so cache the compiled schema by the schema's bytes
/// rather than compiling per request.
/// </para>
/// </remarks>
internal sealed class JsonSchema
{
    /// <summary>How deeply the schema document's JSON may nest (subschemas are limited to 64 levels separately).</summary>
    private const int MaxSchemaJsonDepth = 256;

    // SECURITY: the walk may visit this many subschemas, plus a few per byte of answer; ordinary schemas need about one
    // visit per value, so only a schema built to multiply the work (anyOf over references) reaches it.
    private const int BaseSteps = 100_000;
    private const int StepsPerByte = 8;

    private static readonly JsonDocumentOptions SchemaOptions = new()
    {
        MaxDepth = MaxSchemaJsonDepth,
        AllowDuplicateProperties = false,
    };

    private static readonly JsonDocumentOptions AnswerOptions = new() { MaxDepth = SchemaWalker.MaxInstanceDepth };

    // Enum and const values point into the schema's own clone of its document, which keeps it alive.
    private readonly SchemaNode[] _slots;

    private JsonSchema(SchemaNode[] slots) => _slots = slots;

    /// <summary>Compiles the UTF-8 JSON schema <paramref name="schemaJson"/>.</summary>
    /// <param name="schemaJson">The schema: the <c>response_format.json_schema.schema</c> object of a request.</param>
    /// <param name="schema">The compiled schema, when it compiles.</param>
    /// <param name="error">
    /// Otherwise what is wrong and where, as <c>$.properties.tags.uniqueItems: 'uniqueItems' is not in the subset of JSON
    /// Schema that OpenAI structured outputs accept</c>.
    /// </param>
    public static bool TryCompile(ReadOnlySpan<byte> schemaJson, [NotNullWhen(true)] out JsonSchema? schema, [NotNullWhen(false)] out string? error)
    {
        schema = null;
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(schemaJson.ToArray(), SchemaOptions);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            error = $"the schema is not valid JSON: {e.Message}";
            return false;
        }

        var slots = SchemaCompiler.Compile(root, out error);
        if (slots is null)
        {
            error ??= "the schema does not compile";
            return false;
        }

        schema = new JsonSchema(slots);
        error = null;
        return true;
    }

    /// <summary>Validates the UTF-8 JSON answer <paramref name="instanceJson"/>.</summary>
    /// <param name="instanceJson">The model's answer text (the message content), as UTF-8.</param>
    /// <param name="violation">When it does not match, the first violation; <c>default</c> when it does.</param>
    public bool Validate(ReadOnlySpan<byte> instanceJson, out SchemaViolation violation)
    {
        if (Matches(instanceJson))
        {
            violation = default;
            return true;
        }

        // JsonDocument reads from memory it does not own; a pooled copy keeps the span API allocation-free.
        var copy = ArrayPool<byte>.Shared.Rent(Math.Max(1, instanceJson.Length));
        try
        {
            instanceJson.CopyTo(copy);
            return ValidateDocument(copy.AsMemory(0, instanceJson.Length), out violation);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>Validates the UTF-8 JSON answer <paramref name="instanceJson"/> without copying it.</summary>
    /// <param name="instanceJson">The model's answer text (the message content), as UTF-8.</param>
    /// <param name="violation">When it does not match, the first violation; <c>default</c> when it does.</param>
    public bool Validate(ReadOnlyMemory<byte> instanceJson, out SchemaViolation violation)
    {
        if (Matches(instanceJson.Span))
        {
            violation = default;
            return true;
        }

        return ValidateDocument(instanceJson, out violation);
    }

    // The slow path, which decides and explains: parse the answer, walk the document.
    private bool ValidateDocument(ReadOnlyMemory<byte> instanceJson, out SchemaViolation violation)
    {
        var bytes = instanceJson.Span;
        if (!Utf8.IsValid(bytes))
        {
            violation = InvalidJson.Describe(bytes, exception: null);
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(instanceJson, AnswerOptions);
        }
        catch (JsonException e)
        {
            violation = InvalidJson.Describe(bytes, e);
            return false;
        }

        using (document)
        {
            var walker = new SchemaWalker(_slots, StepBudget(bytes.Length));
            return walker.Run(document.RootElement, out violation);
        }
    }

    /// <summary>
    /// Whether the UTF-8 JSON answer <paramref name="instanceJson"/> certainly matches: one JSON value that
    /// <see cref="Validate(ReadOnlySpan{byte}, out SchemaViolation)"/> would pass. <see langword="false"/> means only
    /// "not proven": validate to learn whether and why not.
    /// </summary>
    /// <remarks>PERF: one forward read of the answer, no parsed document, no allocation.</remarks>
    public bool Matches(ReadOnlySpan<byte> instanceJson) =>
        Utf8.IsValid(instanceJson) && SchemaReaderWalker.Passes(_slots, StepBudget(instanceJson.Length), instanceJson);

    /// <summary>Validates an answer already parsed.</summary>
    /// <param name="instance">The answer.</param>
    /// <param name="violation">When it does not match, the first violation; <c>default</c> when it does.</param>
    public bool Validate(JsonElement instance, out SchemaViolation violation)
    {
        var walker = new SchemaWalker(_slots, StepBudget(JsonMarshal.GetRawUtf8Value(instance).Length));
        return walker.Run(instance, out violation);
    }

    private static int StepBudget(int answerBytes) => (int)Math.Min(int.MaxValue, BaseSteps + ((long)answerBytes * StepsPerByte));
}
