namespace Switchyard.Gateway.Economics.Tco;

/// <summary>Everything the API-against-self-hosted comparison needs.</summary>
internal sealed record TcoInputs
{
    /// <summary>The API's prices.</summary>
    public required ApiPricing Api { get; init; }

    /// <summary>The self-hosted GPUs' cost and capacity.</summary>
    public required SelfHostedCost SelfHosted { get; init; }

    /// <summary>The workload, or <see langword="null"/> to compute only the break-even (which needs the input share).</summary>
    public TokenVolume? Volume { get; init; }

    /// <summary>The input share when there is no <see cref="Volume"/>; ignored otherwise.</summary>
    public decimal InputShare { get; init; } = 1;

    /// <summary>Fine-tuning and engineering a year with the API.</summary>
    public AnnualOverheads ApiOverheads { get; init; } = AnnualOverheads.None;

    /// <summary>Fine-tuning and engineering a year when self-hosting.</summary>
    public AnnualOverheads SelfHostedOverheads { get; init; } = AnnualOverheads.None;

    /// <summary>The input share of the volume, or <see cref="InputShare"/> without one.</summary>
    public decimal EffectiveInputShare => Volume?.InputShare ?? InputShare;
}
