using System.Buffers;
using System.Text.Json;

namespace Switchyard.Gateway.Forwarding.Internal;

/// <summary>
/// Sets every choice's <c>logprobs</c> to <c>null</c> (what OpenAI sends when they were not asked for) in an answer the
/// gateway asked logprobs for on the client's behalf: a JSON body, or each event of a held stream.
/// </summary>
/// <remarks>
/// A splice, not a re-serialisation: <see cref="Utf8JsonReader"/> finds each <c>choices[i].logprobs</c> value (so a
/// "logprobs" inside a string or a nested object is never taken for it) and only that byte range is replaced; every other
/// byte is copied as the upstream sent it.
/// </remarks>
internal static class LogprobStripper
{
    private static ReadOnlySpan<byte> Null => "null"u8;

    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    /// <summary>
    /// The answer without logprobs. <paramref name="stream"/>: <paramref name="body"/> is a held event stream, as the
    /// forwarder writes it (<c>data: {json}\n\n</c> events, then <c>data: [DONE]\n\n</c>).
    /// </summary>
    public static ReadOnlyMemory<byte> Strip(byte[] body, bool stream)
    {
        var output = new ArrayBufferWriter<byte>(body.Length + 16);
        if (!stream)
        {
            Strip(body, output);
            return output.WrittenMemory;
        }

        var rest = body.AsSpan();
        while (rest.Length > 0)
        {
            var end = rest.IndexOf(EventEnd);
            var length = end < 0 ? rest.Length : end + EventEnd.Length;
            var item = rest[..length];
            rest = rest[length..];
            if (end > DataPrefix.Length && item.StartsWith(DataPrefix) && item[DataPrefix.Length] == (byte)'{')
            {
                output.Write(DataPrefix);
                Strip(item[DataPrefix.Length..end], output);
                output.Write(EventEnd);
            }
            else
            {
                output.Write(item);
            }
        }

        return output.WrittenMemory;
    }

    /// <summary>Writes <paramref name="json"/> (one answer or chunk) to <paramref name="output"/> with each choice's logprobs null.</summary>
    public static void Strip(ReadOnlySpan<byte> json, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        var copied = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                output.Write(json);
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isChoices = reader.ValueTextEquals("choices"u8);
                reader.Read();
                if (!isChoices || reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isLogprobs = reader.ValueTextEquals("logprobs"u8);
                        reader.Read();
                        if (!isLogprobs || reader.TokenType == JsonTokenType.Null)
                        {
                            reader.Skip();
                            continue;
                        }

                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        output.Write(json[copied..start]);
                        output.Write(Null);
                        copied = (int)reader.BytesConsumed;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Cannot happen: the relay checked the answer is JSON before holding it. Were it not, the rest is copied as
            // it is: still the upstream's bytes, with the logprobs before the fault already null.
        }

        output.Write(json[copied..]);
    }
}
