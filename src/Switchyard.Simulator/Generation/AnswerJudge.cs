using System.Collections.Frozen;
using System.Text;
using Switchyard.Simulator.Internal;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Generation;

/// <summary>
/// The simulated judge: scores an answer against its question, looking for the ways the simulator's own answers go wrong,
/// so a judge deployment in front of the simulator finds the wrong answers a cheap check cannot.
/// </summary>
/// <remarks>
/// <code>
/// the answer has fewer than 3 words                                        ──► 0  nearly empty
/// the answer starts with a refusal                                         ──► 1  refusal
/// the question is math and the answer's last "The answer is X." has X ≠ N  ──► 2  the final answer is wrong
/// the answer's topical words are another kind's, none the question's       ──► 2  off-topic
/// otherwise                                                                ──► 8, 9 or 10 by a hash of the answer
/// </code>
/// The question's kind comes from the classifier a request's kind comes from, N from <see cref="FinalAnswer"/> and topical
/// words from <see cref="WordList.Distinctive"/>, so the judge agrees with what the simulator generated for that question.
/// Cold path: a judge request is one per judged answer.
/// </remarks>
internal static class AnswerJudge
{
    private const int MinWords = 3;

    private static readonly string[] RefusalOpenings = BuildRefusalOpenings();
    private static readonly FrozenDictionary<string, PromptKind> TopicWords = BuildTopicWords();

    /// <summary>Scores <see cref="JudgePrompt.Answer"/> as an answer to <see cref="JudgePrompt.Question"/>.</summary>
    public static JudgeVerdict Judge(JudgePrompt prompt)
    {
        var answer = prompt.Answer.Replace('\u2019', '\'');
        if (CountWords(answer) < MinWords)
        {
            return new(0, "The answer is empty or nearly empty.");
        }

        if (IsRefusal(answer))
        {
            return new(1, "The answer is a refusal: it does not address the question.");
        }

        var question = Encoding.UTF8.GetBytes(prompt.Question);
        var kind = PromptClassifier.Classify(question);
        if (kind == PromptKind.Math && FinalAnswer.TryFindLast(answer, out var stated))
        {
            var truth = FinalAnswer.TrueAnswer(question);
            if (stated != truth)
            {
                return new(2, stated is { } number
                    ? $"The final answer is wrong: it says {number}, but the answer is {truth}."
                    : $"The final answer is wrong: it does not state a whole number, and the answer is {truth}.");
            }
        }

        if (OffTopic(answer, kind) is { } other)
        {
            return new(2, $"The answer is off-topic: it is about {Topic(other)}, not about what the question asks.");
        }

        var score = 8 + (int)(StableHash.Hash(Encoding.UTF8.GetBytes(prompt.Answer)) % 3);
        return new(score, score switch
        {
            10 => "The answer addresses the question fully and is on topic.",
            9 => "The answer addresses the question and is on topic.",
            _ => "The answer addresses the question; it could be more specific.",
        });
    }

    /// <summary>Writes the verdict as the answer's content: <c>{"score":S,"reason":"..."}</c>.</summary>
    public static void Write(Answer answer, JudgeVerdict verdict)
    {
        var start = answer.Text.Length;
        var writer = JsonWriterCache.Rent(answer.Text);
        try
        {
            writer.WriteStartObject();
            writer.WriteNumber("score"u8, verdict.Score);
            writer.WriteString("reason"u8, verdict.Reason);
            writer.WriteEndObject();
            writer.Flush();
        }
        finally
        {
            JsonWriterCache.Return(writer);
        }

        answer.TokenizeFrom(start);
    }

    /// <summary>Runs of letters or digits.</summary>
    private static int CountWords(ReadOnlySpan<char> text)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var letter = char.IsLetterOrDigit(c);
            words += letter && !inWord ? 1 : 0;
            inWord = letter;
        }

        return words;
    }

    private static bool IsRefusal(string answer)
    {
        var text = answer.AsSpan().TrimStart();
        foreach (var opening in RefusalOpenings)
        {
            if (text.StartsWith(opening, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The kind the answer is about instead of <paramref name="questionKind"/>, or null when it is on topic.</summary>
    private static PromptKind? OffTopic(ReadOnlySpan<char> answer, PromptKind questionKind)
    {
        Span<int> counts = stackalloc int[PromptClassifier.ScoreSlots];
        var lookup = TopicWords.GetAlternateLookup<ReadOnlySpan<char>>();
        var i = 0;
        while (i < answer.Length)
        {
            if (!char.IsAsciiLetter(answer[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < answer.Length && char.IsAsciiLetter(answer[i]))
            {
                i++;
            }

            if (lookup.TryGetValue(answer[start..i], out var kind))
            {
                counts[(int)kind]++;
            }
        }

        if (counts[(int)questionKind] > 0)
        {
            return null;
        }

        PromptKind? best = null;
        for (var kind = 0; kind < counts.Length; kind++)
        {
            if (counts[kind] > 0 && (best is null || counts[kind] > counts[(int)best]))
            {
                best = (PromptKind)kind;
            }
        }

        return best;
    }

    private static string Topic(PromptKind kind) => kind switch
    {
        PromptKind.Code => "programming",
        PromptKind.Legal => "law",
        PromptKind.Medical => "medicine",
        PromptKind.Math => "mathematics",
        _ => "something else",
    };

    private static string[] BuildRefusalOpenings()
    {
        var openings = new List<string> { "I'm sorry", "I cannot", "I can't" };
        foreach (var refusal in WordList.Refusals)
        {
            openings.Add(Encoding.UTF8.GetString(refusal));
        }

        return [.. openings];
    }

    private static FrozenDictionary<string, PromptKind> BuildTopicWords()
    {
        var words = new Dictionary<string, PromptKind>(StringComparer.OrdinalIgnoreCase);
        for (var kind = 0; kind < WordList.Distinctive.Length; kind++)
        {
            foreach (var word in WordList.Distinctive[kind])
            {
                words[Encoding.UTF8.GetString(word)] = (PromptKind)kind;
            }
        }

        return words.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
