using System.Text.Json;
using Switchyard.Simulator.Generation;

namespace Switchyard.Simulator.Protocol;

/// <summary>Writes legacy completions (<c>text_completion</c>) in OpenAI's format, whole or as stream chunks.</summary>
internal static class CompletionResponseWriter
{
    public static void WriteCompletion(Utf8JsonWriter writer, in ResponseIdentity identity, ReadOnlySpan<Answer> answers, int promptTokens, bool logprobs, int topLogprobs)
    {
        WriteEnvelopeStart(writer, identity);
        writer.WriteStartArray(JsonNames.Choices);
        var completionTokens = 0;
        for (var i = 0; i < answers.Length; i++)
        {
            var answer = answers[i];
            completionTokens += answer.TokenCount;
            WriteChoice(writer, i, answer, 0, answer.ContentTokenCount, answer.FinishReason, logprobs, topLogprobs);
        }

        writer.WriteEndArray();
        WriteUsage(writer, promptTokens, completionTokens);
        writer.WriteEndObject();
    }

    /// <summary>One stream chunk for one choice; <paramref name="finishReason"/> is set on the last one.</summary>
    public static void WriteChunk(Utf8JsonWriter writer, in ResponseIdentity identity, int choice, Answer answer, int first, int end, FinishReason? finishReason, bool logprobs, int topLogprobs)
    {
        WriteEnvelopeStart(writer, identity);
        writer.WriteStartArray(JsonNames.Choices);
        WriteChoice(writer, choice, answer, first, end, finishReason, logprobs && end > first, topLogprobs);
        writer.WriteEndArray();
        if (identity.UsageInChunks)
        {
            writer.WriteNull(JsonNames.Usage);
        }

        writer.WriteEndObject();
    }

    public static void WriteUsageChunk(Utf8JsonWriter writer, in ResponseIdentity identity, int promptTokens, int completionTokens)
    {
        WriteEnvelopeStart(writer, identity);
        writer.WriteStartArray(JsonNames.Choices);
        writer.WriteEndArray();
        WriteUsage(writer, promptTokens, completionTokens);
        writer.WriteEndObject();
    }

    private static void WriteChoice(Utf8JsonWriter writer, int index, Answer answer, int first, int end, FinishReason? finishReason, bool logprobs, int topLogprobs)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonNames.Text, answer.Tokens(first, end));
        writer.WriteNumber(JsonNames.Index, index);
        if (logprobs)
        {
            LogprobWriter.WriteLegacyLogprobs(writer, answer, first, end, topLogprobs);
        }
        else
        {
            writer.WriteNull(JsonNames.Logprobs);
        }

        if (finishReason is { } reason)
        {
            writer.WriteString(JsonNames.FinishReason, ChatResponseWriter.FinishReasonValue(reason));
        }
        else
        {
            writer.WriteNull(JsonNames.FinishReason);
        }

        writer.WriteEndObject();
    }

    private static void WriteEnvelopeStart(Utf8JsonWriter writer, in ResponseIdentity identity)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonNames.Id, identity.Id);
        writer.WriteString(JsonNames.Object, JsonNames.TextCompletionValue);
        writer.WriteNumber(JsonNames.Created, identity.Created);
        writer.WriteString(JsonNames.Model, identity.Model);
        writer.WriteString(JsonNames.SystemFingerprint, identity.Fingerprint);
    }

    private static void WriteUsage(Utf8JsonWriter writer, int promptTokens, int completionTokens)
    {
        writer.WriteStartObject(JsonNames.Usage);
        writer.WriteNumber(JsonNames.PromptTokens, promptTokens);
        writer.WriteNumber(JsonNames.CompletionTokens, completionTokens);
        writer.WriteNumber(JsonNames.TotalTokens, promptTokens + completionTokens);
        writer.WriteEndObject();
    }
}
