namespace Switchyard.Gateway.Configuration;

/// <summary>
/// A spending limit (<c>budgets.NAME</c>) in US dollars over a calendar day or month (UTC), for one route or for the whole
/// gateway. A hard budget refuses a request before any upstream call when its worst-case cost no longer fits; every
/// budget warns (a response header and a log event) once its spend passes <see cref="WarnAt"/>.
/// </summary>
public sealed record BudgetConfig
{
    /// <summary>The budget's name, as errors and headers say it.</summary>
    public required string Name { get; init; }

    /// <summary>The route it limits (<c>route</c>); <see langword="null"/>: every route.</summary>
    public string? Route { get; init; }

    /// <summary>The team whose keys it limits together (<c>team</c>); <see langword="null"/>: every caller.</summary>
    public string? Team { get; init; }

    /// <summary>The one key it limits (<c>key</c>, its public id <c>sy_...</c>); <see langword="null"/>: every key.</summary>
    public string? Key { get; init; }

    /// <summary>Dollars the window may spend (<c>limit</c>).</summary>
    public required double Limit { get; init; }

    /// <summary>The window (<c>per</c>): a UTC calendar day or month.</summary>
    public BudgetPeriod Period { get; init; } = BudgetPeriod.Day;

    /// <summary>Whether it refuses requests (<c>mode: hard</c>, the default) or only warns (<c>soft</c>).</summary>
    public BudgetMode Mode { get; init; } = BudgetMode.Hard;

    /// <summary>Share of <see cref="Limit"/> past which responses carry a warning (<c>warn_at</c>), 0.8 by default.</summary>
    public double WarnAt { get; init; } = 0.8;
}

/// <summary>A budget's window.</summary>
public enum BudgetPeriod
{
    /// <summary>A UTC calendar day: resets at 00:00 UTC.</summary>
    Day,

    /// <summary>A UTC calendar month: resets at 00:00 UTC on the first.</summary>
    Month,
}

/// <summary>What a budget does when spent.</summary>
public enum BudgetMode
{
    /// <summary>Refuses requests whose worst-case cost does not fit.</summary>
    Hard,

    /// <summary>Only warns.</summary>
    Soft,
}
