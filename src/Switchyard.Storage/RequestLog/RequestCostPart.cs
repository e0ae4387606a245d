namespace Switchyard.Storage.RequestLog;

/// <summary>What a request's money bought besides the answer the client got.</summary>
public enum CostKind
{
    /// <summary>A whole answer the quality gate held and did not send: the price of escalating past it.</summary>
    Escalated,

    /// <summary>A call made to check an answer: the judge, or the second sample of an agreement check.</summary>
    Check,

    /// <summary>An attempt that failed after tokens flowed (a stream cut or stalled after its first chunk, a hedge's lost call).</summary>
    Failed,
}

/// <summary>
/// One call a request paid for other than its answer, with the deployment and tier that spent it, so reports put each
/// dollar under the deployment that spent it. A request's parts of one kind add up to its column of that kind
/// (<see cref="RequestLogEntry.EscalatedCostUsd"/>, <see cref="RequestLogEntry.ChecksCostUsd"/>,
/// <see cref="RequestLogEntry.FailedCostUsd"/>).
/// </summary>
public sealed record RequestCostPart
{
    public required CostKind Kind { get; init; }

    /// <summary>The deployment that was called.</summary>
    public required string Deployment { get; init; }

    /// <summary>The route's tier it was called in; <see langword="null"/> for a judge that is in none of the route's tiers.</summary>
    public string? Tier { get; init; }

    public int InputTokens { get; init; }

    public int OutputTokens { get; init; }

    /// <summary>Input tokens read from the provider's prompt cache (part of <see cref="InputTokens"/>).</summary>
    public int CachedTokens { get; init; }

    /// <summary>Output tokens spent reasoning (part of <see cref="OutputTokens"/>).</summary>
    public int ReasoningTokens { get; init; }

    /// <summary>The call's cost in US dollars at the deployment's price; <see langword="null"/>: the deployment has no price.</summary>
    public double? CostUsd { get; init; }

    /// <summary>The tokens are the gateway's estimate from what it saw (a cut stream's chunks), not the upstream's count.</summary>
    public bool Estimated { get; init; }

    /// <summary>The word stored for <paramref name="kind"/>.</summary>
    public static string Word(CostKind kind) => kind switch
    {
        CostKind.Escalated => "escalated",
        CostKind.Check => "check",
        _ => "failed",
    };
}
