namespace Switchyard.Storage.RequestLog;

/// <summary>
/// The requests of one time bucket on one route that one tier and deployment answered (or failed on): counts, tokens and costs, as the
/// dashboard's time series add them up.
/// </summary>
public sealed record TrafficGroup
{
    /// <summary>The bucket's index from the start of the window (0 is the oldest).</summary>
    public required int Bucket { get; init; }

    /// <summary>The route; <see langword="null"/> when none resolved.</summary>
    public string? Route { get; init; }

    /// <summary>The tier that answered or was tried last; <see langword="null"/> when the request failed before routing.</summary>
    public string? Tier { get; init; }

    /// <summary>The deployment that answered or was tried last; <see langword="null"/> when none was.</summary>
    public string? Deployment { get; init; }

    /// <summary>Every request, failed ones included.</summary>
    public long Requests { get; init; }

    /// <summary>Requests answered with a 2xx status.</summary>
    public long Answered { get; init; }

    /// <summary>Requests answered with a status of 400 or more.</summary>
    public long Errors { get; init; }

    /// <summary>Requests the quality gate escalated past a poor answer.</summary>
    public long Escalated { get; init; }

    /// <summary>Requests answered by another deployment than the first one planned (a failover).</summary>
    public long Failovers { get; init; }

    /// <summary>Input tokens of the answers.</summary>
    public long InputTokens { get; init; }

    /// <summary>Output tokens of the answers.</summary>
    public long OutputTokens { get; init; }

    /// <summary>What the answers cost, in US dollars.</summary>
    public double Cost { get; init; }

    /// <summary>What else was spent (answers turned down, check calls), in US dollars.</summary>
    public double ExtraCost { get; init; }

    /// <summary>What the same answers would have cost from their routes' last tiers, in US dollars.</summary>
    public double BaselineCost { get; init; }
}
