namespace Switchyard.Gateway.Configuration;

/// <summary>A model served by a provider (<c>deployments.NAME:</c>).</summary>
public sealed record DeploymentConfig
{
    /// <summary>The deployment's name (its key in the file).</summary>
    public required string Name { get; init; }

    /// <summary>The provider that serves it (<c>provider</c>).</summary>
    public required string Provider { get; init; }

    /// <summary>The model name sent upstream (<c>model</c>).</summary>
    public required string Model { get; init; }

    /// <summary>Context window in tokens (<c>context_window</c>).</summary>
    public int ContextWindow { get; init; } = 8192;

    /// <summary>Where it runs (<c>hosting</c>).</summary>
    public Hosting Hosting { get; init; } = Hosting.SelfHosted;

    /// <summary>Timeouts (<c>timeouts</c>).</summary>
    public TimeoutsConfig Timeouts { get; init; } = TimeoutsConfig.Default;

    /// <summary>Most concurrent upstream requests, or <see langword="null"/> for no cap (<c>max_concurrency</c>).</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>Where it runs, e.g. <c>eu-west-1</c> (<c>region</c>); informational, shown in logs and decisions.</summary>
    public string? Region { get; init; }

    /// <summary>
    /// The deployment this one is a LoRA adapter of (<c>base</c>): served by the same server, so it shares the base's
    /// health, circuit breaker and concurrency slots; its <see cref="Model"/> is the adapter's name.
    /// </summary>
    public string? Base { get; init; }

    /// <summary>Retries before the next deployment is tried (<c>retry</c>).</summary>
    public RetryConfig Retry { get; init; } = RetryConfig.Default;

    /// <summary>The circuit breaker (<c>circuit_breaker</c>).</summary>
    public CircuitBreakerConfig CircuitBreaker { get; init; } = CircuitBreakerConfig.Default;

    /// <summary>Active health checks (<c>health_check</c>), or <see langword="null"/> for none.</summary>
    public HealthCheckConfig? HealthCheck { get; init; }

    /// <summary>
    /// What its tokens cost (<c>pricing</c>); <see langword="null"/>: the catalog's list price for an external model,
    /// otherwise not costed.
    /// </summary>
    public PricingConfig? Pricing { get; init; }

    /// <summary>
    /// The registry model it serves (<c>registry_model</c>): with <c>registry.enforce: on</c>, a self-hosted deployment
    /// must name one that is approved.
    /// </summary>
    public string? RegistryModel { get; init; }

    /// <summary>
    /// A manifest of the files the model server loads (<c>registry_manifest</c>, an absolute path; relative ones are read
    /// from the configuration file's folder): at load and every reload its hashes must match the files the registry
    /// approved for <see cref="RegistryModel"/>.
    /// </summary>
    public string? RegistryManifest { get; init; }

    /// <summary>
    /// On an Anthropic provider: the <c>max_tokens</c> sent when the client gives none (<c>default_max_tokens</c>), since
    /// Anthropic requires one and OpenAI's clients usually send none.
    /// </summary>
    public int DefaultMaxTokens { get; init; } = DefaultAnthropicMaxTokens;

    /// <summary>
    /// The default of <see cref="DefaultMaxTokens"/>: 4096, the largest answer every Claude model can give (Claude 3 Haiku's
    /// limit; later models allow more, and a deployment may raise it).
    /// </summary>
    public const int DefaultAnthropicMaxTokens = 4096;

    /// <summary>On an Azure OpenAI provider: the Azure deployment's name in the URL (<c>azure_deployment</c>), by default <see cref="Model"/>.</summary>
    public string? AzureDeployment { get; init; }

    /// <summary>The line of the deployment's key in its file (0 when built in code), for errors found after loading.</summary>
    public int Line { get; init; }
}

/// <summary>Where a deployment runs.</summary>
public enum Hosting
{
    /// <summary>On the company's own hardware (<c>self-hosted</c>).</summary>
    SelfHosted,

    /// <summary>A third-party API (<c>external</c>).</summary>
    External,
}
