using System.Collections.Concurrent;

namespace Switchyard.Gateway.Forwarding.Internal;

/// <summary>
/// Every upstream attempt's timeouts, checked by one heartbeat every <see cref="Resolution"/> rather than by a timer per
/// attempt (as Kestrel checks its own timeouts).
/// </summary>
/// <remarks>
/// PERF: a timer armed per attempt wakes the runtime's timer thread whenever it becomes the earliest one, which at low
/// concurrency is nearly every request: a context switch per request. The heartbeat costs a few wake-ups a second and a
/// walk over the pooled attempts (about the peak number in flight). Timeouts fire up to <see cref="Resolution"/> late.
/// </remarks>
internal sealed class AttemptDeadlines : IDisposable
{
    /// <summary>How often deadlines are checked: the most a timeout can fire late.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentQueue<AttemptDeadline> _free = new();
    private readonly Lock _registryLock = new();
    private readonly ITimer _heartbeat;

    // Every live instance, for the heartbeat; copied on write (creation and forgetting are rare next to renting).
    private AttemptDeadline[] _all = [];

    public AttemptDeadlines(TimeProvider time)
    {
        Time = time;
        _heartbeat = time.CreateTimer(static s => ((AttemptDeadlines)s!).Sweep(), this, Resolution, Resolution);
    }

    public TimeProvider Time { get; }

    public AttemptDeadline Rent()
    {
        if (_free.TryDequeue(out var deadline))
        {
            return deadline;
        }

        deadline = new AttemptDeadline(this);
        lock (_registryLock)
        {
            _all = [.. _all, deadline];
        }

        return deadline;
    }

    internal void Return(AttemptDeadline deadline) => _free.Enqueue(deadline);

    /// <summary>Drops a spent instance from the heartbeat's walk.</summary>
    internal void Forget(AttemptDeadline deadline)
    {
        lock (_registryLock)
        {
            var index = Array.IndexOf(_all, deadline);
            if (index >= 0)
            {
                _all = [.. _all.AsSpan(0, index), .. _all.AsSpan(index + 1)];
            }
        }
    }

    private void Sweep()
    {
        var now = Time.GetTimestamp();
        foreach (var deadline in Volatile.Read(ref _all))
        {
            deadline.FireIfDue(now);
        }
    }

    public void Dispose() => _heartbeat.Dispose();
}
