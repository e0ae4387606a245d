using System.Text;
using System.Text.Json;

namespace Switchyard.Gateway.Quality.Schema;

/// <summary>
/// One value of an <c>enum</c> (or a <c>const</c>), prepared so that matching an answer's value allocates nothing:
/// strings as UTF-8 bytes, numbers by value (1.0 equals 1, as JSON Schema says), structures by deep equality.
/// </summary>
internal readonly struct EnumValue
{
    private readonly byte[]? _utf8;
    private readonly SchemaNumber _number;

    public EnumValue(JsonElement value)
    {
        Element = value;
        Kind = value.ValueKind;
        if (Kind == JsonValueKind.String)
        {
            _utf8 = Encoding.UTF8.GetBytes(value.GetString()!);
        }
        else if (Kind == JsonValueKind.Number)
        {
            _number = SchemaNumber.From(value);
        }
    }

    /// <summary>The value as the schema wrote it (in the compiled schema's own copy of the document).</summary>
    public JsonElement Element { get; }

    /// <summary>The value's JSON kind.</summary>
    public JsonValueKind Kind { get; }

    /// <summary>Whether <paramref name="instance"/> (of kind <paramref name="kind"/>) equals this value.</summary>
    public bool Matches(JsonElement instance, JsonValueKind kind) => Kind switch
    {
        JsonValueKind.String => kind == JsonValueKind.String && instance.ValueEquals(_utf8),
        JsonValueKind.Number => kind == JsonValueKind.Number && SchemaNumber.From(instance).CompareTo(_number) == 0,
        JsonValueKind.Object or JsonValueKind.Array => kind == Kind && JsonElement.DeepEquals(instance, Element),
        _ => kind == Kind,
    };

    /// <summary>Whether the value the reader is on equals this value; the reader does not move.</summary>
    public bool Matches(ref Utf8JsonReader reader) => (Kind, reader.TokenType) switch
    {
        (JsonValueKind.String, JsonTokenType.String) => reader.ValueTextEquals(_utf8),
        (JsonValueKind.Number, JsonTokenType.Number) => SchemaNumber.From(ref reader).CompareTo(_number) == 0,
        (JsonValueKind.Object, JsonTokenType.StartObject) or (JsonValueKind.Array, JsonTokenType.StartArray) => DeepEquals(reader),
        (JsonValueKind.True, JsonTokenType.True) or (JsonValueKind.False, JsonTokenType.False) or (JsonValueKind.Null, JsonTokenType.Null) => true,
        _ => false,
    };

    // Structured enum values are rare in structured outputs: parse the one value (from a copy of the reader) to compare.
    private bool DeepEquals(Utf8JsonReader value)
    {
        using var document = JsonDocument.ParseValue(ref value);
        return JsonElement.DeepEquals(document.RootElement, Element);
    }
}
