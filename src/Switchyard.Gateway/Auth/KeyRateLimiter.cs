using System.Collections.Concurrent;
using Switchyard.Storage.Keys;

namespace Switchyard.Gateway.Auth;

/// <summary>
/// Requests and tokens per minute per key, in fixed one-minute windows (aligned to the clock's minutes). A request takes
/// one request and reserves its token estimate; after it, the reservation is replaced by the tokens it really used. Under
/// a lock per key, so no more requests pass in a window than the limit, however many clients race for them.
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

    /// <summary>Counts a request of <paramref name="key"/> that may use <paramref name="estimatedTokens"/> tokens.</summary>
    public Decision TryAcquire(ApiKeyRecord key, long estimatedTokens)
    {
        var now = time.GetUtcNow();
        var start = now.UtcTicks - (now.UtcTicks % Window.Ticks);
        var reset = TimeSpan.FromTicks(start + Window.Ticks - now.UtcTicks);
        var window = _windows.GetOrAdd(key.Id, _ => new KeyWindow());
        lock (window)
        {
            if (window.Start != start)
            {
                window.Start = start;
                window.Requests = 0;
                window.Tokens = 0;
            }

            if (key.RequestsPerMinute is { } rpm && window.Requests >= rpm)
            {
                return new Decision(false, "requests", 0, Remaining(key, window), reset, start);
            }

            // A request whose estimate alone is over the limit may still go alone in an empty window: it could never pass.
            if (key.TokensPerMinute is { } tpm && window.Tokens + estimatedTokens > tpm && window.Tokens > 0)
            {
                return new Decision(false, "tokens", key.RequestsPerMinute - window.Requests, Remaining(key, window), reset, start);
            }

            window.Requests++;
            window.Tokens += estimatedTokens;
            return new Decision(true, null, key.RequestsPerMinute - window.Requests, Remaining(key, window), reset, start);
        }
    }

    /// <summary>Replaces a request's token estimate with the tokens it used (in the window it was counted in).</summary>
    public void Settle(ApiKeyRecord key, long windowStart, long estimatedTokens, long usedTokens)
    {
        if (!_windows.TryGetValue(key.Id, out var window))
        {
            return;
        }

        lock (window)
        {
            if (window.Start == windowStart)
            {
                window.Tokens = Math.Max(0, window.Tokens - estimatedTokens + usedTokens);
            }
        }
    }

    private static long? Remaining(ApiKeyRecord key, KeyWindow window) => key.TokensPerMinute is { } tpm ? Math.Max(0, tpm - window.Tokens) : null;

    private sealed class KeyWindow
    {
        public long Start;
        public int Requests;
        public long Tokens;
    }
}
