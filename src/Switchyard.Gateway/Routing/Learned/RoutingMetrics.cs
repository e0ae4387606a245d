namespace Switchyard.Gateway.Routing.Learned;

/// <summary>
/// The metrics of RouteLLM (Ong et al., 2024, "RouteLLM: Learning to Route LLMs with Preference Data", arXiv 2406.18665)
/// for a router between a weak and a strong model, plus the AUROC of its scores.
/// </summary>
/// <remarks>
/// <para>
/// For a threshold t, the router sends the items with score ≥ t to the strong model. Its call share c is the fraction
/// sent; its quality r is the mean of the strong quality of those and the weak quality of the rest. Then:
/// </para>
/// <code>
/// PGR(t)  = (r(t) − r_weak) / (r_strong − r_weak)     performance gap recovered
/// APGR    = ∫₀¹ PGR d c                               average PGR, trapezoidal over every threshold
/// CPT(x)  = min { c(t) : PGR(t) ≥ x }                 call-performance threshold, x = 0.5 and 0.8
/// </code>
/// <para>
/// The paper approximates APGR by averaging PGR at ten call shares; its evaluation code
/// (<c>routellm/evals/evaluate.py</c>) integrates with <c>np.trapz</c> over the thresholds it tried, which is what this
/// does over all of them. That code finds CPT by <c>np.interp</c> between thresholds; here CPT is a call share a real
/// threshold achieves, never an interpolation, so small sets can give larger figures than the paper's code would.
/// </para>
/// <para>
/// Items with the same score are routed together (one threshold admits all or none of them), so ties form one step of
/// the curve. Cold path: sorts a copy of the items.
/// </para>
/// </remarks>
internal static class RoutingMetrics
{
    /// <summary>PGR is compared with this slack, so a PGR of exactly 0.5 is not missed to rounding.</summary>
    private const double PgrSlack = 1e-12;

    /// <summary>Evaluates a router's scores on items whose weak and strong quality are both known.</summary>
    /// <param name="items">At least one item; every value finite.</param>
    /// <exception cref="ArgumentException">No items, or a score or quality that is NaN or infinite.</exception>
    public static RoutingEvaluation Evaluate(IReadOnlyList<RoutedItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException("There are no items to evaluate the router on.", nameof(items));
        }

        var n = items.Count;
        var scores = new double[n];
        var sorted = new RoutedItem[n];
        for (var i = 0; i < n; i++)
        {
            var item = items[i];
            if (!double.IsFinite(item.Score) || !double.IsFinite(item.WeakQuality) || !double.IsFinite(item.StrongQuality))
            {
                throw new ArgumentException($"Item {i} has a value that is not a finite number: {item}.", nameof(items));
            }

            scores[i] = item.Score;
            sorted[i] = item;
        }

        // Ascending by score; the walk below goes from the highest down.
        Array.Sort(scores, sorted);
        // Summed in the walk's order, so that routing all leaves exactly 0 of the weak total.
        double weakTotal = 0, strongTotal = 0;
        for (var i = n - 1; i >= 0; i--)
        {
            weakTotal += sorted[i].WeakQuality;
            strongTotal += sorted[i].StrongQuality;
        }

        var weakMean = weakTotal / n;
        var strongMean = strongTotal / n;
        var gap = strongMean - weakMean;
        var degenerate = Math.Abs(gap) <= 1e-12 * Math.Max(1.0, Math.Max(Math.Abs(weakMean), Math.Abs(strongMean)));

        var curve = new List<RoutingCurvePoint> { new(0, weakMean, 0, double.PositiveInfinity) };
        double routedStrong = 0, routedWeak = 0;
        var index = n - 1;
        while (index >= 0)
        {
            var threshold = sorted[index].Score;
            for (; index >= 0 && sorted[index].Score == threshold; index--)
            {
                routedStrong += sorted[index].StrongQuality;
                routedWeak += sorted[index].WeakQuality;
            }

            var routed = n - 1 - index;
            // At the last step routedWeak is weakTotal bit for bit, so the quality is exactly the strong mean.
            var quality = (routedStrong + (weakTotal - routedWeak)) / n;
            var callShare = routed == n ? 1.0 : (double)routed / n;
            curve.Add(new RoutingCurvePoint(callShare, quality, degenerate ? 0 : (quality - weakMean) / gap, threshold));
        }

        var apgr = 0.0;
        for (var i = 1; i < curve.Count; i++)
        {
            apgr += (curve[i].CallShare - curve[i - 1].CallShare) * (curve[i].Pgr + curve[i - 1].Pgr) / 2;
        }

        var positives = new bool[n];
        for (var i = 0; i < n; i++)
        {
            positives[i] = sorted[i].WeakQuality < sorted[i].StrongQuality;
        }

        var auroc = Auroc(scores, positives);
        var notes = new List<string>();
        if (degenerate)
        {
            notes.Add($"The strong and weak models have the same mean quality ({strongMean:0.####}): there is no gap to recover, so PGR, APGR and CPT are not defined (reported as 0 and null).");
        }
        else if (gap < 0)
        {
            notes.Add($"The strong model's mean quality ({strongMean:0.####}) is below the weak model's ({weakMean:0.####}): PGR is measured against a negative gap.");
        }

        if (auroc is null)
        {
            notes.Add("AUROC is not defined: either every item or none has a weak quality below its strong quality.");
        }

        return new RoutingEvaluation(
            curve,
            degenerate ? 0 : apgr,
            degenerate ? null : CallShareReaching(curve, 0.5),
            degenerate ? null : CallShareReaching(curve, 0.8),
            auroc,
            weakMean,
            strongMean,
            degenerate,
            notes.Count == 0 ? null : string.Join(" ", notes));
    }

    /// <summary>
    /// What a random router scores on <paramref name="items"/> in expectation: the baseline a trained router must beat,
    /// exact rather than one seeded draw's luck.
    /// </summary>
    /// <remarks>
    /// A router that sends a uniformly random k of the n items to the strong model gains, in expectation, k/n of the
    /// strong-minus-weak total (each item is sent with probability k/n), so its quality is weak mean + (k/n)·gap and its
    /// PGR is exactly its call share k/n. Hence the curve is the diagonal through every k/n, APGR is 0.5, CPT(x) is the
    /// first share k/n at or past x, and AUROC is 0.5 (a random score ranks a failure above a pass half the time).
    /// Thresholds are those of scores drawn uniformly from [0, 1): routing k/n takes a threshold of 1 − k/n.
    /// </remarks>
    /// <param name="items">At least one item; only the qualities are read (every value must be finite).</param>
    /// <exception cref="ArgumentException">No items, or a quality that is NaN or infinite.</exception>
    public static RoutingEvaluation RandomExpectation(IReadOnlyList<RoutedItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException("There are no items to evaluate the router on.", nameof(items));
        }

        var n = items.Count;
        double weakTotal = 0, strongTotal = 0;
        bool anyFailed = false, anyPassed = false;
        for (var i = 0; i < n; i++)
        {
            var item = items[i];
            if (!double.IsFinite(item.WeakQuality) || !double.IsFinite(item.StrongQuality))
            {
                throw new ArgumentException($"Item {i} has a quality that is not a finite number: {item}.", nameof(items));
            }

            weakTotal += item.WeakQuality;
            strongTotal += item.StrongQuality;
            anyFailed |= item.WeakQuality < item.StrongQuality;
            anyPassed |= item.WeakQuality >= item.StrongQuality;
        }

        var weakMean = weakTotal / n;
        var strongMean = strongTotal / n;
        var gap = strongMean - weakMean;
        var degenerate = Math.Abs(gap) <= 1e-12 * Math.Max(1.0, Math.Max(Math.Abs(weakMean), Math.Abs(strongMean)));
        var curve = new List<RoutingCurvePoint>(n + 1) { new(0, weakMean, 0, double.PositiveInfinity) };
        for (var k = 1; k <= n; k++)
        {
            var share = k == n ? 1.0 : (double)k / n;
            curve.Add(new RoutingCurvePoint(share, k == n ? strongMean : weakMean + (share * gap), degenerate ? 0 : share, 1 - share));
        }

        return new RoutingEvaluation(
            curve,
            degenerate ? 0 : 0.5,
            degenerate ? null : CallShareReaching(curve, 0.5),
            degenerate ? null : CallShareReaching(curve, 0.8),
            anyFailed && anyPassed ? 0.5 : null,
            weakMean,
            strongMean,
            degenerate,
            degenerate ? "The strong and weak models have the same mean quality: there is no gap to recover." : null);
    }

    /// <summary>
    /// The area under the ROC curve of <paramref name="scores"/> for <paramref name="positives"/>: the probability that a
    /// random positive scores above a random negative, a tie counting half (the Mann–Whitney U with mid-ranks).
    /// </summary>
    /// <param name="scores">One finite score per item.</param>
    /// <param name="positives">Whether each item is a positive.</param>
    /// <returns>The AUROC in [0, 1], or null when there are no positives or no negatives.</returns>
    public static double? Auroc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positives)
    {
        if (scores.Length != positives.Length)
        {
            throw new ArgumentException($"There are {scores.Length} scores but {positives.Length} labels.", nameof(positives));
        }

        var keys = scores.ToArray();
        var labels = positives.ToArray();
        foreach (var key in keys)
        {
            if (!double.IsFinite(key))
            {
                throw new ArgumentException($"A score is {key}; every score must be a finite number.", nameof(scores));
            }
        }

        Array.Sort(keys, labels);
        long positiveCount = 0;
        var positiveRankSum = 0.0;
        for (var start = 0; start < keys.Length;)
        {
            var end = start;
            var groupPositives = 0;
            for (; end < keys.Length && keys[end] == keys[start]; end++)
            {
                groupPositives += labels[end] ? 1 : 0;
            }

            // Ranks start..end-1 (0-based) are shared: each member gets their mean, 1-based.
            var midRank = ((start + 1) + end) / 2.0;
            positiveRankSum += groupPositives * midRank;
            positiveCount += groupPositives;
            start = end;
        }

        var negativeCount = keys.Length - positiveCount;
        if (positiveCount == 0 || negativeCount == 0)
        {
            return null;
        }

        var u = positiveRankSum - (positiveCount * (positiveCount + 1) / 2.0);
        return u / (positiveCount * (double)negativeCount);
    }

    private static double CallShareReaching(List<RoutingCurvePoint> curve, double pgr)
    {
        foreach (var point in curve)
        {
            if (point.Pgr >= pgr - PgrSlack)
            {
                return point.CallShare;
            }
        }

        // Unreachable: routing all gives quality = strong mean, so PGR 1, and every target asked here is below 1.
        return 1.0;
    }
}
