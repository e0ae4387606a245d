using Switchyard.Gateway.Auth;

namespace Switchyard.Gateway.Limits;

/// <summary>What one request is counted against (a key's limits, its team's), and what it was counted as, to settle after it.</summary>
/// <param name="limits">The limits, in order: the key's, then the team's.</param>
/// <param name="estimate">The tokens reserved: the prompt's estimate plus <c>max_tokens</c>.</param>
/// <param name="requestId">The request's id: its place in flight in a shared counter.</param>
internal sealed class RateTicket(KeyRateLimiter.Limit[] limits, long estimate, string requestId)
{
    public KeyRateLimiter.Limit[] Limits { get; } = limits;

    /// <summary>What each limit said (the refusing one, and those before it).</summary>
    public KeyRateLimiter.Decision[] Decisions { get; } = new KeyRateLimiter.Decision[limits.Length];

    public long Estimate { get; } = estimate;

    public string RequestId { get; } = requestId;

    /// <summary>Counted in this process's memory (the default, or Redis unreachable with <c>on_failure: open</c>).</summary>
    public bool Local { get; set; }
}
