using System.Text.Json;
using Switchyard.Simulator.Generation;

namespace Switchyard.Simulator.Protocol;

/// <summary>
/// Writes chat completions in OpenAI's format: the whole <c>chat.completion</c> object, and the <c>chat.completion.chunk</c>
/// objects of a stream (role chunk, content or tool call deltas, finish chunk, usage chunk).
/// </summary>
internal static class ChatResponseWriter
{
    public static void WriteCompletion(Utf8JsonWriter writer, in ResponseIdentity identity, ReadOnlySpan<Answer> answers, int promptTokens, bool logprobs, int topLogprobs, UsageDetails details = default)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonNames.Id, identity.Id);
        writer.WriteString(JsonNames.Object, JsonNames.ChatCompletionValue);
        writer.WriteNumber(JsonNames.Created, identity.Created);
        writer.WriteString(JsonNames.Model, identity.Model);
        writer.WriteStartArray(JsonNames.Choices);
        var completionTokens = details.ReasoningTokens;
        for (var i = 0; i < answers.Length; i++)
        {
            var answer = answers[i];
            completionTokens += answer.TokenCount;
            writer.WriteStartObject();
            writer.WriteNumber(JsonNames.Index, i);
            writer.WriteStartObject(JsonNames.Message);
            writer.WriteString(JsonNames.Role, JsonNames.AssistantValue);
            if (answer.HasToolCalls)
            {
                writer.WriteNull(JsonNames.Content);
            }
            else
            {
                writer.WriteString(JsonNames.Content, answer.Content);
            }

            writer.WriteNull(JsonNames.Refusal);
            if (answer.HasToolCalls)
            {
                writer.WriteStartArray(JsonNames.ToolCalls);
                foreach (var call in answer.ToolCalls!)
                {
                    writer.WriteStartObject();
                    writer.WriteString(JsonNames.Id, call.Id);
                    writer.WriteString(JsonNames.Type, JsonNames.FunctionValue);
                    writer.WriteStartObject(JsonNames.Function);
                    writer.WriteString(JsonNames.Name, call.Name);
                    writer.WriteString(JsonNames.Arguments, answer.Tokens(call.FirstToken, call.EndToken));
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteStartArray(JsonNames.Annotations);
            writer.WriteEndArray();
            writer.WriteEndObject();
            if (logprobs && !answer.HasToolCalls)
            {
                LogprobWriter.WriteChatLogprobs(writer, answer, 0, answer.ContentTokenCount, topLogprobs);
            }
            else
            {
                writer.WriteNull(JsonNames.Logprobs);
            }

            writer.WriteString(JsonNames.FinishReason, FinishReasonValue(answer.FinishReason));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteUsage(writer, promptTokens, completionTokens, details);
        writer.WriteString(JsonNames.SystemFingerprint, identity.Fingerprint);
        writer.WriteEndObject();
    }

    /// <summary>The first chunk of a choice: the role, and for a tool call answer the first call's id and name.</summary>
    public static void WriteRoleChunk(Utf8JsonWriter writer, in ResponseIdentity identity, int choice, Answer answer)
    {
        StartChunk(writer, identity, choice);
        writer.WriteString(JsonNames.Role, JsonNames.AssistantValue);
        if (answer.HasToolCalls)
        {
            writer.WriteNull(JsonNames.Content);
            WriteToolCallHeader(writer, 0, answer.ToolCalls![0]);
        }
        else
        {
            writer.WriteString(JsonNames.Content, ""u8);
        }

        writer.WriteNull(JsonNames.Refusal);
        EndChunk(writer, identity, finishReason: null);
    }

    public static void WriteContentChunk(Utf8JsonWriter writer, in ResponseIdentity identity, int choice, Answer answer, int first, int end, bool logprobs, int topLogprobs)
    {
        StartChunk(writer, identity, choice);
        writer.WriteString(JsonNames.Content, answer.Tokens(first, end));
        writer.WriteEndObject();
        if (logprobs)
        {
            LogprobWriter.WriteChatLogprobs(writer, answer, first, end, topLogprobs);
        }
        else
        {
            writer.WriteNull(JsonNames.Logprobs);
        }

        writer.WriteNull(JsonNames.FinishReason);
        writer.WriteEndObject();
        EndChunkEnvelope(writer, identity);
    }

    /// <summary>The id and name of a tool call after the first (the first one rides on the role chunk).</summary>
    public static void WriteToolHeaderChunk(Utf8JsonWriter writer, in ResponseIdentity identity, int choice, int toolIndex, ToolCallSegment call)
    {
        StartChunk(writer, identity, choice);
        WriteToolCallHeader(writer, toolIndex, call);
        EndChunk(writer, identity, finishReason: null);
    }

    public static void WriteToolArgumentsChunk(Utf8JsonWriter writer, in ResponseIdentity identity, int choice, int toolIndex, Answer answer, int first, int end)
    {
        StartChunk(writer, identity, choice);
        writer.WriteStartArray(JsonNames.ToolCalls);
        writer.WriteStartObject();
        writer.WriteNumber(JsonNames.Index, toolIndex);
        writer.WriteStartObject(JsonNames.Function);
        writer.WriteString(JsonNames.Arguments, answer.Tokens(first, end));
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        EndChunk(writer, identity, finishReason: null);
    }

    public static void WriteFinishChunk(Utf8JsonWriter writer, in ResponseIdentity identity, int choice, FinishReason reason)
    {
        StartChunk(writer, identity, choice);
        EndChunk(writer, identity, reason);
    }

    /// <summary>The chunk <c>stream_options.include_usage</c> asks for: no choices, the whole request's usage.</summary>
    public static void WriteUsageChunk(Utf8JsonWriter writer, in ResponseIdentity identity, int promptTokens, int completionTokens, UsageDetails details = default)
    {
        WriteEnvelopeStart(writer, identity);
        writer.WriteStartArray(JsonNames.Choices);
        writer.WriteEndArray();
        WriteUsage(writer, promptTokens, completionTokens, details);
        writer.WriteEndObject();
    }

    /// <summary>The <c>usage</c> object; <paramref name="completionTokens"/> includes the reasoning tokens of <paramref name="details"/>.</summary>
    public static void WriteUsage(Utf8JsonWriter writer, int promptTokens, int completionTokens, UsageDetails details = default)
    {
        writer.WriteStartObject(JsonNames.Usage);
        writer.WriteNumber(JsonNames.PromptTokens, promptTokens);
        writer.WriteNumber(JsonNames.CompletionTokens, completionTokens);
        writer.WriteNumber(JsonNames.TotalTokens, promptTokens + completionTokens);
        writer.WriteStartObject(JsonNames.PromptTokensDetails);
        writer.WriteNumber(JsonNames.CachedTokens, details.CachedTokens);
        writer.WriteNumber(JsonNames.AudioTokens, 0);
        writer.WriteEndObject();
        writer.WriteStartObject(JsonNames.CompletionTokensDetails);
        writer.WriteNumber(JsonNames.ReasoningTokens, details.ReasoningTokens);
        writer.WriteNumber(JsonNames.AudioTokens, 0);
        writer.WriteNumber(JsonNames.AcceptedPredictionTokens, 0);
        writer.WriteNumber(JsonNames.RejectedPredictionTokens, 0);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static JsonEncodedText FinishReasonValue(FinishReason reason) => reason switch
    {
        FinishReason.Length => JsonNames.LengthValue,
        FinishReason.ToolCalls => JsonNames.ToolCallsValue,
        FinishReason.ContentFilter => JsonNames.ContentFilterValue,
        _ => JsonNames.StopValue,
    };

    private static void WriteToolCallHeader(Utf8JsonWriter writer, int toolIndex, ToolCallSegment call)
    {
        writer.WriteStartArray(JsonNames.ToolCalls);
        writer.WriteStartObject();
        writer.WriteNumber(JsonNames.Index, toolIndex);
        writer.WriteString(JsonNames.Id, call.Id);
        writer.WriteString(JsonNames.Type, JsonNames.FunctionValue);
        writer.WriteStartObject(JsonNames.Function);
        writer.WriteString(JsonNames.Name, call.Name);
        writer.WriteString(JsonNames.Arguments, ""u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    private static void WriteEnvelopeStart(Utf8JsonWriter writer, in ResponseIdentity identity)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonNames.Id, identity.Id);
        writer.WriteString(JsonNames.Object, JsonNames.ChatCompletionChunkValue);
        writer.WriteNumber(JsonNames.Created, identity.Created);
        writer.WriteString(JsonNames.Model, identity.Model);
        writer.WriteString(JsonNames.SystemFingerprint, identity.Fingerprint);
    }

    /// <summary>Opens a chunk with one choice, up to and including <c>"delta":{</c>.</summary>
    private static void StartChunk(Utf8JsonWriter writer, in ResponseIdentity identity, int choice)
    {
        WriteEnvelopeStart(writer, identity);
        writer.WriteStartArray(JsonNames.Choices);
        writer.WriteStartObject();
        writer.WriteNumber(JsonNames.Index, choice);
        writer.WriteStartObject(JsonNames.Delta);
    }

    /// <summary>Closes the delta, writes <c>logprobs: null</c> and the finish reason, and closes the chunk.</summary>
    private static void EndChunk(Utf8JsonWriter writer, in ResponseIdentity identity, FinishReason? finishReason)
    {
        writer.WriteEndObject();
        writer.WriteNull(JsonNames.Logprobs);
        if (finishReason is { } reason)
        {
            writer.WriteString(JsonNames.FinishReason, FinishReasonValue(reason));
        }
        else
        {
            writer.WriteNull(JsonNames.FinishReason);
        }

        writer.WriteEndObject();
        EndChunkEnvelope(writer, identity);
    }

    private static void EndChunkEnvelope(Utf8JsonWriter writer, in ResponseIdentity identity)
    {
        writer.WriteEndArray();
        if (identity.UsageInChunks)
        {
            writer.WriteNull(JsonNames.Usage);
        }

        writer.WriteEndObject();
    }
}
