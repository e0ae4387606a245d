using System.Text.Json;

namespace Switchyard.Gateway.Forwarding.Internal;

/// <summary>Finds the top-level <c>usage</c> object of an OpenAI response or stream chunk.</summary>
internal static class UsageReader
{
    /// <summary>
    /// Reads <c>usage.prompt_tokens</c> and <c>usage.completion_tokens</c> from a whole JSON document. Returns false
    /// when the document is not valid JSON (the caller treats that as a broken response); <paramref name="usage"/> is
    /// null when it is valid but has no usage. <paramref name="isError"/> tells whether it has a top-level <c>error</c>.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out Usage? usage, out bool isError)
    {
        usage = null;
        isError = false;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isUsage = reader.ValueTextEquals("usage"u8);
                isError |= reader.ValueTextEquals("error"u8);
                reader.Read();
                if (isUsage && reader.TokenType == JsonTokenType.StartObject)
                {
                    usage = ReadUsage(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }

            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads a <c>usage</c> object; the reader is on its <c>{</c> and ends on its <c>}</c>. Besides the two counts, the
    /// cached input tokens and the reasoning tokens in <c>prompt_tokens_details</c> and <c>completion_tokens_details</c>.
    /// </summary>
    public static Usage ReadUsage(ref Utf8JsonReader reader)
    {
        int prompt = 0, completion = 0, cached = 0, reasoning = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                prompt = ReadCount(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                completion = ReadCount(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                cached = ReadDetail(ref reader, "cached_tokens"u8);
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                reasoning = ReadDetail(ref reader, "reasoning_tokens"u8);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new Usage(prompt, completion, cached, reasoning);
    }

    /// <summary>The number after a property name, or 0 when it is not one (the reader ends on the value).</summary>
    private static int ReadCount(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value))
        {
            return Math.Max(value, 0);
        }

        reader.Skip();
        return 0;
    }

    /// <summary>One count of a details object (null or absent: 0); the reader ends on the object's end.</summary>
    private static int ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return 0;
        }

        var count = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                count = ReadCount(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return count;
    }
}
