using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Routing;

/// <summary>
/// The routing snapshot built from one <see cref="GatewayConfig"/>: routes by name (looked up without allocating from the
/// request's UTF-8 model name) and the deployments they use. Immutable once built; a new configuration builds a new table,
/// which takes over the deployments whose configuration did not change (their connections, circuit and averages).
/// </summary>
internal sealed class RouteTable : IDisposable
{
    private readonly FrozenDictionary<string, Route> _routes;
    private readonly FrozenDictionary<string, Route>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly HashSet<Deployment> _owned;

    public RouteTable(GatewayConfig config, TimeProvider time, RouteTable? previous = null, Action<string, string>? onCircuitChange = null)
    {
        var providers = config.Providers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var byName = new Dictionary<string, Deployment>(StringComparer.Ordinal);
        _owned = [];
        // Bases before adapters: an adapter shares its base's server state.
        foreach (var deployment in config.Deployments.OrderBy(d => d.Base is null ? 0 : 1))
        {
            var provider = providers[deployment.Provider];
            var listed = Economics.DeploymentPrice.For(deployment, config.Prices);
            if (previous?.Find(deployment.Name) is { } old && old.Config == deployment && SameProvider(old.Provider, provider) && old.ConfiguredPrice == listed
                && (deployment.Base is null || ReferenceEquals(old.Base, byName[deployment.Base])))
            {
                byName.Add(deployment.Name, old);
                _owned.Add(old);
                continue;
            }

            var created = deployment.Base is { } baseName
                ? new Deployment(deployment, byName[baseName], listed)
                : new Deployment(deployment, provider, time, onCircuitChange, listed);
            if (created.Meter is { } meter && !ReferenceEquals(meter, created.Base?.Meter) && previous?.Find(deployment.Name)?.Meter is { } counted)
            {
                // The same server under a new configuration: what it served still counts in its measured price.
                meter.Absorb(counted);
            }
            byName.Add(deployment.Name, created);
            _owned.Add(created);
        }

        Deployments = [.. config.Deployments.Select(d => byName[d.Name])];
        _routes = config.Routes
            .Select(r =>
            {
                ImmutableArray<Tier> tiers = [.. r.EffectiveTiers().Select(t => new Tier(t, [.. t.Members.Select(m => byName[m.Deployment])]))];
                var baseline = r.Baseline is null ? tiers[^1].Members[0] : byName.GetValueOrDefault(r.Baseline);
                return new Route(r, tiers)
                {
                    BaselineDeployment = baseline,
                    BaselinePrice = baseline is null ? Economics.DeploymentPrice.Listed(r.Baseline!, config.Prices) : null,
                    ShadowCandidate = r.Shadow is { } shadow ? byName.GetValueOrDefault(shadow.Deployment) : null,
                    Judge = r.Quality?.Judge is { } judge ? byName.GetValueOrDefault(judge.Deployment) : null,
                };
            })
            .ToFrozenDictionary(r => r.Name, StringComparer.Ordinal);
        _lookup = _routes.GetAlternateLookup<ReadOnlySpan<char>>();
        RouteNames = [.. config.Routes.Select(r => r.Name)];
        Classifier = Content.PromptClassifier.Create(config.Classifier);
        ClassifierScanChars = config.Classifier.ScanChars;
        Pii = config.Pii.Enabled ? Content.PiiDetector.Create(config.Pii) : null;
    }

    /// <summary>The content classifier (<c>classifier:</c>).</summary>
    public Content.PromptClassifier Classifier { get; }

    /// <summary>How much of a prompt the classifier reads.</summary>
    public int ClassifierScanChars { get; }

    /// <summary>The personal-data detector (<c>pii:</c>), or <see langword="null"/> when it is disabled.</summary>
    public Content.PiiDetector? Pii { get; }

    /// <summary>
    /// Whether two providers are configured alike. Not the record's equality: its headers are an immutable dictionary,
    /// which compares by reference, so every reload would otherwise look like a change.
    /// </summary>
    private static bool SameProvider(ProviderConfig a, ProviderConfig b)
    {
        if (a.Name != b.Name || a.Kind != b.Kind || a.BaseUrl != b.BaseUrl || a.ApiKey != b.ApiKey || a.Headers.Count != b.Headers.Count)
        {
            return false;
        }

        foreach (var (name, value) in a.Headers)
        {
            if (!b.Headers.TryGetValue(name, out var other) || other != value)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Route names in file order, as clients see them in <c>/v1/models</c>.</summary>
    public ImmutableArray<string> RouteNames { get; }

    /// <summary>Every deployment, in file order.</summary>
    public ImmutableArray<Deployment> Deployments { get; }

    public bool TryGetRoute(ReadOnlySpan<char> model, out Route route) => _lookup.TryGetValue(model, out route!);

    public Deployment? Find(string name)
    {
        foreach (var deployment in Deployments)
        {
            if (deployment.Name == name)
            {
                return deployment;
            }
        }

        return null;
    }

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

    /// <summary>
    /// Disposes the deployments this table created that <paramref name="successor"/> did not take over (all of them when
    /// there is no successor). Call when no request uses this table any more.
    /// </summary>
    public void Retire(RouteTable? successor)
    {
        foreach (var deployment in _owned)
        {
            if (successor is null || !successor._owned.Contains(deployment))
            {
                deployment.Dispose();
            }
        }
    }

    public void Dispose() => Retire(null);
}
