using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Shadow;

/// <summary>
/// What a route's shadow may spend in a UTC day or month (<c>shadow.budget</c>): each comparison reserves its worst case
/// (the candidate's answer at its <c>max_tokens</c>, two judge calls) before any call and settles with what it cost, so
/// the window's spending never passes the limit. Off the request path: a lock is fine.
/// </summary>
internal sealed class ShadowBudget(ShadowBudgetConfig config, DateTimeOffset now)
{
    private readonly Lock _lock = new();
    private DateTimeOffset _windowStart = WindowStart(config.Per, now);
    private decimal _spent;
    private decimal _reserved;

    public ShadowBudgetConfig Config { get; } = config;

    /// <summary>What the current window has spent.</summary>
    public decimal Spent(DateTimeOffset now)
    {
        lock (_lock)
        {
            Roll(now);
            return _spent;
        }
    }

    /// <summary>Whether nothing more fits in the window (a cheap check before a request's body is copied).</summary>
    public bool Exhausted(DateTimeOffset now)
    {
        lock (_lock)
        {
            Roll(now);
            return _spent + _reserved >= Config.Usd;
        }
    }

    /// <summary>Reserves <paramref name="worstCase"/> dollars; false when they do not fit in what is left.</summary>
    public bool TryReserve(decimal worstCase, DateTimeOffset now)
    {
        lock (_lock)
        {
            Roll(now);
            if (_spent + _reserved + worstCase > Config.Usd)
            {
                return false;
            }

            _reserved += worstCase;
            return true;
        }
    }

    /// <summary>Replaces a reservation with what the comparison spent.</summary>
    public void Settle(decimal reserved, decimal spent, DateTimeOffset now)
    {
        lock (_lock)
        {
            Roll(now);
            // A reservation made before the window turned over belongs to the old one: it has nothing left to release.
            _reserved = Math.Max(0, _reserved - reserved);
            _spent += spent;
        }
    }

    /// <summary>Counts what this window spent before the gateway started (from the stored comparisons).</summary>
    public void Seed(decimal spent)
    {
        lock (_lock)
        {
            _spent += spent;
        }
    }

    /// <summary>When the window holding <paramref name="now"/> started.</summary>
    public static DateTimeOffset WindowStart(BudgetPeriod per, DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        return per == BudgetPeriod.Month
            ? new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
    }

    private void Roll(DateTimeOffset now)
    {
        var start = WindowStart(Config.Per, now);
        if (start > _windowStart)
        {
            _windowStart = start;
            _spent = 0;
            _reserved = 0;
        }
    }
}
