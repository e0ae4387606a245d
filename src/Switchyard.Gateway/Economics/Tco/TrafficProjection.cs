namespace Switchyard.Gateway.Economics.Tco;

/// <summary>The next <see cref="HorizonDays"/> days of the observed traffic under each strategy.</summary>
internal sealed record TrafficProjection
{
    /// <summary>Days projected (30: "next month").</summary>
    public required int HorizonDays { get; init; }

    /// <summary>Every token at the API price.</summary>
    public required ProjectedCost AllApi { get; init; }

    /// <summary>Every token on self-hosted GPUs.</summary>
    public required ProjectedCost AllSelfHosted { get; init; }

    /// <summary>As served: external deployments' tokens at their API price, self-hosted ones on the GPUs.</summary>
    public required ProjectedCost Hybrid { get; init; }

    /// <summary>Observed tokens a day, all deployments.</summary>
    public required decimal TokensPerDay { get; init; }

    /// <summary>Observed tokens a day served by self-hosted deployments.</summary>
    public required decimal SelfHostedTokensPerDay { get; init; }
}
