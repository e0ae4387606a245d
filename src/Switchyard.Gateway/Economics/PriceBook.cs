using System.Collections.Frozen;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Economics;

/// <summary>The price of every deployment of a configuration, by name; built once per configuration (re)load.</summary>
public sealed class PriceBook
{
    private readonly FrozenDictionary<string, DeploymentPrice> _prices;

    /// <summary>Prices the deployments of <paramref name="config"/>; those without a price are not costed.</summary>
    public PriceBook(GatewayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var prices = new Dictionary<string, DeploymentPrice>(StringComparer.Ordinal);
        // Bases before adapters: an adapter without a price of its own costs what its base does (it runs on its GPUs).
        foreach (var deployment in config.Deployments.OrderBy(d => d.Base is null ? 0 : 1))
        {
            var price = DeploymentPrice.For(deployment, config.Prices)
                ?? (deployment is { Base: { } baseName, Pricing: not { None: true } } && prices.TryGetValue(baseName, out var inherited) ? inherited : null);
            if (price is not null)
            {
                prices[deployment.Name] = price;
            }
        }

        _prices = prices.ToFrozenDictionary(StringComparer.Ordinal);
        Unpriced = [.. config.Deployments.Where(d => !_prices.ContainsKey(d.Name) && d.Pricing is not { None: true }).Select(d => d.Name)];
    }

    /// <summary>Deployments with no price (not configured, not in the catalog, and not marked <c>pricing: none</c>).</summary>
    public IReadOnlyList<string> Unpriced { get; }

    /// <summary>The price of <paramref name="deployment"/>, or <see langword="null"/> when it is not costed.</summary>
    public DeploymentPrice? Find(string? deployment)
        => deployment is not null && _prices.TryGetValue(deployment, out var price) ? price : null;
}
