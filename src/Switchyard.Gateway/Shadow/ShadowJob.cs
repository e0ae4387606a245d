using Switchyard.Gateway.Api;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Internal;
using Switchyard.Gateway.Quality;

namespace Switchyard.Gateway.Shadow;

/// <summary>
/// One request to compare in the background: what the client sent and got, and the configuration snapshot the candidate
/// and the judge are called from (held until the comparison ends, so a reload cannot dispose them under it).
/// </summary>
internal sealed class ShadowJob : IDisposable
{
    private GatewayRuntime? _runtime;

    public required string Route { get; init; }

    public required ShadowConfig Config { get; init; }

    public required string RequestId { get; init; }

    /// <summary>When the client's request arrived.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    public required EndpointKind Endpoint { get; init; }

    public string? Label { get; init; }

    public string? Tags { get; init; }

    /// <summary>Why the request was confidential, or <see langword="null"/>.</summary>
    public string? Confidential { get; init; }

    /// <summary>The client's body.</summary>
    public required byte[] Body { get; init; }

    /// <summary>The answer the client got (owned: disposed with the job).</summary>
    public required AnswerCollector Incumbent { get; init; }

    public required string IncumbentDeployment { get; init; }

    public string? IncumbentTier { get; init; }

    public Usage? IncumbentUsage { get; init; }

    /// <summary>What the client's answer cost, in US dollars.</summary>
    public double? IncumbentCost { get; init; }

    /// <summary>The client's whole request, from its start to the end of its answer, in milliseconds.</summary>
    public double IncumbentLatencyMs { get; init; }

    /// <summary>The route's quality gate, when it has one (else the default checks compare the answers).</summary>
    public QualityGate? Gate { get; init; }

    /// <summary>The snapshot the candidate and judge are found in (acquired for the job).</summary>
    public required RuntimeSnapshot Snapshot { get; init; }

    /// <summary>Where <see cref="Snapshot"/> goes back to.</summary>
    public required GatewayRuntime Runtime
    {
        get => _runtime!;
        init => _runtime = value;
    }

    public void Dispose()
    {
        Incumbent.Dispose();
        if (Interlocked.Exchange(ref _runtime, null) is { } runtime)
        {
            runtime.Release(Snapshot);
        }
    }
}
