namespace Switchyard.Gateway.Configuration.Internal;

/// <summary>"Did you mean ...?" for misspelled keys and names, by edit distance.</summary>
internal static class NameSuggester
{
    /// <summary>
    /// The candidate closest to <paramref name="input"/>, or <see langword="null"/> when none is close enough to be a typo.
    /// Case, '-' versus '_' and transposed letters count as small mistakes: <c>baseUrl</c>, <c>max-concurrency</c> and
    /// <c>porvider</c> all find their key.
    /// </summary>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        var normalizedInput = Normalize(input);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(normalizedInput, Normalize(candidate));
            // A third of the length, at least 1 and at most 3: "kind" tolerates one slip, "first_token" three.
            var tolerance = Math.Clamp(Math.Max(input.Length, candidate.Length) / 3, 1, 3);
            if (distance <= tolerance && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary><c> Did you mean 'x'?</c> (with the leading space), or an empty string.</summary>
    public static string DidYouMean(string input, IEnumerable<string> candidates) =>
        Closest(input, candidates) is { } match ? $" Did you mean '{match}'?" : "";

    /// <summary>A list for a message: <c>'a', 'b', 'c'</c>, cut after 20 names.</summary>
    public static string List(IReadOnlyCollection<string> names)
    {
        const int Shown = 20;
        if (names.Count == 0)
        {
            return "(none)";
        }

        var listed = string.Join(", ", names.Take(Shown).Select(n => $"'{n}'"));
        return names.Count > Shown ? $"{listed} and {names.Count - Shown} more" : listed;
    }

    private static string Normalize(string value) => value.ToLowerInvariant().Replace('-', '_');

    /// <summary>Optimal string alignment distance: Levenshtein plus adjacent transpositions.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
