namespace Switchyard.Gateway.Evaluation.Reporting;

/// <summary>One model on one use case in two runs: the quality change and its significance, and the latency and cost changes.</summary>
internal sealed record EvalComparisonRow
{
    public required string Model { get; init; }

    public required string UseCase { get; init; }

    public EvalReportRow? A { get; init; }

    public EvalReportRow? B { get; init; }

    public ComparisonVerdict Verdict { get; init; }

    /// <summary>Fisher's exact two-sided p-value of the two pass rates (1 when one side is missing).</summary>
    public double PValue { get; init; } = 1;

    /// <summary>Whether the two pass rates' 95% intervals overlap (a stricter reading than the test: no overlap is always significant).</summary>
    public bool IntervalsOverlap { get; init; } = true;

    /// <summary>B's pass rate less A's.</summary>
    public double? PassRateChange => A is not null && B is not null ? B.PassRate.Estimate - A.PassRate.Estimate : null;

    /// <summary>B's median latency over A's.</summary>
    public double? LatencyRatio => A?.LatencyP50 is > 0 && B?.LatencyP50 is { } b ? b / A.LatencyP50 : null;

    /// <summary>B's median time to first token over A's.</summary>
    public double? TtftRatio => A?.TtftP50 is > 0 && B?.TtftP50 is { } b ? b / A.TtftP50 : null;

    /// <summary>B's cost per 1,000 cases over A's.</summary>
    public decimal? CostRatio => A?.CostPer1000 is > 0 && B?.CostPer1000 is { } b ? b / A.CostPer1000 : null;

    /// <summary>
    /// The latency, time-to-first-token and cost changes of 10% or more, in words (<c>p50 latency +35%</c>): changes
    /// smaller than that are within what one machine's noise does to a run.
    /// </summary>
    public IReadOnlyList<string> Changes()
    {
        var changes = new List<string>();
        void Add(string what, double? ratio)
        {
            if (ratio is { } r && Math.Abs(r - 1) >= 0.10)
            {
                changes.Add($"{what} {(r > 1 ? "+" : "")}{(r - 1) * 100:0}%");
            }
        }

        Add("p50 latency", LatencyRatio);
        Add("p50 time to first token", TtftRatio);
        Add("cost", CostRatio is { } c ? (double)c : null);
        return changes;
    }
}
