namespace Switchyard.Gateway.Evaluation.Statistics;

/// <summary>
/// 95% confidence intervals for the report: Wilson's score interval for pass rates, Student's t for mean scores.
/// </summary>
/// <remarks>
/// Wilson rather than the normal approximation (p ± 1.96·√(p(1−p)/n)) because suites are small and pass rates near 0 or
/// 1: the normal interval collapses to a point at 20 of 20 and can leave [0, 1]; Wilson's does neither (Brown, Cai and
/// DasGupta, 2001). The mean score's interval uses t with n − 1 degrees of freedom over the per-case means, which the
/// scores of a suite (bounded, few) fit well enough; bootstrap would add randomness to a report that should be repeatable.
/// </remarks>
internal static class ConfidenceIntervals
{
    /// <summary>The normal quantile for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    // Two-sided 95% quantiles of Student's t (0.975 one-sided) for 1..30 degrees of freedom, then a few larger ones.
    private static readonly double[] T95 =
    [
        12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
        2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
        2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
    ];

    private static readonly (int Df, double T)[] T95Large = [(40, 2.021075), (60, 2.000298), (120, 1.979930)];

    /// <summary>Wilson's score interval for <paramref name="passed"/> of <paramref name="trials"/>; (0, 0, 1) when there are none.</summary>
    public static Interval Wilson(int passed, int trials)
    {
        if (trials <= 0)
        {
            return new Interval(0, 0, 1);
        }

        var n = (double)trials;
        var p = passed / n;
        var z2 = Z95 * Z95;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2 * n))) / denominator;
        var half = Z95 / denominator * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));
        return new Interval(p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// The mean of <paramref name="values"/> with Student's t interval; a single value has the widest interval the
    /// bounds allow (nothing is known of its spread). Clamped to [<paramref name="min"/>, <paramref name="max"/>].
    /// </summary>
    public static Interval Mean(IReadOnlyList<double> values, double min = 0, double max = 1)
    {
        if (values.Count == 0)
        {
            return new Interval(0, min, max);
        }

        var mean = values.Average();
        if (values.Count == 1)
        {
            return new Interval(mean, min, max);
        }

        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        var half = TQuantile(values.Count - 1) * Math.Sqrt(variance / values.Count);
        return new Interval(mean, Math.Max(min, mean - half), Math.Min(max, mean + half));
    }

    /// <summary>The 0.975 quantile of Student's t with <paramref name="degrees"/> degrees of freedom (linear in 1/df between tabulated values).</summary>
    public static double TQuantile(int degrees)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degrees, 1);
        if (degrees <= T95.Length)
        {
            return T95[degrees - 1];
        }

        var (lowDf, lowT) = (30, T95[^1]);
        foreach (var (df, t) in T95Large)
        {
            if (degrees <= df)
            {
                return Between(lowDf, lowT, df, t, degrees);
            }

            (lowDf, lowT) = (df, t);
        }

        // Beyond 120: towards the normal quantile as 1/df goes to 0.
        return Between(lowDf, lowT, int.MaxValue, Z95, degrees);

        static double Between(int df1, double t1, int df2, double t2, int df)
        {
            var x1 = 1.0 / df1;
            var x2 = df2 == int.MaxValue ? 0 : 1.0 / df2;
            var x = 1.0 / df;
            return t1 + ((t2 - t1) * (x - x1) / (x2 - x1));
        }
    }
}
