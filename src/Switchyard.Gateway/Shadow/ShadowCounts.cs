using Switchyard.Storage.Shadow;

namespace Switchyard.Gateway.Shadow;

/// <summary>
/// A route's shadow counters for one candidate: totals since the start (<see cref="Stats"/>), and what the store has not
/// been told yet (<see cref="Drain"/>). Incremented from the request path (sampled, skipped, dropped) and the
/// comparisons: interlocked, no lock.
/// </summary>
internal sealed class ShadowCounts(string route, string candidate)
{
    private long _sampled;
    private long _compared;
    private long _dropped;
    private long _budget;
    private long _confidential;
    private long _failed;
    private long _running;
    private long _drainedSampled;
    private long _drainedCompared;
    private long _drainedDropped;
    private long _drainedBudget;
    private long _drainedConfidential;
    private long _drainedFailed;

    public string Route { get; } = route;

    public string Candidate { get; } = candidate;

    public void Sampled() => Interlocked.Increment(ref _sampled);

    public void Compared(bool candidateFailed)
    {
        Interlocked.Increment(ref _compared);
        if (candidateFailed)
        {
            Interlocked.Increment(ref _failed);
        }
    }

    public void Dropped() => Interlocked.Increment(ref _dropped);

    public void OverBudget() => Interlocked.Increment(ref _budget);

    public void Confidential() => Interlocked.Increment(ref _confidential);

    /// <summary>A job was queued: it runs until <see cref="Finished"/>.</summary>
    public void Started() => Interlocked.Increment(ref _running);

    public void Finished() => Interlocked.Decrement(ref _running);

    public ShadowStats Stats() => new(
        Volatile.Read(ref _sampled),
        Volatile.Read(ref _compared),
        Volatile.Read(ref _dropped),
        Volatile.Read(ref _budget),
        Volatile.Read(ref _confidential),
        Volatile.Read(ref _failed),
        Volatile.Read(ref _running));

    /// <summary>What changed since the last drain, for the store's row of <paramref name="day"/>; <see langword="null"/> when nothing did.</summary>
    public ShadowCounters? Drain(string day)
    {
        // Only the writer drains, so the drained marks need no fence beyond the reads of the live counters.
        var counters = new ShadowCounters
        {
            Route = Route,
            Candidate = Candidate,
            Day = day,
            Sampled = Delta(ref _sampled, ref _drainedSampled),
            Compared = Delta(ref _compared, ref _drainedCompared),
            DroppedSaturated = Delta(ref _dropped, ref _drainedDropped),
            SkippedBudget = Delta(ref _budget, ref _drainedBudget),
            SkippedConfidential = Delta(ref _confidential, ref _drainedConfidential),
            CandidateFailed = Delta(ref _failed, ref _drainedFailed),
        };
        return counters is { Sampled: 0, Compared: 0, DroppedSaturated: 0, SkippedBudget: 0, SkippedConfidential: 0, CandidateFailed: 0 } ? null : counters;

        static long Delta(ref long live, ref long drained)
        {
            var now = Volatile.Read(ref live);
            var delta = now - drained;
            drained = now;
            return delta;
        }
    }
}
