using System.Globalization;
using System.Text.Json;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Quality;

/// <summary>
/// Compares two answers to the same request (the agreement check): the same JSON value, the same final number, the same
/// text, or enough words in common. Self-consistency (Wang et al., 2022): a model that knows the answer gives it again;
/// one that guesses gives another.
/// </summary>
internal static class AnswerAgreement
{
    // Words too common to say anything about whether two answers agree.
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "in", "is", "it", "its",
        "of", "on", "or", "so", "that", "the", "their", "then", "there", "these", "this", "to", "was", "were", "which",
        "will", "with", "you", "your", "can", "also", "not", "more", "most", "than", "into", "if", "we", "our",
    };

    /// <summary>
    /// How far <paramref name="first"/> and <paramref name="second"/> agree, in [0, 1], and whether that is agreement;
    /// <paramref name="how"/> says what was compared.
    /// </summary>
    public static double Compare(string first, string second, AgreementConfig config, bool json, out bool agree, out string how)
    {
        var mode = config.Compare;
        if (mode == AgreementCompare.Auto)
        {
            mode = json ? AgreementCompare.Json
                : FinalNumber(first) is not null && FinalNumber(second) is not null ? AgreementCompare.Number
                : AgreementCompare.Text;
        }

        switch (mode)
        {
            case AgreementCompare.Json:
                agree = SameJson(first, second);
                how = agree ? "the same JSON value" : "different JSON values";
                return agree ? 1 : 0;
            case AgreementCompare.Number:
                var a = FinalNumber(first);
                var b = FinalNumber(second);
                agree = a is not null && b is not null && Math.Abs(a.Value - b.Value) <= 1e-9 * Math.Max(1, Math.Abs(a.Value));
                how = a is null || b is null
                    ? $"final numbers {Show(a)} and {Show(b)}: {(a is null ? "the first" : "the second")} answer ends on no number"
                    : $"final numbers {Show(a)} and {Show(b)}";
                return agree ? 1 : 0;
            case AgreementCompare.Exact:
                agree = string.Equals(Normalize(first), Normalize(second), StringComparison.Ordinal);
                how = agree ? "the same text" : "different texts";
                return agree ? 1 : 0;
            default:
                var similarity = WordOverlap(first, second);
                agree = similarity >= config.MinSimilarity;
                how = string.Create(CultureInfo.InvariantCulture, $"word overlap {similarity:0.00} (min_similarity {config.MinSimilarity})");
                return similarity;
        }
    }

    /// <summary>The last number of the text's last sentence that has one (thousands separators allowed): its final answer.</summary>
    internal static double? FinalNumber(string text)
    {
        // Scan backwards for the last digit, then take the whole number around it.
        var end = text.Length - 1;
        while (end >= 0 && !char.IsAsciiDigit(text[end]))
        {
            end--;
        }

        if (end < 0)
        {
            return null;
        }

        var start = end;
        while (start > 0 && (char.IsAsciiDigit(text[start - 1]) || (text[start - 1] is '.' or ',' && start >= 2 && char.IsAsciiDigit(text[start - 2]))))
        {
            start--;
        }

        if (start > 0 && text[start - 1] == '-')
        {
            start--;
        }

        var number = text[start..(end + 1)].Replace(",", "", StringComparison.Ordinal);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>Jaccard similarity of the two answers' sets of content words (lower-cased, stop words left out).</summary>
    internal static double WordOverlap(string first, string second)
    {
        var a = Words(first);
        var b = Words(second);
        if (a.Count == 0 && b.Count == 0)
        {
            return 1;
        }

        var common = 0;
        foreach (var word in a)
        {
            if (b.Contains(word))
            {
                common++;
            }
        }

        return common / (double)(a.Count + b.Count - common);
    }

    private static HashSet<string> Words(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                var word = text[start..i].ToLowerInvariant();
                if (!StopWords.Contains(word))
                {
                    words.Add(word);
                }

                start = -1;
            }
        }

        return words;
    }

    private static bool SameJson(string first, string second)
    {
        try
        {
            using var a = JsonDocument.Parse(first);
            using var b = JsonDocument.Parse(second);
            return JsonElement.DeepEquals(a.RootElement, b.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    private static string Show(double? value) => value?.ToString("G", CultureInfo.InvariantCulture) ?? "none";
}
