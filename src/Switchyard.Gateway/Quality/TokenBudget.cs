using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Quality;

/// <summary>
/// Tokens a check that calls a model may spend per window (<c>budget: { tokens, per }</c>): reserved from an estimate
/// before the call, settled with the upstream's usage after, in fixed windows. Thread-safe; lock-free.
/// </summary>
/// <remarks>
/// A fixed window rather than a sliding one: the budget bounds spend, not burst rate, and a window that resets on the
/// hour is what an operator reads off a bill. A reservation that does not fit is refused whole (the check is skipped),
/// so concurrent requests can never take the window past its limit by more than one settlement's error.
/// </remarks>
internal sealed class TokenBudget(TokenBudgetConfig config, TimeProvider time)
{
    private readonly long _limit = config.Tokens;
    private readonly long _window = Math.Max(1, (long)config.Per.TotalMilliseconds);
    private long _windowStart = long.MinValue;
    private long _spent;

    public TokenBudgetConfig Config { get; } = config;

    /// <summary>Reserves <paramref name="tokens"/> in the current window; <see langword="false"/> when they do not fit.</summary>
    public bool TryReserve(long tokens)
    {
        Roll();
        while (true)
        {
            var spent = Volatile.Read(ref _spent);
            if (spent + tokens > _limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _spent, spent + tokens, spent) == spent)
            {
                return true;
            }
        }
    }

    /// <summary>Replaces a reservation of <paramref name="reserved"/> tokens by what the call really cost.</summary>
    public void Settle(long reserved, long actual) => Interlocked.Add(ref _spent, actual - reserved);

    /// <summary>Tokens spent in the current window (for headers and tests).</summary>
    public long Spent
    {
        get
        {
            Roll();
            return Volatile.Read(ref _spent);
        }
    }

    private void Roll()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - (now % _window);
        var current = Volatile.Read(ref _windowStart);
        if (start != current && Interlocked.CompareExchange(ref _windowStart, start, current) == current)
        {
            // A new window: what the last one spent is forgotten. A settlement of a call from the old window may still
            // arrive and nudge the new one; it is bounded by one call's estimate.
            Interlocked.Exchange(ref _spent, 0);
        }
    }
}
