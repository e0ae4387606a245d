using System.Collections.Immutable;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Routing.Learned;

/// <summary>
/// A route's learned router as the request path uses it: the model, the threshold, and the tiers a request above it
/// starts with (the target tier, then the general tiers after it), computed once per configuration.
/// </summary>
internal sealed class LearnedRoute
{
    private LearnedRoute(EscalationRouter router, double threshold, Tier[] order)
    {
        Router = router;
        Threshold = threshold;
        Order = order;
    }

    public EscalationRouter Router { get; }

    public double Threshold { get; }

    /// <summary>The tiers a request the router sends ahead tries, in order.</summary>
    public Tier[] Order { get; }

    /// <summary>The tier such a request starts at.</summary>
    public Tier Target => Order[0];

    /// <summary>Loads the model named by <paramref name="config"/> (validated when the configuration was read).</summary>
    public static LearnedRoute Load(LearnedRouterConfig config, ImmutableArray<Tier> tiers)
    {
        EscalationRouter router;
        using (var stream = File.OpenRead(config.Model))
        {
            router = EscalationRouter.Load(stream);
        }

        var start = config.Tier is { } name ? tiers.IndexOf(tiers.First(t => t.Name == name)) : tiers.Length - 1;
        var order = new List<Tier> { tiers[start] };
        for (var i = start + 1; i < tiers.Length; i++)
        {
            if (tiers[i].IsGeneral)
            {
                order.Add(tiers[i]);
            }
        }

        return new LearnedRoute(router, config.Threshold ?? router.Threshold, [.. order]);
    }
}
