namespace Switchyard.Gateway.Diagnostics.Metrics;

/// <summary>
/// Dollars of one route, tier, deployment and team, as counters of nano-dollars (10^-9 USD): what the answers it gave
/// cost, what else it spent (answers the quality gate turned down, judge and agreement calls, calls that failed after
/// tokens flowed), and what its answers would have cost at the route's baseline.
/// </summary>
/// <remarks>
/// Whole nano-dollars so that an interlocked add keeps them exact and lock-free: a request is rounded by at most half a
/// nano-dollar, and a long holds 9.2 billion dollars.
/// </remarks>
internal sealed class CostSeries
{
    public long AnswerNanoUsd;

    public long EscalatedNanoUsd;

    public long ChecksNanoUsd;

    public long FailedNanoUsd;

    public long BaselineNanoUsd;

    /// <summary>Adds <paramref name="dollars"/> to <paramref name="counter"/>; negative or unknown amounts add nothing.</summary>
    public static void Add(ref long counter, double? dollars)
    {
        if (dollars is { } value && value > 0 && double.IsFinite(value))
        {
            Interlocked.Add(ref counter, (long)Math.Round(value * 1e9));
        }
    }

    /// <summary>A counter's value in dollars.</summary>
    public static double Dollars(ref long counter) => Interlocked.Read(ref counter) / 1e9;
}
