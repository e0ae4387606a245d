namespace Switchyard.Gateway.Limits;

/// <summary>What the rate limits said about a request.</summary>
/// <param name="Refused">The index of the limit that refused it, or -1 when all admitted it.</param>
/// <param name="Degraded">Decided without the shared counters (Redis unreachable): say so in a header.</param>
/// <param name="Unavailable">Not decided at all: Redis is unreachable and <c>on_failure</c> is closed (answer 503).</param>
internal readonly record struct RateOutcome(int Refused, bool Degraded = false, bool Unavailable = false)
{
    public static RateOutcome Closed => new(-1, true, true);
}
