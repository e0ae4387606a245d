using Switchyard.Gateway.Api;

namespace Switchyard.Gateway.Diagnostics.Tracing;

/// <summary>What a finished request's server span records: the request log's figures, never its text.</summary>
internal readonly record struct RequestSpan
{
    public EndpointKind Endpoint { get; init; }

    /// <summary>The route (the model name the client asked for), once known.</summary>
    public string? Route { get; init; }

    public string? Tier { get; init; }

    public string? Deployment { get; init; }

    /// <summary>The upstream model of the deployment that answered.</summary>
    public string? ResponseModel { get; init; }

    public string? Team { get; init; }

    public int Status { get; init; }

    public string? Error { get; init; }

    public bool Stream { get; init; }

    public int Attempts { get; init; }

    public int? InputTokens { get; init; }

    public int? OutputTokens { get; init; }

    public bool Escalated { get; init; }

    public string? EscalatedFrom { get; init; }

    public double? QualityScore { get; init; }

    public string? FallbackReason { get; init; }

    public double? Cost { get; init; }

    public double? ExtraCost { get; init; }

    public double? BaselineCost { get; init; }
}
