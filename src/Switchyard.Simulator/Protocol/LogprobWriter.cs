using System.Text.Json;
using Switchyard.Simulator.Generation;

namespace Switchyard.Simulator.Protocol;

/// <summary>
/// Writes per-token log probabilities in the chat format (<c>logprobs.content[]</c>) and the legacy one. The alternatives
/// of a token share the probability mass the token leaves (halving each time), so every distribution sums to at most 1.
/// </summary>
internal static class LogprobWriter
{
    private const int MaxAlternativeBytes = 32;

    /// <summary>Writes <c>{"content":[...],"refusal":null}</c> for tokens <c>[first, end)</c>.</summary>
    public static void WriteChatLogprobs(Utf8JsonWriter writer, Answer answer, int first, int end, int top)
    {
        writer.WriteStartObject(JsonNames.Logprobs);
        writer.WriteStartArray(JsonNames.Content);
        Span<byte> alternative = stackalloc byte[MaxAlternativeBytes];
        for (var i = first; i < end; i++)
        {
            var token = answer.Token(i);
            var logprob = answer.Logprob(i);
            writer.WriteStartObject();
            WriteEntry(writer, token, logprob);
            writer.WriteStartArray(JsonNames.TopLogprobs);
            var chosenWritten = top == 0;
            for (var j = 0; j < top - 1; j++)
            {
                var altLogprob = AlternativeLogprob(logprob, j);
                if (!chosenWritten && logprob >= altLogprob)
                {
                    WriteTopEntry(writer, token, logprob);
                    chosenWritten = true;
                }

                WriteTopEntry(writer, Alternative(answer, i, j, alternative), altLogprob);
            }

            if (!chosenWritten)
            {
                WriteTopEntry(writer, token, logprob);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNull(JsonNames.Refusal);
        writer.WriteEndObject();
    }

    /// <summary>Writes the legacy <c>{"tokens","token_logprobs","top_logprobs","text_offset"}</c> for tokens <c>[first, end)</c>.</summary>
    public static void WriteLegacyLogprobs(Utf8JsonWriter writer, Answer answer, int first, int end, int top)
    {
        writer.WriteStartObject(JsonNames.Logprobs);
        writer.WriteStartArray(JsonNames.Tokens);
        for (var i = first; i < end; i++)
        {
            writer.WriteStringValue(answer.Token(i));
        }

        writer.WriteEndArray();
        writer.WriteStartArray(JsonNames.TokenLogprobs);
        for (var i = first; i < end; i++)
        {
            writer.WriteNumberValue(Math.Round(answer.Logprob(i), 6));
        }

        writer.WriteEndArray();
        writer.WriteStartArray(JsonNames.TopLogprobs);
        Span<byte> alternative = stackalloc byte[MaxAlternativeBytes];
        for (var i = first; i < end; i++)
        {
            var logprob = answer.Logprob(i);
            writer.WriteStartObject();
            if (top > 0)
            {
                writer.WriteNumber(answer.Token(i), Math.Round(logprob, 6));
            }

            for (var j = 0; j < top - 1; j++)
            {
                writer.WriteNumber(Alternative(answer, i, j, alternative), Math.Round(AlternativeLogprob(logprob, j), 6));
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray(JsonNames.TextOffset);
        for (var i = first; i < end; i++)
        {
            writer.WriteNumberValue(answer.TokenStart(i));
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteEntry(Utf8JsonWriter writer, ReadOnlySpan<byte> token, double logprob)
    {
        writer.WriteString(JsonNames.Token, token);
        writer.WriteNumber(JsonNames.Logprob, Math.Round(logprob, 6));
        writer.WriteStartArray(JsonNames.Bytes);
        foreach (var b in token)
        {
            writer.WriteNumberValue(b);
        }

        writer.WriteEndArray();
    }

    private static void WriteTopEntry(Utf8JsonWriter writer, ReadOnlySpan<byte> token, double logprob)
    {
        writer.WriteStartObject();
        WriteEntry(writer, token, logprob);
        writer.WriteEndObject();
    }

    private static double AlternativeLogprob(double logprob, int rank)
    {
        var remaining = Math.Max(1.0 - Math.Exp(logprob), 1e-6);
        return Math.Log(remaining * Math.Pow(0.5, rank + 1));
    }

    private static ReadOnlySpan<byte> Alternative(Answer answer, int token, int rank, Span<byte> buffer)
    {
        var hash = StableHash.Combine(StableHash.Combine(answer.LogprobSeed, (ulong)token), (ulong)rank + 1);
        var word = WordList.General[(int)(hash % (ulong)WordList.General.Length)];
        buffer[0] = (byte)' ';
        var length = Math.Min(word.Length, buffer.Length - 1);
        word.AsSpan(0, length).CopyTo(buffer[1..]);
        return buffer[..(length + 1)];
    }
}
