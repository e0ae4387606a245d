using Switchyard.Gateway.Evaluation.Statistics;

namespace Switchyard.Gateway.Shadow;

/// <summary>
/// How a route's shadow candidate would have done against the deployments that answered (<c>switchyard shadow report</c>):
/// quality, latency, cost, and what switching would save a month at the route's volume.
/// </summary>
internal sealed record ShadowReportRow
{
    public required string Route { get; init; }

    public required string Candidate { get; init; }

    /// <summary>The deployments whose answers the clients got, most frequent first.</summary>
    public required IReadOnlyList<string> Incumbents { get; init; }

    /// <summary>Requests the share picked, and what became of those not compared.</summary>
    public long Sampled { get; init; }

    public long DroppedSaturated { get; init; }

    public long SkippedBudget { get; init; }

    public long SkippedConfidential { get; init; }

    /// <summary>Comparisons stored, and how many of them the candidate gave no answer in.</summary>
    public int Compared { get; init; }

    public int CandidateFailed { get; init; }

    /// <summary>Of the comparisons with a winner: the candidate's wins, ties and losses.</summary>
    public int Wins { get; init; }

    public int Ties { get; init; }

    public int Losses { get; init; }

    /// <summary>
    /// The share of comparisons the candidate did at least as well in (wins and ties over all with a verdict, a candidate
    /// that failed counting as a loss), with Wilson's 95% interval.
    /// </summary>
    public Interval AtLeastAsGood { get; init; }

    /// <summary>Mean quality-check scores (0 to 1) of the clients' answers and the candidate's.</summary>
    public double? IncumbentScore { get; init; }

    public double? CandidateScore { get; init; }

    /// <summary>Mean judge scores (0 to 1), when the shadow judged.</summary>
    public double? IncumbentJudge { get; init; }

    public double? CandidateJudge { get; init; }

    /// <summary>Mean agreement of the two answers (0 to 1), when compared.</summary>
    public double? Agreement { get; init; }

    /// <summary>Latency in milliseconds: the client's whole request, and the candidate's call (both to the whole answer).</summary>
    public double? IncumbentP50 { get; init; }

    public double? IncumbentP95 { get; init; }

    public double? CandidateP50 { get; init; }

    public double? CandidateP95 { get; init; }

    /// <summary>Mean cost of one answer, in US dollars, over the comparisons where both were costed.</summary>
    public decimal? IncumbentCost { get; init; }

    public decimal? CandidateCost { get; init; }

    /// <summary>What the shadow's judge calls cost, in all.</summary>
    public decimal JudgeCost { get; init; }

    /// <summary>The route's answered requests a month at the volume the request log shows over the report's window.</summary>
    public double? MonthlyRequests { get; init; }

    /// <summary>(Incumbent's mean cost − candidate's) × <see cref="MonthlyRequests"/>: positive saves, negative costs more.</summary>
    public decimal? MonthlySaving => IncumbentCost is { } incumbent && CandidateCost is { } candidate && MonthlyRequests is { } volume
        ? (incumbent - candidate) * (decimal)volume
        : null;
}
