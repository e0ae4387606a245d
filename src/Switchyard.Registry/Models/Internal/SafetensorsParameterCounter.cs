using System.Buffers.Binary;
using System.Text.Json;
using Switchyard.Registry.Scanning;

namespace Switchyard.Registry.Models.Internal;

/// <summary>Counts the elements of a safetensors file's tensors from its header (u64 LE length, then JSON of dtype/shape/offsets).</summary>
/// <remarks>SECURITY: the header is bounded like the scanner's (<see cref="FormatDetector.MaxSafetensorsHeader"/>); shapes are multiplied without overflow.</remarks>
internal static class SafetensorsParameterCounter
{
    /// <summary>The sum over tensors (not <c>__metadata__</c>) of the product of their shapes, or null with <paramref name="error"/>.</summary>
    public static long? Count(string path, out string? error)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Count(stream, out error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return null;
        }
    }

    /// <inheritdoc cref="Count(string, out string?)"/>
    public static long? Count(Stream stream, out string? error)
    {
        var length = stream.Length;
        Span<byte> prefix = stackalloc byte[8];
        if (length < 8 || stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
        {
            error = "shorter than the 8-byte header length";
            return null;
        }
        var n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > FormatDetector.MaxSafetensorsHeader || (long)n > length - 8)
        {
            error = $"header length {n} is above {FormatDetector.MaxSafetensorsHeader} bytes or past the end of the file";
            return null;
        }
        var header = new byte[n];
        stream.ReadExactly(header);
        try
        {
            return Sum(header, out error);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            error = "header is not well-formed JSON: " + e.Message;
            return null;
        }
    }

    private static long? Sum(byte[] header, out string? error)
    {
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 8 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = "header is not a JSON object";
            return null;
        }
        UInt128 total = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var metadata = reader.ValueTextEquals("__metadata__"u8);
            reader.Read();
            if (metadata || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var shape = reader.ValueTextEquals("shape"u8);
                reader.Read();
                if (!shape || reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }
                UInt128 elements = 1;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out var d))
                    {
                        error = "a tensor shape holds something other than non-negative integers";
                        return null;
                    }
                    elements = UInt128.Min(elements * d, long.MaxValue);
                }
                total = UInt128.Min(total + elements, long.MaxValue);
            }
        }
        error = null;
        return (long)total;
    }
}
