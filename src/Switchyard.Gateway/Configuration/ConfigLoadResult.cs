using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Switchyard.Gateway.Configuration;

/// <summary>
/// The outcome of loading a configuration file: a snapshot when nothing was wrong, otherwise every error found.
/// </summary>
/// <param name="Config">The validated snapshot, or <see langword="null"/> when there were errors.</param>
/// <param name="Errors">Every problem, ordered by line; empty on success.</param>
public sealed record ConfigLoadResult(GatewayConfig? Config, ImmutableArray<ConfigError> Errors)
{
    /// <summary>Whether the file was valid and <see cref="Config"/> holds its snapshot.</summary>
    [MemberNotNullWhen(true, nameof(Config))]
    public bool Succeeded => Config is not null && Errors.IsDefaultOrEmpty;
}
