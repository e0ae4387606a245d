using System.Buffers;
using System.Text;

namespace Switchyard.Simulator.Generation;

/// <summary>
/// Tells the kind of a prompt from keywords, cheaply: counts keyword hits per kind (ignoring case); the kind with
/// most hits wins (ties go to the earlier kind: code, math, legal, medical), none means <see cref="PromptKind.General"/>.
/// A keyword matches at the start of a word, so "diagnos" matches "diagnosis" but "law" does not match "claw".
/// </summary>
internal static class PromptClassifier
{
    /// <summary>Number of slots <see cref="Score"/> needs.</summary>
    public const int ScoreSlots = (int)PromptKind.Json + 1;

    private static readonly PromptKind[] Order = [PromptKind.Code, PromptKind.Math, PromptKind.Legal, PromptKind.Medical];

    private static readonly (string Keyword, PromptKind Kind)[] Keywords = Build(
        (PromptKind.Code, "code function python javascript typescript c# java rust golang sql regex compile compiler bug stack trace " +
            "exception class method algorithm refactor implement debug script program snippet api endpoint json.parse ``` def var const"),
        (PromptKind.Legal, "contract clause legal law lawsuit liability court statute attorney lawyer gdpr indemn plaintiff defendant " +
            "tenant landlord copyright trademark patent jurisdiction compliance nda litigation"),
        (PromptKind.Medical, "symptom diagnos patient medical medication medicine dose dosage disease treatment clinical doctor prescri " +
            "therapy blood cancer diabetes infection surgery fever pain allergy"),
        (PromptKind.Math, "calculate equation integral derivative solve prove theorem math algebra probability sum matrix percent " +
            "compute arithmetic geometry fraction"));

    // PERF: one vectorized multi-string search over the text finds every candidate; only hits are then attributed to a kind.
    private static readonly SearchValues<string> Search = SearchValues.Create(Array.ConvertAll(Keywords, k => k.Keyword), StringComparison.OrdinalIgnoreCase);

    /// <summary>Classifies one text.</summary>
    public static PromptKind Classify(ReadOnlySpan<byte> utf8)
    {
        Span<int> scores = stackalloc int[ScoreSlots];
        Score(utf8, scores);
        return Pick(scores);
    }

    /// <summary>Adds the keyword hits of <paramref name="utf8"/> to <paramref name="scores"/> (so several parts can add up).</summary>
    public static void Score(ReadOnlySpan<byte> utf8, Span<int> scores)
    {
        if (utf8.IsEmpty || scores.IsEmpty)
        {
            return;
        }

        // Only a prefix is scanned: the kind of a long document shows in its first few kilobytes, and this bounds the cost.
        var bytes = utf8[..Math.Min(utf8.Length, 4096)];
        var rented = ArrayPool<char>.Shared.Rent(bytes.Length);
        try
        {
            var text = rented.AsSpan(0, Encoding.UTF8.GetChars(bytes, rented));
            var offset = 0;
            while (offset < text.Length)
            {
                var found = text[offset..].IndexOfAny(Search);
                if (found < 0)
                {
                    break;
                }

                var at = offset + found;
                if (at == 0 || !IsWordChar(text[at - 1]))
                {
                    Attribute(text[at..], scores);
                }

                offset = at + 1;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>The kind with the most hits, or <see cref="PromptKind.General"/>.</summary>
    public static PromptKind Pick(ReadOnlySpan<int> scores)
    {
        var best = PromptKind.General;
        var bestScore = 0;
        foreach (var kind in Order)
        {
            if (scores[(int)kind] > bestScore)
            {
                best = kind;
                bestScore = scores[(int)kind];
            }
        }

        return best;
    }

    /// <summary>Counts the kinds whose keywords start <paramref name="text"/>, each kind once.</summary>
    private static void Attribute(ReadOnlySpan<char> text, Span<int> scores)
    {
        Span<bool> counted = stackalloc bool[ScoreSlots];
        foreach (var (keyword, kind) in Keywords)
        {
            if (!counted[(int)kind] && text.StartsWith(keyword, StringComparison.OrdinalIgnoreCase))
            {
                counted[(int)kind] = true;
                scores[(int)kind]++;
            }
        }
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static (string, PromptKind)[] Build(params (PromptKind Kind, string Words)[] lists)
    {
        var result = new List<(string, PromptKind)>();
        foreach (var (kind, words) in lists)
        {
            foreach (var word in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                result.Add((word, kind));
            }
        }

        return [.. result];
    }
}
