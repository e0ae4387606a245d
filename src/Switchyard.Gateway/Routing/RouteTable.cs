using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Routing;

/// <summary>
/// The routing snapshot built from one <see cref="GatewayConfig"/>: routes by name (looked up without allocating from the
/// request's UTF-8 model name) and the deployments they use. Immutable once built; a new configuration builds a new table.
/// </summary>
internal sealed class RouteTable : IDisposable
{
    private readonly FrozenDictionary<string, Route> _routes;
    private readonly FrozenDictionary<string, Route>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public RouteTable(GatewayConfig config)
    {
        var providers = config.Providers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var deployments = new Dictionary<string, Deployment>(StringComparer.Ordinal);
        foreach (var deployment in config.Deployments)
        {
            deployments.Add(deployment.Name, new Deployment(deployment, providers[deployment.Provider]));
        }

        Deployments = [.. deployments.Values];
        _routes = config.Routes
            .Select(r => new Route(r.Name, [.. r.Deployments.Select(d => deployments[d])]))
            .ToFrozenDictionary(r => r.Name, StringComparer.Ordinal);
        _lookup = _routes.GetAlternateLookup<ReadOnlySpan<char>>();
        RouteNames = [.. config.Routes.Select(r => r.Name)];
    }

    /// <summary>Route names in file order, as clients see them in <c>/v1/models</c>.</summary>
    public ImmutableArray<string> RouteNames { get; }

    public ImmutableArray<Deployment> Deployments { get; }

    public bool TryGetRoute(ReadOnlySpan<char> model, out Route route) => _lookup.TryGetValue(model, out route!);

    /// <summary>The route names as one sentence for an error message.</summary>
    public string DescribeRoutes()
    {
        var builder = new StringBuilder();
        foreach (var name in RouteNames)
        {
            if (builder.Length > 0)
            {
                builder.Append(", ");
            }

            builder.Append(name);
        }

        return builder.ToString();
    }

    public void Dispose()
    {
        foreach (var deployment in Deployments)
        {
            deployment.Dispose();
        }
    }
}
