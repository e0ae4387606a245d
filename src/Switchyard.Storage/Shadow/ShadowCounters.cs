using System.Globalization;

namespace Switchyard.Storage.Shadow;

/// <summary>
/// What became of the requests a route's shadow share picked on one UTC day: compared, or left out and why. Kept so that a
/// report can say how much of the picked traffic it rests on.
/// </summary>
public sealed record ShadowCounters
{
    public required string Route { get; init; }

    public required string Candidate { get; init; }

    /// <summary>The UTC day, <c>yyyy-MM-dd</c>.</summary>
    public required string Day { get; init; }

    /// <summary>Requests the share picked.</summary>
    public long Sampled { get; init; }

    /// <summary>Requests whose comparison was stored.</summary>
    public long Compared { get; init; }

    /// <summary>Left out because the shadow's queue was full (its drop policy: the newest is dropped).</summary>
    public long DroppedSaturated { get; init; }

    /// <summary>Left out because the shadow's budget could not cover the worst case.</summary>
    public long SkippedBudget { get; init; }

    /// <summary>Left out because the request was confidential and the candidate (or nothing else) is external.</summary>
    public long SkippedConfidential { get; init; }

    /// <summary>Compared, but the candidate failed (an error status, a timeout): stored without its answer.</summary>
    public long CandidateFailed { get; init; }

    /// <summary>The UTC day of <paramref name="at"/> as the counters key it (<c>yyyy-MM-dd</c>).</summary>
    public static string DayOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The sum of two days' (or two batches') counts.</summary>
    public ShadowCounters Add(ShadowCounters other) => this with
    {
        Sampled = Sampled + other.Sampled,
        Compared = Compared + other.Compared,
        DroppedSaturated = DroppedSaturated + other.DroppedSaturated,
        SkippedBudget = SkippedBudget + other.SkippedBudget,
        SkippedConfidential = SkippedConfidential + other.SkippedConfidential,
        CandidateFailed = CandidateFailed + other.CandidateFailed,
    };
}
