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
}
