using System.Collections.Concurrent;

namespace Switchyard.Gateway.Auth;

/// <summary>
/// Requests and tokens per minute, and requests in flight, per key and per team, in fixed one-minute windows (aligned to
/// the clock's minutes). A request takes one request and reserves its token estimate; after it, the reservation is
/// replaced by the tokens it really used. Under a lock per key (or team), so no more requests pass in a window than the
/// limit, however many clients race for them.
/// </summary>
/// <remarks>
/// A request counts against several limits (its key's, then its team's): when one refuses, what the earlier ones counted
/// is given back whole (request, tokens, place in flight), so a request refused by its team costs its key nothing.
/// A request whose estimate alone is over a tokens-per-minute limit is refused as too large, as OpenAI does: it could
/// never pass, in this window or any other.
/// </remarks>
internal sealed class KeyRateLimiter(TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, KeyWindow> _windows = new(StringComparer.Ordinal);

    /// <summary>One limit a request counts against: a key's (its id) or a team's (<c>team:NAME</c>).</summary>
    public readonly record struct Limit(string Id, int? Rpm, int? Tpm, int? MaxConcurrency)
    {
        public bool HasRates => Rpm is not null || Tpm is not null;
    }

    /// <summary>What a limit said about a request: admitted or not, and the figures OpenAI's headers carry.</summary>
    /// <param name="Admitted">Whether the request may go on.</param>
    /// <param name="Exceeded"><c>requests</c>, <c>tokens</c>, <c>concurrency</c> or <c>too_large</c> (the estimate alone is over the tokens per minute): why it was refused.</param>
    /// <param name="RemainingRequests">Requests left in the window (after this one), or null without a request limit.</param>
    /// <param name="RemainingTokens">Tokens left in the window (after this one's estimate), or null without a token limit.</param>
    /// <param name="Reset">Time until the window resets.</param>
    /// <param name="WindowStart">The window the request was counted in, to settle it against.</param>
    public readonly record struct Decision(bool Admitted, string? Exceeded, int? RemainingRequests, long? RemainingTokens, TimeSpan Reset, long WindowStart);

    /// <summary>
    /// Counts a request against every limit of <paramref name="limits"/>, in order, writing each one's decision into
    /// <paramref name="decisions"/>. Returns the index of the limit that refused it (what the earlier ones counted is
    /// given back), or -1 when all admitted it (give each back with <see cref="Settle"/> once it is done).
    /// </summary>
    public int TryAcquire(ReadOnlySpan<Limit> limits, long estimatedTokens, Span<Decision> decisions)
    {
        for (var i = 0; i < limits.Length; i++)
        {
            decisions[i] = TryAcquire(limits[i], estimatedTokens);
            if (!decisions[i].Admitted)
            {
                for (var j = 0; j < i; j++)
                {
                    Release(limits[j].Id, decisions[j].WindowStart, estimatedTokens);
                }

                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Counts a request against one limit: requests and tokens per minute, and requests in flight at once (give it back
    /// with <see cref="Settle"/>, or <see cref="Release"/> when the request does not go on).
    /// </summary>
    public Decision TryAcquire(in Limit limit, long estimatedTokens)
    {
        var now = time.GetUtcNow();
        var start = now.UtcTicks - (now.UtcTicks % Window.Ticks);
        var reset = TimeSpan.FromTicks(start + Window.Ticks - now.UtcTicks);
        var (rpm, tpm) = (limit.Rpm, limit.Tpm);
        var window = _windows.GetOrAdd(limit.Id, _ => new KeyWindow());
        lock (window)
        {
            if (window.Start != start)
            {
                window.Start = start;
                window.Requests = 0;
                window.Tokens = 0;
            }

            if (tpm is { } ceiling && estimatedTokens > ceiling)
            {
                return new Decision(false, "too_large", rpm - window.Requests, Remaining(tpm, window), reset, start);
            }

            if (limit.MaxConcurrency is { } cap && window.InFlight >= cap)
            {
                return new Decision(false, "concurrency", rpm - window.Requests, Remaining(tpm, window), TimeSpan.FromSeconds(1), start);
            }

            if (rpm is { } requests && window.Requests >= requests)
            {
                return new Decision(false, "requests", 0, Remaining(tpm, window), reset, start);
            }

            if (tpm is { } tokens && window.Tokens + estimatedTokens > tokens)
            {
                return new Decision(false, "tokens", rpm - window.Requests, Remaining(tpm, window), reset, start);
            }

            window.Requests++;
            window.Tokens += estimatedTokens;
            window.InFlight++;
            return new Decision(true, null, rpm - window.Requests, Remaining(tpm, window), reset, start);
        }
    }

    /// <summary>
    /// Replaces a request's token estimate with the tokens it used (in the window it was counted in), and gives back its
    /// place in flight.
    /// </summary>
    public void Settle(string id, long windowStart, long estimatedTokens, long usedTokens)
    {
        if (!_windows.TryGetValue(id, out var window))
        {
            return;
        }

        lock (window)
        {
            window.InFlight = Math.Max(0, window.InFlight - 1);
            if (window.Start == windowStart)
            {
                window.Tokens = Math.Max(0, window.Tokens - estimatedTokens + usedTokens);
            }
        }
    }

    /// <summary>Gives back all that an admitted request counted (its request, its tokens, its place in flight): it did not go on.</summary>
    public void Release(string id, long windowStart, long estimatedTokens)
    {
        if (!_windows.TryGetValue(id, out var window))
        {
            return;
        }

        lock (window)
        {
            window.InFlight = Math.Max(0, window.InFlight - 1);
            if (window.Start == windowStart)
            {
                window.Requests = Math.Max(0, window.Requests - 1);
                window.Tokens = Math.Max(0, window.Tokens - estimatedTokens);
            }
        }
    }

    private static long? Remaining(int? tpm, KeyWindow window) => tpm is { } limit ? Math.Max(0, limit - window.Tokens) : null;

    private sealed class KeyWindow
    {
        public long Start;
        public int Requests;
        public long Tokens;
        public int InFlight;
    }
}
