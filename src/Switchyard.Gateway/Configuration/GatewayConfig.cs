using System.Collections.Immutable;

namespace Switchyard.Gateway.Configuration;

/// <summary>
/// The validated, immutable snapshot of a <c>switchyard.yaml</c> file. Built only by the configuration loader;
/// everything on the request path reads from one snapshot, never from options.
/// </summary>
public sealed record GatewayConfig
{
    public required ServerConfig Server { get; init; }

    public required StorageConfig Storage { get; init; }

    public required RequestLogConfig RequestLog { get; init; }

    /// <summary>Providers by name, in file order.</summary>
    public required ImmutableArray<ProviderConfig> Providers { get; init; }

    /// <summary>Deployments by name, in file order.</summary>
    public required ImmutableArray<DeploymentConfig> Deployments { get; init; }

    /// <summary>Routes (the model names clients use), in file order.</summary>
    public required ImmutableArray<RouteConfig> Routes { get; init; }

    /// <summary>The prompt classifier for content-based routing (<c>classifier:</c>); the built-in categories by default.</summary>
    public ClassifierConfig Classifier { get; init; } = new();

    /// <summary>The personal-data detector (<c>pii:</c>); every built-in kind by default.</summary>
    public PiiConfig Pii { get; init; } = new();

    /// <summary>The file this snapshot was read from, or <see langword="null"/> for a built-in configuration.</summary>
    public string? SourcePath { get; init; }

    /// <summary>Who may call the gateway (<c>auth:</c>); without the section, no key is needed.</summary>
    public AuthConfig Auth { get; init; } = new();

    /// <summary>Limits all of a team's keys share (<c>teams:</c>).</summary>
    public ImmutableArray<TeamConfig> Teams { get; init; } = [];

    /// <summary>The model registry's settings (<c>registry:</c>); enforced when the file does not say.</summary>
    public RegistryConfig Registry { get; init; } = RegistryConfig.Default;

    /// <summary>Spending limits (<c>budgets:</c>), in file order.</summary>
    public ImmutableArray<BudgetConfig> Budgets { get; init; } = [];

    /// <summary>Prices per model that override or extend the built-in catalog (<c>prices:</c>).</summary>
    public ImmutableArray<ModelPriceConfig> Prices { get; init; } = [];

    /// <summary>The Prometheus endpoint (<c>metrics:</c>); served at <c>/metrics</c> by default.</summary>
    public MetricsConfig Metrics { get; init; } = new();

    /// <summary>Where rate limits and budgets are counted (<c>limits:</c>); in this process by default.</summary>
    public LimitsConfig Limits { get; init; } = new();

    /// <summary>Where the response cache keeps answers (<c>cache:</c>); routes opt in with <c>routes.NAME.cache</c>.</summary>
    public CacheConfig Cache { get; init; } = new();

    /// <summary>OpenTelemetry traces (<c>telemetry:</c>); off by default.</summary>
    public TelemetryConfig Telemetry { get; init; } = new();

    /// <summary>Stored responses of <c>POST /v1/responses</c> (<c>responses:</c>): kept 30 days, readable by their key.</summary>
    public ResponsesConfig Responses { get; init; } = new();
}
