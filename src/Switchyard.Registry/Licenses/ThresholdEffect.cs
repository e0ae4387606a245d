namespace Switchyard.Registry.Licenses;

/// <summary>What happens when an organisation reaches a licence's monthly-active-user or revenue threshold.</summary>
public enum ThresholdEffect
{
    /// <summary>The licence no longer grants the rights: a separate licence from the licensor is needed (Llama, Qwen).</summary>
    SeparateLicenseRequired,
    /// <summary>The rights remain, with a further duty (Kimi K2: show "Kimi K2" in the product's user interface).</summary>
    AddsObligation,
}
