namespace Switchyard.Gateway.Economics.Tco;

/// <summary>The annual cost of one strategy (all-API, self-hosted, a hybrid), in dollars, line by line.</summary>
/// <param name="Strategy">Its name as reports show it.</param>
/// <param name="Inference">API fees, or the GPUs that serve the tokens.</param>
/// <param name="FineTuning">Fine-tuning a year.</param>
/// <param name="Engineering">Engineering a year.</param>
/// <param name="GpuSets">GPU sets the volume needs, or <see langword="null"/> for a strategy that runs no GPUs.</param>
internal sealed record StrategyCost(string Strategy, decimal Inference, decimal FineTuning, decimal Engineering, long? GpuSets = null)
{
    /// <summary>Everything a year.</summary>
    public decimal Total => Inference + FineTuning + Engineering;

    /// <summary>Everything a month: <see cref="Total"/> / 12.</summary>
    public decimal Monthly => Total / TcoCalculator.MonthsPerYear;
}
