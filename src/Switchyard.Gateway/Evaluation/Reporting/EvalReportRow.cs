using Switchyard.Gateway.Evaluation.Statistics;

namespace Switchyard.Gateway.Evaluation.Reporting;

/// <summary>
/// One model on one use case (or on all of them, <see cref="EvalReport.AllUseCases"/>): quality with its 95% intervals,
/// latency, time to first token, tokens and cost.
/// </summary>
internal sealed record EvalReportRow
{
    public required string Model { get; init; }

    public required string UseCase { get; init; }

    /// <summary>Answers asked for: cases × repeats (fewer in a partial run).</summary>
    public int Trials { get; init; }

    /// <summary>Trials that got an answer; the others are errors and count as failed.</summary>
    public int Answered { get; init; }

    public int Errors => Trials - Answered;

    public int Passed { get; init; }

    /// <summary>The pass rate (passed / trials) with Wilson's 95% interval.</summary>
    public Interval PassRate { get; init; }

    /// <summary>The mean score (0 to 1; an error scores 0) with Student's t 95% interval over the cases' means.</summary>
    public Interval MeanScore { get; init; }

    /// <summary>Latency of the answered trials, in milliseconds: median and 95th percentile.</summary>
    public double? LatencyP50 { get; init; }

    public double? LatencyP95 { get; init; }

    /// <summary>Time to first token of the streamed trials, in milliseconds; <see langword="null"/> when none streamed.</summary>
    public double? TtftP50 { get; init; }

    public double? TtftP95 { get; init; }

    /// <summary>Mean prompt and answer tokens of the answered trials, as the gateway reported them.</summary>
    public double? InputTokens { get; init; }

    public double? OutputTokens { get; init; }

    /// <summary>
    /// What 1,000 cases like these cost on this model, in US dollars: the mean cost of the trials the gateway costed
    /// (answers; errors cost what the gateway said they did) times 1,000. <see langword="null"/> when none was costed.
    /// </summary>
    public decimal? CostPer1000 { get; init; }

    /// <summary>Some cost rested on the gateway's estimate (the upstream reported no usage).</summary>
    public bool CostEstimated { get; init; }

    /// <summary>What judging these trials cost, in US dollars (not in <see cref="CostPer1000"/>: the judge is the evaluation's cost).</summary>
    public decimal JudgeCost { get; init; }
}
