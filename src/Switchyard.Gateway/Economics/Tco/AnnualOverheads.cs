namespace Switchyard.Gateway.Economics.Tco;

/// <summary>What one strategy costs a year besides inference, in dollars.</summary>
/// <param name="FineTuning">Training runs, data preparation, the vendor's fine-tuning fees.</param>
/// <param name="Engineering">The people who run it: integration for an API; serving, upgrades and on-call when self-hosted.</param>
internal sealed record AnnualOverheads(decimal FineTuning, decimal Engineering)
{
    /// <summary>No cost besides inference.</summary>
    public static readonly AnnualOverheads None = new(0, 0);

    /// <summary>Both together.</summary>
    public decimal Total => FineTuning + Engineering;
}
