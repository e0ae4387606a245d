using Switchyard.Gateway.Api;
using Switchyard.Gateway.Fallback;
using Switchyard.Gateway.Quality;

namespace Switchyard.Gateway.Diagnostics.Metrics;

/// <summary>What the metrics take from one finished request: the request log's figures, as plain values.</summary>
internal readonly record struct RequestObservation
{
    public EndpointKind Endpoint { get; init; }

    /// <summary>The route as the configuration names it; <see langword="null"/> when the request never reached one.</summary>
    public string? Route { get; init; }

    /// <summary>The tier of the deployment that answered (or was called last).</summary>
    public string? Tier { get; init; }

    public string? Deployment { get; init; }

    /// <summary>The key's team, as the key store says (folded into <c>other</c> unless the configuration declares it).</summary>
    public string? Team { get; init; }

    public int Status { get; init; }

    /// <summary>The error's code, else its type, as the request log records it.</summary>
    public string? Error { get; init; }

    public string? ErrorType { get; init; }

    public string? ErrorCode { get; init; }

    public double Seconds { get; init; }

    /// <summary>Time to the first byte of a stream; <see langword="null"/> for other requests.</summary>
    public double? FirstTokenSeconds { get; init; }

    public int? InputTokens { get; init; }

    public int? OutputTokens { get; init; }

    public int CachedTokens { get; init; }

    public int ReasoningTokens { get; init; }

    /// <summary>Dollars: the answer, what else was spent on it, and the baseline's price of it.</summary>
    public double? Cost { get; init; }

    public double? ExtraCost { get; init; }

    /// <summary>
    /// What <see cref="ExtraCost"/> is made of, each call under the deployment and tier that spent it (as
    /// <c>switchyard costs --by deployment</c> files it).
    /// </summary>
    public IReadOnlyList<Storage.RequestLog.RequestCostPart>? CostParts { get; init; }

    public double? BaselineCost { get; init; }

    /// <summary>The answer came from a later tier after the quality gate turned down an earlier one.</summary>
    public bool Escalated { get; init; }

    /// <summary>The checks the answer that escalated failed.</summary>
    public QualityFailures EscalatedBecause { get; init; }

    /// <summary>The first failure before the answer, when the request was answered after one; <see langword="null"/> otherwise.</summary>
    public UpstreamFailureKind? FallbackFrom { get; init; }
}
