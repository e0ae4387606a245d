using System.Collections.Immutable;

namespace Switchyard.Gateway.Routing;

/// <summary>A route as the request path sees it: its name and its deployments in failover order.</summary>
internal sealed class Route(string name, ImmutableArray<Deployment> deployments)
{
    public string Name { get; } = name;

    public ImmutableArray<Deployment> Deployments { get; } = deployments;
}
