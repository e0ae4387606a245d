using System.Text.Json;
using Switchyard.Simulator.Internal;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Generation;

/// <summary>
/// Builds one choice's answer, deterministically from an <see cref="AnswerSpec"/>.
/// </summary>
/// <remarks>
/// <code>
/// content filter fault ──► empty, finish content_filter
/// judge request ──► the verdict as JSON, whatever the model, the tools or a forced quality (see AnswerJudge)
/// difficulty draw &lt; skill (or forced) ──► good ──► tools? tool calls : JSON asked? JSON : prose (math: then "The answer is N.")
///                                   else ──► bad  ──► WrongShare of them wrong (plausible: another number, another topic, other values)
///                                                     the rest one of: refusal, truncated, nearly empty, invalid JSON (when JSON or tools)
/// then: stop sequences cut the content; max_tokens cuts everything (finish length)
/// </code>
/// Prose is 16 to 200 tokens of plausible sentences from <see cref="WordList"/>; code prompts also get a small fenced block, and
/// math prompts end with their true answer (<see cref="FinalAnswer"/>).
/// </remarks>
internal static class AnswerGenerator
{
    private const int MinLength = 16;
    private const int MaxLength = 180;
    private const int CapMargin = 16;
    private const ulong WrongDrawSalt = 0x5752_4F4E_4753_4852UL;

    public static Answer Generate(in AnswerSpec spec)
    {
        var random = new SplitMix64(spec.AnswerHash);
        var answer = new Answer { LogprobSeed = random.NextUInt64() };
        try
        {
            Fill(answer, spec, ref random);
            ApplyStop(answer, spec.Stop);
            if (spec.MaxTokens is { } max && answer.TokenCount > max)
            {
                answer.TruncateTokens(max);
                answer.FinishReason = FinishReason.Length;
            }

            return answer;
        }
        catch
        {
            answer.Dispose();
            throw;
        }
    }

    private static void Fill(Answer answer, in AnswerSpec spec, ref SplitMix64 random)
    {
        if (spec.ContentFilter)
        {
            answer.Quality = AnswerQuality.ContentFilter;
            answer.FinishReason = FinishReason.ContentFilter;
            return;
        }

        if (spec.Judge is { } judge)
        {
            answer.Quality = AnswerQuality.Good;
            AnswerJudge.Write(answer, AnswerJudge.Judge(judge));
            answer.ContentTokenCount = answer.TokenCount;
            answer.FinishReason = FinishReason.Stop;
            return;
        }

        var tools = spec.Tools is { Length: > 0 };
        var json = spec.Format != ResponseFormatKind.Text;
        var quality = DecideQuality(spec, tools || json, ref random);
        answer.Quality = quality;
        switch (quality)
        {
            case AnswerQuality.Good when tools:
                WriteToolCalls(answer, spec, ref random);
                answer.FinishReason = FinishReason.ToolCalls;
                return;
            case AnswerQuality.Good when json:
                WriteJson(answer, spec, ref random);
                break;
            case AnswerQuality.Good:
                // PERF: a max_tokens cap stops generation early (with a margin so a stop sequence that straddles the cap is still
                // found); decisions depend only on the natural length, so the capped text is a prefix of the uncapped one.
                var length = random.Next(MinLength, MaxLength + 1);
                WriteProse(answer, spec.Kind, length, ref random, spec.MaxTokens is { } cap ? cap + CapMargin : int.MaxValue);
                if (spec.TrueAnswer != 0)
                {
                    // Last, so no other number comes after it: the gateway compares the last number of two answers.
                    FinalAnswer.Append(answer, spec.TrueAnswer);
                }

                break;
            case AnswerQuality.Wrong when tools:
                // One draw skipped, so the arguments take other values than the good answer's.
                random.NextUInt64();
                WriteToolCalls(answer, spec, ref random);
                answer.FinishReason = FinishReason.ToolCalls;
                return;
            case AnswerQuality.Wrong when json:
                random.NextUInt64();
                WriteJson(answer, spec, ref random);
                break;
            case AnswerQuality.Wrong:
                WriteWrongProse(answer, spec, ref random);
                break;
            case AnswerQuality.Refusal:
                answer.AppendTokens(WordList.Refusals[random.Next(WordList.Refusals.Length)]);
                break;
            case AnswerQuality.Empty:
                answer.AppendTokens(WordList.NearlyEmpty[random.Next(WordList.NearlyEmpty.Length)]);
                break;
            case AnswerQuality.InvalidJson when tools:
                WriteToolCalls(answer, spec, ref random);
                var last = answer.ToolCalls![^1];
                answer.TruncateTokens(last.FirstToken + Math.Max(1, (last.EndToken - last.FirstToken) / 2));
                answer.FinishReason = FinishReason.ToolCalls;
                return;
            case AnswerQuality.InvalidJson:
                WriteInvalidJson(answer, spec, ref random);
                break;
            case AnswerQuality.Truncated:
                if (tools)
                {
                    WriteToolCalls(answer, spec, ref random);
                }
                else if (json)
                {
                    WriteJson(answer, spec, ref random);
                }
                else
                {
                    WriteProse(answer, spec.Kind, random.Next(MinLength, MaxLength + 1), ref random, int.MaxValue);
                }

                answer.ContentTokenCount = tools ? 0 : answer.TokenCount;
                var keep = random.Next(Math.Max(1, answer.TokenCount / 4), Math.Max(2, answer.TokenCount / 2));
                answer.TruncateTokens(keep);
                answer.FinishReason = FinishReason.Length;
                return;
        }

        answer.ContentTokenCount = answer.TokenCount;
        answer.FinishReason = FinishReason.Stop;
    }

    private static AnswerQuality DecideQuality(in AnswerSpec spec, bool structured, ref SplitMix64 random)
    {
        var good = spec.Override switch
        {
            QualityOverride.None => StableHash.Unit(spec.DifficultyHash) < spec.Skill,
            QualityOverride.Good => true,
            _ => false,
        };

        if (good)
        {
            return AnswerQuality.Good;
        }

        switch (spec.Override)
        {
            case QualityOverride.Refusal:
                return AnswerQuality.Refusal;
            case QualityOverride.Truncated:
                return AnswerQuality.Truncated;
            case QualityOverride.Empty:
                return AnswerQuality.Empty;
            case QualityOverride.InvalidJson:
                return AnswerQuality.InvalidJson;
            case QualityOverride.Wrong:
                return AnswerQuality.Wrong;
        }

        // Its own hash, not a draw from the answer's sequence: the other bad answers stay what they were without the option.
        if (spec.WrongShare > 0 && StableHash.Unit(StableHash.Combine(spec.AnswerHash, WrongDrawSalt)) < spec.WrongShare)
        {
            return AnswerQuality.Wrong;
        }

        var tools = spec.Tools is { Length: > 0 };
        if (tools)
        {
            // A model that fumbles a tool call either refuses or emits broken arguments.
            return random.Next(2) == 0 ? AnswerQuality.Refusal : AnswerQuality.InvalidJson;
        }

        if (structured)
        {
            // When JSON is asked for, invalid JSON is the most common failure.
            return random.Next(5) switch
            {
                0 => AnswerQuality.Refusal,
                1 => AnswerQuality.Truncated,
                2 => AnswerQuality.Empty,
                _ => AnswerQuality.InvalidJson,
            };
        }

        return random.Next(3) switch
        {
            0 => AnswerQuality.Refusal,
            1 => AnswerQuality.Truncated,
            _ => AnswerQuality.Empty,
        };
    }

    /// <summary>
    /// A wrong answer that reads like a good one: a math answer works on the topic and states another number than the true
    /// one (drawn from the answer's hash, so two samples usually disagree); other prose is about another kind's topic, one
    /// of its distinctive words in the first sentence so a judge can tell.
    /// </summary>
    private static void WriteWrongProse(Answer answer, in AnswerSpec spec, ref SplitMix64 random)
    {
        var length = random.Next(MinLength, MaxLength + 1);
        var stopAt = spec.MaxTokens is { } cap ? cap + CapMargin : int.MaxValue;
        if (spec.TrueAnswer != 0)
        {
            WriteProse(answer, spec.Kind, length, ref random, stopAt);
            FinalAnswer.Append(answer, FinalAnswer.WrongAnswer(spec.TrueAnswer, random.NextUInt64()));
            return;
        }

        ReadOnlySpan<PromptKind> topics = [PromptKind.Code, PromptKind.Legal, PromptKind.Medical, PromptKind.Math];
        var other = topics[random.Next(topics.Length)];
        if (other == spec.Kind)
        {
            other = topics[(topics.IndexOf(other) + 1 + random.Next(topics.Length - 1)) % topics.Length];
        }

        var lead = WordList.Distinctive[(int)other];
        WriteProse(answer, other, length, ref random, stopAt, lead[random.Next(lead.Length)]);
    }

    /// <summary>
    /// Writes whole sentences until at least <paramref name="targetTokens"/> tokens are written, or stops once
    /// <paramref name="stopAt"/> tokens are written (the caller then cuts to max_tokens). The first sentence's first noun is
    /// <paramref name="firstNoun"/> when one is given.
    /// </summary>
    private static void WriteProse(Answer answer, PromptKind kind, int targetTokens, ref SplitMix64 random, int stopAt, byte[]? firstNoun = null)
    {
        var codeBlock = kind == PromptKind.Code && targetTokens >= 60;
        while (answer.TokenCount < targetTokens && answer.TokenCount < stopAt)
        {
            var start = answer.Text.Length;
            SentenceWriter.Write(answer.Text, kind, ref random, firstNoun);
            firstNoun = null;
            answer.TokenizeFrom(start);
            if (codeBlock)
            {
                WriteCodeBlock(answer, ref random);
                codeBlock = false;
            }
        }
    }

    private static void WriteCodeBlock(Answer answer, ref SplitMix64 random)
    {
        var text = answer.Text;
        var start = text.Length;
        var name1 = WordList.Topical[(int)PromptKind.Code][random.Next(WordList.Topical[(int)PromptKind.Code].Length)];
        var name2 = WordList.General[random.Next(WordList.General.Length)];
        var argument = WordList.Topical[(int)PromptKind.Code][random.Next(WordList.Topical[(int)PromptKind.Code].Length)];
        text.Write("\n\n```python\ndef "u8);
        text.Write(name1);
        text.Write((byte)'_');
        text.Write(name2);
        text.Write((byte)'(');
        text.Write(argument);
        text.Write("):\n    return "u8);
        text.Write(argument);
        text.Write("\n```\n\n"u8);
        answer.TokenizeFrom(start);
    }

    private static void WriteJson(Answer answer, in AnswerSpec spec, ref SplitMix64 random)
    {
        var start = answer.Text.Length;
        var writer = JsonWriterCache.Rent(answer.Text);
        try
        {
            if (spec.Format == ResponseFormatKind.JsonSchema && spec.Schema.ValueKind == JsonValueKind.Object)
            {
                JsonSchemaSampler.Write(writer, spec.Schema, ref random);
            }
            else
            {
                WriteJsonObject(writer, spec.Kind, ref random);
            }

            writer.Flush();
        }
        finally
        {
            JsonWriterCache.Return(writer);
        }

        answer.TokenizeFrom(start);
    }

    private static void WriteJsonObject(Utf8JsonWriter writer, PromptKind kind, ref SplitMix64 random)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("answer"u8);
        writer.WriteStringValue(Sentence(ref random, kind));
        writer.WriteNumber("confidence"u8, Math.Round(0.6 + (random.NextDouble() * 0.39), 2));
        writer.WriteStartArray("tags"u8);
        var tags = random.Next(1, 4);
        for (var i = 0; i < tags; i++)
        {
            var topical = WordList.Topical[(int)kind];
            writer.WriteStringValue(topical[random.Next(topical.Length)]);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("complete"u8, true);
        writer.WriteEndObject();
    }

    private static void WriteInvalidJson(Answer answer, in AnswerSpec spec, ref SplitMix64 random)
    {
        switch (random.Next(3))
        {
            case 0:
                // A preamble before the JSON.
                answer.AppendTokens(WordList.JsonPreamble);
                WriteJson(answer, spec, ref random);
                break;
            case 1:
                // The model stopped mid-object, yet says it stopped naturally.
                WriteJson(answer, spec, ref random);
                answer.TruncateTokens(Math.Max(1, answer.TokenCount * random.Next(4, 8) / 10));
                break;
            default:
                // A trailing comma before the closing brace.
                WriteJson(answer, spec, ref random);
                var bytes = answer.Text.WrittenSpan;
                if (bytes.Length > 1 && bytes[^1] is (byte)'}' or (byte)']')
                {
                    var closer = bytes[^1];
                    answer.TruncateTokens(answer.TokenCount - 1);
                    answer.AppendTokens(","u8);
                    answer.AppendTokens([closer]);
                }

                break;
        }
    }

    private static void WriteToolCalls(Answer answer, in AnswerSpec spec, ref SplitMix64 random)
    {
        var tools = spec.Tools!;
        var first = spec.ForcedTool is { } forced ? Array.FindIndex(tools, t => t.Name == forced) : random.Next(tools.Length);
        var count = spec.ForcedTool is null && spec.ParallelToolCalls && tools.Length > 1 && random.Next(3) == 0 ? 2 : 1;
        answer.ToolCalls = new List<ToolCallSegment>(count);
        answer.ContentTokenCount = 0;
        for (var i = 0; i < count; i++)
        {
            var tool = tools[i == 0 ? first : (first + 1 + random.Next(tools.Length - 1)) % tools.Length];
            var firstToken = answer.TokenCount;
            var start = answer.Text.Length;
            var writer = JsonWriterCache.Rent(answer.Text);
            try
            {
                JsonSchemaSampler.Write(writer, tool.Parameters, ref random);
                writer.Flush();
            }
            finally
            {
                JsonWriterCache.Return(writer);
            }

            answer.TokenizeFrom(start);
            answer.ToolCalls.Add(new ToolCallSegment(CallId(ref random), tool.Name, firstToken, answer.TokenCount));
        }
    }

    private static string CallId(ref SplitMix64 random)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        Span<char> id = stackalloc char[29];
        "call_".CopyTo(id);
        for (var i = 5; i < id.Length; i++)
        {
            id[i] = Alphabet[random.Next(Alphabet.Length)];
        }

        return new string(id);
    }

    private static string Sentence(ref SplitMix64 random, PromptKind kind)
    {
        using var buffer = new PooledByteBuffer(256);
        SentenceWriter.Write(buffer, kind, ref random);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void ApplyStop(Answer answer, byte[][]? stops)
    {
        if (stops is null || answer.ContentTokenCount == 0)
        {
            return;
        }

        var content = answer.Content;
        var cut = -1;
        foreach (var stop in stops)
        {
            var at = content.IndexOf(stop);
            if (at >= 0 && (cut < 0 || at < cut))
            {
                cut = at;
            }
        }

        if (cut >= 0)
        {
            answer.CutAtByte(cut);
            answer.FinishReason = FinishReason.Stop;
        }
    }
}
