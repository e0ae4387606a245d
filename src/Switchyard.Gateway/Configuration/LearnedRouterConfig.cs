namespace Switchyard.Gateway.Configuration;

/// <summary>
/// A route's learned router (<c>routes.NAME.router:</c>): a model trained by <c>switchyard router train</c> predicts how
/// likely the cheap tiers are to fail a request; at or above the threshold the request starts at <see cref="Tier"/>.
/// </summary>
public sealed record LearnedRouterConfig
{
    /// <summary>The trained router's file (<c>model</c>), resolved against the configuration file's folder.</summary>
    public required string Model { get; init; }

    /// <summary>The probability at which a request skips ahead (<c>threshold</c>); <see langword="null"/>: the one calibrated at training.</summary>
    public double? Threshold { get; init; }

    /// <summary>The tier such requests start at (<c>tier</c>); <see langword="null"/>: the route's last tier.</summary>
    public string? Tier { get; init; }
}
