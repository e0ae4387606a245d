namespace Switchyard.Gateway.Configuration;

/// <summary>
/// What a deployment's tokens cost (<c>deployments.NAME.pricing</c>), in US dollars. An API deployment has prices per
/// million tokens; a self-hosted one has the cost of its hardware (per GPU hour, or per month) and the tokens per second
/// it serves, which the price book turns into an effective price per million tokens. Without <c>pricing</c>, an external
/// deployment takes its model's list price from the built-in catalog (<see cref="Economics.PriceCatalog"/>).
/// </summary>
public sealed record PricingConfig
{
    /// <summary>Dollars per million input (prompt) tokens (<c>input</c>).</summary>
    public double? Input { get; init; }

    /// <summary>Dollars per million output (completion) tokens (<c>output</c>).</summary>
    public double? Output { get; init; }

    /// <summary>Dollars per million input tokens read from the provider's prompt cache (<c>cached_input</c>); default: <see cref="Input"/>.</summary>
    public double? CachedInput { get; init; }

    /// <summary>Dollars per million reasoning tokens (<c>reasoning</c>), part of the output tokens; default: <see cref="Output"/>.</summary>
    public double? Reasoning { get; init; }

    /// <summary>Dollars per GPU per hour (<c>gpu_hour</c>), for self-hosted deployments.</summary>
    public double? GpuHour { get; init; }

    /// <summary>GPUs the deployment runs on (<c>gpus</c>), 1 by default.</summary>
    public int Gpus { get; init; } = 1;

    /// <summary>A fixed cost per month instead of <see cref="GpuHour"/> (<c>monthly</c>): a reserved server, a lease.</summary>
    public double? Monthly { get; init; }

    /// <summary>Tokens (prompt and completion) the deployment serves per second at full load (<c>tokens_per_second</c>).</summary>
    public double? TokensPerSecond { get; init; }

    /// <summary>Share of the time it serves at that rate (<c>utilisation</c>), in (0, 1]; 1 by default. Basis <c>capacity</c> only.</summary>
    public double Utilisation { get; init; } = 1;

    /// <summary>
    /// What the hardware's cost is spread over (<c>basis</c>): the configured capacity (<c>tokens_per_second</c> at
    /// <c>utilisation</c>, the default) or the throughput the deployment measurably served over <see cref="Window"/>.
    /// </summary>
    public PricingBasis Basis { get; init; } = PricingBasis.Capacity;

    /// <summary>The trailing window the measured throughput is taken over (<c>window</c>), whole minutes; 1 hour by default.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The throughput a measured price assumes at least (<c>min_utilisation</c>), as a share of <see cref="TokensPerSecond"/>;
    /// 0.05 by default: an idle deployment's tokens cost at most 20 times what they cost at full load.
    /// </summary>
    public double MinUtilisation { get; init; } = 0.05;

    /// <summary><c>pricing: none</c>: the deployment is not costed (its requests have no cost, not a zero one).</summary>
    public bool None { get; init; }

    /// <summary>Whether this is an API price list (per token) rather than a hardware cost.</summary>
    public bool IsPerToken => Input is not null || Output is not null;
}
