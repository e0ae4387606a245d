using System.Text.Json;

namespace Switchyard.Gateway.Api;

/// <summary>
/// What one event of an OpenAI chat completion stream says, as raw spans into its data: the fields the translations at
/// the edge (<c>/v1/messages</c>, <c>/v1/responses</c>) need, read in one <see cref="Utf8JsonReader"/> pass.
/// </summary>
/// <remarks>
/// PERF: string values are the raw (still escaped) bytes between their quotes, so a translation copies them into its own
/// JSON templates without decoding or allocating. The first choice is read; the gateway never asks for more than one.
/// </remarks>
internal ref struct ChatChunk
{
    public ReadOnlySpan<byte> Id;
    public ReadOnlySpan<byte> Model;

    /// <summary>The first choice's <c>delta</c> object, whole (read it with <see cref="ChatDeltaReader"/>).</summary>
    public ReadOnlySpan<byte> Delta;
    public ReadOnlySpan<byte> FinishReason;

    /// <summary>vLLM's <c>stop_reason</c>: the stop string that ended the answer.</summary>
    public ReadOnlySpan<byte> StopSequence;
    public ReadOnlySpan<byte> ErrorType;
    public ReadOnlySpan<byte> ErrorMessage;
    public bool HasUsage;
    public int PromptTokens;
    public int CompletionTokens;
    public int Cached;
    public int CacheWrite;
    public int ReasoningTokens;

    /// <summary>Whether the event is an error (<c>{"error": ...}</c>, the forwarder's <c>stream_interrupted</c> included).</summary>
    public readonly bool IsError => !ErrorMessage.IsEmpty || !ErrorType.IsEmpty;

    /// <summary>Reads one event's data.</summary>
    /// <exception cref="JsonException">The data is not a JSON object.</exception>
    public static ChatChunk Read(ReadOnlySpan<byte> data)
    {
        var chunk = new ChatChunk();
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A chunk is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                chunk.Id = StringValue(ref reader, data);
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                chunk.Model = StringValue(ref reader, data);
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadChoice(ref reader, data, ref chunk);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        reader.Skip();
                    }
                }
                else if (reader.TokenType != JsonTokenType.EndArray)
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    chunk.HasUsage = true;
                    ReadUsage(ref reader, ref chunk);
                }
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                ReadError(ref reader, data, ref chunk);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return chunk;
    }

    /// <summary>The raw (escaped) bytes of a string value; empty for null and other kinds. The reader is on its name.</summary>
    public static ReadOnlySpan<byte> StringValue(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> data)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return data.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
        }

        reader.Skip();
        return default;
    }

    private static void ReadChoice(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ref ChatChunk chunk)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                chunk.Delta = data[start..(int)reader.BytesConsumed];
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                chunk.FinishReason = StringValue(ref reader, data);
            }
            else if (reader.ValueTextEquals("stop_reason"u8))
            {
                chunk.StopSequence = StringValue(ref reader, data);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadError(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ref ChatChunk chunk)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            chunk.ErrorType = "api_error"u8;
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("message"u8))
            {
                chunk.ErrorMessage = StringValue(ref reader, data);
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                chunk.ErrorType = StringValue(ref reader, data);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (chunk.ErrorType.IsEmpty)
        {
            chunk.ErrorType = "api_error"u8;
        }
    }

    private static void ReadUsage(ref Utf8JsonReader reader, ref ChatChunk chunk)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                chunk.PromptTokens = Count(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                chunk.CompletionTokens = Count(ref reader);
            }
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8))
            {
                chunk.CacheWrite = Count(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                ReadDetail(ref reader, "cached_tokens"u8, ref chunk.Cached);
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                ReadDetail(ref reader, "reasoning_tokens"u8, ref chunk.ReasoningTokens);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>One count of a details object (<c>prompt_tokens_details.cached_tokens</c>, ...); the reader is on its name.</summary>
    private static void ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ref int value)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                value = Count(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static int Count(scoped ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? Math.Max(0, value) : 0;
    }
}
