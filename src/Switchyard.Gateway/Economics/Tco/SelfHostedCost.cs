namespace Switchyard.Gateway.Economics.Tco;

/// <summary>
/// What self-hosting costs: a GPU set (the GPUs one model replica needs) at a price per year, serving at most
/// <see cref="CapacityPerSetPerDay"/> tokens a day; more volume needs more sets, so the cost is a step function of volume.
/// </summary>
internal sealed record SelfHostedCost
{
    private const decimal SecondsPerHour = 3600;

    /// <summary>Dollars a year for one GPU set.</summary>
    public required decimal CostPerSetPerYear { get; init; }

    /// <summary>Tokens a day one set serves, or <see langword="null"/> when the capacity is not known (one set serves any volume).</summary>
    public decimal? CapacityPerSetPerDay { get; init; }

    /// <summary>GPUs in one set (1 when the cost was given as a fixed monthly amount).</summary>
    public int GpusPerSet { get; init; } = 1;

    /// <summary>
    /// GPUs rented by the hour: a set of <paramref name="gpus"/> GPUs at <paramref name="pricePerGpuHour"/>, running
    /// <paramref name="hoursPerDay"/> hours every day (24 for a reserved GPU: 24 × 365 hours a year). With a throughput,
    /// a set serves <paramref name="gpus"/> × tokens/s × utilisation × 3600 × hours a day.
    /// </summary>
    public static SelfHostedCost Gpus(decimal pricePerGpuHour, int gpus, decimal hoursPerDay, decimal? tokensPerSecondPerGpu, decimal utilisation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pricePerGpuHour);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gpus);
        if (hoursPerDay is <= 0 or > 24)
        {
            throw new ArgumentOutOfRangeException(nameof(hoursPerDay), hoursPerDay, "Hours a day are more than 0 and at most 24.");
        }

        return new SelfHostedCost
        {
            CostPerSetPerYear = pricePerGpuHour * gpus * hoursPerDay * TcoCalculator.DaysPerYear,
            CapacityPerSetPerDay = Capacity(gpus, hoursPerDay, tokensPerSecondPerGpu, utilisation),
            GpusPerSet = gpus,
        };
    }

    /// <summary>A fixed monthly cost per set (a hosting contract, amortised hardware and power), serving up to <paramref name="capacityPerSetPerDay"/> tokens a day.</summary>
    public static SelfHostedCost FixedMonthly(decimal perMonth, decimal? capacityPerSetPerDay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perMonth);
        if (capacityPerSetPerDay is { } capacity)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity, nameof(capacityPerSetPerDay));
        }

        return new SelfHostedCost { CostPerSetPerYear = perMonth * TcoCalculator.MonthsPerYear, CapacityPerSetPerDay = capacityPerSetPerDay };
    }

    /// <summary>Tokens a day a set of <paramref name="gpus"/> serves, or <see langword="null"/> without a throughput.</summary>
    public static decimal? Capacity(int gpus, decimal hoursPerDay, decimal? tokensPerSecondPerGpu, decimal utilisation)
    {
        if (tokensPerSecondPerGpu is not { } throughput)
        {
            return null;
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(throughput, nameof(tokensPerSecondPerGpu));
        if (utilisation is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(utilisation), utilisation, "Utilisation is more than 0 and at most 1.");
        }

        return gpus * throughput * utilisation * SecondsPerHour * hoursPerDay;
    }

    /// <summary>GPU sets needed for a volume: ⌈volume / capacity⌉, and at least one (a self-hosted model runs even when idle).</summary>
    public long SetsFor(decimal tokensPerDay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokensPerDay);
        if (CapacityPerSetPerDay is not { } capacity)
        {
            return 1;
        }

        return Math.Max(1, (long)decimal.Ceiling(tokensPerDay / capacity));
    }

    /// <summary>Dollars a year to serve <paramref name="tokensPerDay"/>: sets × cost per set.</summary>
    public decimal AnnualCost(decimal tokensPerDay) => SetsFor(tokensPerDay) * CostPerSetPerYear;
}
