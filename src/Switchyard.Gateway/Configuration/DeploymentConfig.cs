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
}

/// <summary>Where a deployment runs.</summary>
public enum Hosting
{
    /// <summary>On the company's own hardware (<c>self-hosted</c>).</summary>
    SelfHosted,

    /// <summary>A third-party API (<c>external</c>).</summary>
    External,
}
