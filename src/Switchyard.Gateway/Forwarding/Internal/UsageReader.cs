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

    /// <summary>Reads a <c>usage</c> object; the reader is on its <c>{</c> and ends on its <c>}</c>.</summary>
    public static Usage ReadUsage(ref Utf8JsonReader reader)
    {
        int prompt = 0, completion = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isPrompt = reader.ValueTextEquals("prompt_tokens"u8);
            var isCompletion = !isPrompt && reader.ValueTextEquals("completion_tokens"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Number && (isPrompt || isCompletion))
            {
                _ = reader.TryGetInt32(out var value);
                if (isPrompt)
                {
                    prompt = value;
                }
                else
                {
                    completion = value;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return new Usage(prompt, completion);
    }
}
