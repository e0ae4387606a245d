namespace Switchyard.Storage.RequestLog;

/// <summary>
/// The request log over a window cut into equal buckets: what the dashboard's time series are drawn from. Only buckets
/// with requests have groups or percentiles; a bucket with none is an empty one.
/// </summary>
public sealed record TrafficSummary
{
    /// <summary>The most buckets one summary may have: a chart is a few hundred pixels wide.</summary>
    public const int MaxBuckets = 1440;

    /// <summary>When the first bucket begins (inclusive).</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>The length of one bucket.</summary>
    public required TimeSpan Step { get; init; }

    /// <summary>How many buckets the window has; the last one ends at <see cref="Start"/> + <see cref="Buckets"/> × <see cref="Step"/>.</summary>
    public required int Buckets { get; init; }

    /// <summary>Requests by bucket, route, tier and deployment, ordered by bucket.</summary>
    public required IReadOnlyList<TrafficGroup> Groups { get; init; }

    /// <summary>Latency percentiles of the answered requests per bucket, ordered by bucket.</summary>
    public required IReadOnlyList<LatencyPercentiles> Latency { get; init; }

    /// <summary>Latency percentiles of every answered request of the window (bucket -1), or <see langword="null"/> when none was.</summary>
    public LatencyPercentiles? OverallLatency { get; init; }

    /// <summary>
    /// The escalations recorded in the window (the <c>escalations</c> table) by the checks the poor answer failed, as the
    /// record says them (<c>refusal,truncated</c>; <see langword="null"/> when it failed on its score alone).
    /// </summary>
    public required IReadOnlyList<(string? Failed, long Count)> EscalationChecks { get; init; }
}
