namespace Switchyard.Gateway.Economics.Tco;

/// <summary>The outcome of <see cref="TcoCalculator.Calculate"/>.</summary>
internal sealed record TcoResult
{
    /// <summary>What it was computed from.</summary>
    public required TcoInputs Inputs { get; init; }

    /// <summary>The all-API strategy at the volume, or <see langword="null"/> without a volume.</summary>
    public StrategyCost? Api { get; init; }

    /// <summary>The self-hosted strategy at the volume, or <see langword="null"/> without a volume.</summary>
    public StrategyCost? SelfHosted { get; init; }

    /// <summary>The smallest daily volume at which self-hosting costs no more than the API, or <see langword="null"/> when it never does.</summary>
    public decimal? BreakEvenTokensPerDay { get; init; }

    /// <summary>What self-hosting saves a year against the API (negative when it costs more), or <see langword="null"/> without a volume.</summary>
    public decimal? AnnualSavings => Api is not null && SelfHosted is not null ? Api.Total - SelfHosted.Total : null;
}
