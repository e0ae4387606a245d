namespace Switchyard.Gateway.Configuration;

/// <summary>What a self-hosted deployment's hardware cost is spread over (<c>pricing.basis</c>).</summary>
public enum PricingBasis
{
    /// <summary>The configured capacity: <c>tokens_per_second</c> at <c>utilisation</c>. A fixed price.</summary>
    Capacity,

    /// <summary>The tokens it served over a trailing window, at least <c>min_utilisation</c> of its capacity. A price that follows the traffic.</summary>
    Measured,
}
