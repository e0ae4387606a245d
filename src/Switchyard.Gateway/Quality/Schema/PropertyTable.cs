using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Switchyard.Gateway.Quality.Schema;

/// <summary>
/// The property names an object schema knows (from <c>properties</c>, then names only in <c>required</c>), each with
/// its subschema (null: any value) and an index the validator uses as a bit to see which have turned up.
/// </summary>
internal sealed class PropertyTable
{
    // PERF: up to this many names a scan over the bytes beats hashing them.
    private const int LinearLimit = 8;

    private readonly byte[][] _utf8Names;
    private readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly bool _hashed;

    public PropertyTable(string[] names, SchemaNode?[] nodes, int[] requiredIndices)
    {
        Names = names;
        Nodes = nodes;
        RequiredIndices = requiredIndices;
        _utf8Names = new byte[names.Length][];
        for (var i = 0; i < names.Length; i++)
        {
            _utf8Names[i] = Encoding.UTF8.GetBytes(names[i]);
        }

        if (names.Length > LinearLimit)
        {
            var byName = new Dictionary<byte[], int>(names.Length, Utf8BytesComparer.Instance);
            for (var i = 0; i < names.Length; i++)
            {
                byName[_utf8Names[i]] = i;
            }

            _lookup = byName.GetAlternateLookup<ReadOnlySpan<byte>>();
            _hashed = true;
        }
    }

    /// <summary>The names, in schema order.</summary>
    public string[] Names { get; }

    /// <summary>The subschema of each name; null for a name that is only required.</summary>
    public SchemaNode?[] Nodes { get; }

    /// <summary>The indices of the required names, in the order <c>required</c> lists them.</summary>
    public int[] RequiredIndices { get; }

    /// <summary>How many names.</summary>
    public int Count => Names.Length;

    /// <summary>The index of the answer's <paramref name="property"/>, or -1 when the schema does not name it.</summary>
    public int Find(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return FindUnescaped(raw);
        }

        // An escaped name (rare in model output): let System.Text.Json unescape while comparing.
        for (var i = 0; i < _utf8Names.Length; i++)
        {
            if (property.NameEquals(_utf8Names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The index of the property name the reader is on, or -1 when the schema does not name it.</summary>
    public int Find(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return FindUnescaped(reader.ValueSpan);
        }

        for (var i = 0; i < _utf8Names.Length; i++)
        {
            if (reader.ValueTextEquals(_utf8Names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private int FindUnescaped(ReadOnlySpan<byte> raw)
    {
        if (_hashed)
        {
            return _lookup.TryGetValue(raw, out var index) ? index : -1;
        }

        for (var i = 0; i < _utf8Names.Length; i++)
        {
            if (raw.SequenceEqual(_utf8Names[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
