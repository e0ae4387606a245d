using System.Buffers;
using System.Text;

namespace Switchyard.Simulator.Generation;

/// <summary>
/// Tells the kind of a prompt from keywords, cheaply: counts keyword hits per kind in the lower-cased text; the kind with
/// most hits wins (ties go to the earlier kind: code, math, legal, medical), none means <see cref="PromptKind.General"/>.
/// A keyword matches at the start of a word, so "diagnos" matches "diagnosis" but "law" does not match "claw".
/// </summary>
internal static class PromptClassifier
{
    /// <summary>Number of slots <see cref="Score"/> needs.</summary>
    public const int ScoreSlots = (int)PromptKind.Json + 1;

    private static readonly PromptKind[] Order = [PromptKind.Code, PromptKind.Math, PromptKind.Legal, PromptKind.Medical];

    private static readonly byte[][][] Keywords =
    [
        [],
        Words("code function python javascript typescript c# java rust golang sql regex compile compiler bug stack trace " +
              "exception class method algorithm refactor implement debug script program snippet api endpoint json.parse ``` def var const"),
        Words("contract clause legal law lawsuit liability court statute attorney lawyer gdpr indemn plaintiff defendant " +
              "tenant landlord copyright trademark patent jurisdiction compliance nda litigation"),
        Words("symptom diagnos patient medical medication medicine dose dosage disease treatment clinical doctor prescri " +
              "therapy blood cancer diabetes infection surgery fever pain allergy"),
        Words("calculate equation integral derivative solve prove theorem math algebra probability sum matrix percent " +
              "compute arithmetic geometry fraction"),
        [],
    ];

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
        if (utf8.IsEmpty)
        {
            return;
        }

        // Only a prefix is scanned: the kind of a long document shows in its first few kilobytes, and this keeps the cost bounded.
        var length = Math.Min(utf8.Length, 4096);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var lower = rented.AsSpan(0, length);
            for (var i = 0; i < length; i++)
            {
                var b = utf8[i];
                lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
            }

            for (var kind = 1; kind < (int)PromptKind.Json; kind++)
            {
                foreach (var keyword in Keywords[kind])
                {
                    scores[kind] += CountWordStarts(lower, keyword);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
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

    private static int CountWordStarts(ReadOnlySpan<byte> text, ReadOnlySpan<byte> keyword)
    {
        var count = 0;
        var offset = 0;
        while (offset < text.Length)
        {
            var index = text[offset..].IndexOf(keyword);
            if (index < 0)
            {
                break;
            }

            var at = offset + index;
            if (at == 0 || !IsWordByte(text[at - 1]))
            {
                count++;
            }

            offset = at + keyword.Length;
        }

        return count;
    }

    private static bool IsWordByte(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'_' or >= 0x80;

    private static byte[][] Words(string words)
    {
        var parts = words.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var result = new byte[parts.Length][];
        for (var i = 0; i < parts.Length; i++)
        {
            result[i] = Encoding.UTF8.GetBytes(parts[i]);
        }

        return result;
    }
}
