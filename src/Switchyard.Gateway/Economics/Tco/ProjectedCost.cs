namespace Switchyard.Gateway.Economics.Tco;

/// <summary>One strategy's cost over a projection's horizon.</summary>
/// <param name="Strategy">Its name in reports.</param>
/// <param name="ApiFees">API fees over the horizon.</param>
/// <param name="GpuCost">Self-hosted GPUs over the horizon.</param>
/// <param name="GpuSets">GPU sets its self-hosted volume needs (0 when it runs none).</param>
internal sealed record ProjectedCost(string Strategy, decimal ApiFees, decimal GpuCost, long GpuSets)
{
    /// <summary>Everything over the horizon.</summary>
    public decimal Total => ApiFees + GpuCost;
}
