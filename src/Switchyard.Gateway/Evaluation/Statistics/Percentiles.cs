namespace Switchyard.Gateway.Evaluation.Statistics;

/// <summary>Percentiles by linear interpolation between the closest ranks (numpy's default, Hyndman and Fan's type 7).</summary>
internal static class Percentiles
{
    /// <summary>The <paramref name="percentile"/> (0 to 100) of <paramref name="values"/>, or <see langword="null"/> when there are none.</summary>
    public static double? Of(IEnumerable<double> values, double percentile)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var rank = percentile / 100 * (sorted.Length - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((sorted[above] - sorted[below]) * (rank - below));
    }
}
