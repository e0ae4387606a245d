namespace Switchyard.Gateway.Quality.Schema;

/// <summary>
/// A rough static estimate of how large a pattern's automaton gets: counted repetitions (<c>{n,m}</c>) unfold into
/// copies of what they repeat, nested ones multiply.
/// </summary>
/// <remarks>
/// SECURITY: the non-backtracking engine is linear in the input, but its constant grows with the unfolded pattern; measured
/// here, <c>a{1000}</c> costs tens of milliseconds per 4 KB string and <c>(\w+\s?){1,500}</c> seconds, while everyday
/// patterns (<c>^\d{4}-\d{2}-\d{2}$</c>, <c>^.{0,280}$</c>) cost microseconds. A schema comes from the client, so patterns
/// past <see cref="Limit"/> are refused at compile time. The estimate over-counts alternatives (it adds them) and treats
/// <c>*</c>, <c>+</c> and <c>?</c> as one copy.
/// </remarks>
internal static class PatternCost
{
    /// <summary>The largest estimate compiled.</summary>
    public const int Limit = 500;

    // Anything above the limit is as bad as the limit plus one; saturating keeps the arithmetic in range.
    private const long Saturated = Limit + 1L;

    /// <summary>The estimated unfolded size of <paramref name="pattern"/>, saturated just past <see cref="Limit"/>.</summary>
    public static long Estimate(string pattern)
    {
        // One frame per open group: the weight summed so far, and the weight of the last atom (what a quantifier repeats).
        var sums = new Stack<(long Sum, long Last)>();
        long sum = 0, last = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '\\':
                    i = SkipEscape(pattern, i);
                    Atom(ref sum, ref last, 1);
                    break;
                case '[':
                    i = SkipClass(pattern, i);
                    Atom(ref sum, ref last, 1);
                    break;
                case '(':
                    sums.Push((sum, last));
                    sum = 0;
                    last = 0;
                    i = SkipGroupPrefix(pattern, i);
                    break;
                case ')':
                    var inner = Math.Max(1, sum);
                    (sum, last) = sums.Count > 0 ? sums.Pop() : (0, 0);
                    Atom(ref sum, ref last, inner);
                    break;
                case '{' when TryReadBound(pattern, ref i, out var bound):
                    // The last atom is already counted once; the quantifier adds bound - 1 more copies of it.
                    sum = Math.Min(Saturated, sum + (last * Math.Max(0, bound - 1)));
                    last = Math.Min(Saturated, last * Math.Max(1, bound));
                    break;
                case '*' or '+' or '?' or '|' or '^' or '$':
                    break;
                default:
                    Atom(ref sum, ref last, 1);
                    break;
            }
        }

        while (sums.Count > 0)
        {
            var (outer, _) = sums.Pop();
            sum = Math.Min(Saturated, outer + sum);
        }

        return Math.Min(Saturated, sum);
    }

    private static void Atom(ref long sum, ref long last, long weight)
    {
        last = weight;
        sum = Math.Min(Saturated, sum + weight);
    }

    private static int SkipEscape(string pattern, int i)
    {
        i++;
        // \p{L}, \P{Lu}, \k<name>: the braces belong to the escape.
        if (i < pattern.Length && pattern[i] is 'p' or 'P' && i + 1 < pattern.Length && pattern[i + 1] == '{')
        {
            var close = pattern.IndexOf('}', i);
            return close < 0 ? pattern.Length - 1 : close;
        }

        return Math.Min(i, pattern.Length - 1);
    }

    private static int SkipClass(string pattern, int i)
    {
        i++;
        if (i < pattern.Length && pattern[i] == '^')
        {
            i++;
        }

        // A ']' right at the start is a literal.
        if (i < pattern.Length && pattern[i] == ']')
        {
            i++;
        }

        for (; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
            }
            else if (pattern[i] == ']')
            {
                return i;
            }
        }

        return pattern.Length - 1;
    }

    private static int SkipGroupPrefix(string pattern, int i)
    {
        if (i + 1 >= pattern.Length || pattern[i + 1] != '?')
        {
            return i;
        }

        // (?:  (?=  (?!  (?<name>  (?<=  (?<!  (?'name'
        var j = i + 2;
        if (j < pattern.Length && pattern[j] is ':' or '=' or '!' or '>')
        {
            return j;
        }

        if (j < pattern.Length && pattern[j] is '<' or '\'')
        {
            var close = pattern.IndexOfAny(['>', '\''], j + 1);
            if (j + 1 < pattern.Length && pattern[j + 1] is '=' or '!')
            {
                return j + 1;
            }

            return close < 0 ? pattern.Length - 1 : close;
        }

        return j - 1;
    }

    // {n}, {n,} or {n,m}; a '{' that does not open one is a literal.
    private static bool TryReadBound(string pattern, ref int i, out long bound)
    {
        bound = 0;
        var j = i + 1;
        long low = 0, high = -1;
        var start = j;
        while (j < pattern.Length && char.IsAsciiDigit(pattern[j]))
        {
            low = Math.Min(Saturated, (low * 10) + (pattern[j++] - '0'));
        }

        if (j == start || j >= pattern.Length)
        {
            return false;
        }

        if (pattern[j] == ',')
        {
            j++;
            var highStart = j;
            long value = 0;
            while (j < pattern.Length && char.IsAsciiDigit(pattern[j]))
            {
                value = Math.Min(Saturated, (value * 10) + (pattern[j++] - '0'));
            }

            // {n,} repeats without bound: the automaton holds n copies and a loop.
            high = j == highStart ? low + 1 : value;
        }
        else
        {
            high = low;
        }

        if (j >= pattern.Length || pattern[j] != '}')
        {
            return false;
        }

        i = j;
        bound = Math.Max(low, high);
        return true;
    }
}
