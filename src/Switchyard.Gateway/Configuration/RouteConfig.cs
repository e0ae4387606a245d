using System.Collections.Immutable;

namespace Switchyard.Gateway.Configuration;

/// <summary>A model name clients use (<c>routes.NAME:</c>), served by an ordered list of deployments.</summary>
public sealed record RouteConfig
{
    /// <summary>The route's name: what clients put in <c>model</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Deployments in the order they are tried (<c>deployments</c>); the next is tried when one fails.</summary>
    public required ImmutableArray<string> Deployments { get; init; }
}
