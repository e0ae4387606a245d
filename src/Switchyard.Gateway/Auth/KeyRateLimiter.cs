using System.Collections.Concurrent;

namespace Switchyard.Gateway.Auth;

/// <summary>
/// Requests and tokens per minute, and requests in flight, per key and per team, in fixed one-minute windows (aligned to
/// the clock's minutes). A request takes one request and reserves its token estimate; after it, the reservation is
/// replaced by the tokens it really used. Under a lock per key (or team), so no more requests pass in a window than the
/// limit, however many clients race for them.
/// </summary>
internal sealed class KeyRateLimiter(TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, KeyWindow> _windows = new(StringComparer.Ordinal);

    /// <summary>What a key's limits said about a request: admitted or not, and the figures OpenAI's headers carry.</summary>
    /// <param name="Admitted">Whether the request may go on.</param>
    /// <param name="Exceeded"><c>requests</c> or <c>tokens</c>: the limit that refused it.</param>
    /// <param name="RemainingRequests">Requests left in the window (after this one), or null without a request limit.</param>
    /// <param name="RemainingTokens">Tokens left in the window (after this one's estimate), or null without a token limit.</param>
    /// <param name="Reset">Time until the window resets.</param>
    /// <param name="WindowStart">The window the request was counted in, to settle it against.</param>
    public readonly record struct Decision(bool Admitted, string? Exceeded, int? RemainingRequests, long? RemainingTokens, TimeSpan Reset, long WindowStart);

    /// <summary>
    /// Counts a request against the limits of <paramref name="id"/> (a key's id, or <c>team:NAME</c>): requests and tokens
    /// per minute, and requests in flight at once (<paramref name="maxConcurrency"/>; give it back with <see cref="Settle"/>).
    /// </summary>
    public Decision TryAcquire(string id, int? rpm, int? tpm, int? maxConcurrency, long estimatedTokens)
    {
        var now = time.GetUtcNow();
        var start = now.UtcTicks - (now.UtcTicks % Window.Ticks);
        var reset = TimeSpan.FromTicks(start + Window.Ticks - now.UtcTicks);
        var window = _windows.GetOrAdd(id, _ => new KeyWindow());
        lock (window)
        {
            if (window.Start != start)
            {
                window.Start = start;
                window.Requests = 0;
                window.Tokens = 0;
            }

            if (maxConcurrency is { } cap && window.InFlight >= cap)
            {
                return new Decision(false, "concurrency", rpm - window.Requests, Remaining(tpm, window), TimeSpan.FromSeconds(1), start);
            }

            if (rpm is { } requests && window.Requests >= requests)
            {
                return new Decision(false, "requests", 0, Remaining(tpm, window), reset, start);
            }

            // A request whose estimate alone is over the limit may still go alone in an empty window: it could never pass.
            if (tpm is { } tokens && window.Tokens + estimatedTokens > tokens && window.Tokens > 0)
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

    private static long? Remaining(int? tpm, KeyWindow window) => tpm is { } limit ? Math.Max(0, limit - window.Tokens) : null;

    private sealed class KeyWindow
    {
        public long Start;
        public int Requests;
        public long Tokens;
        public int InFlight;
    }
}
