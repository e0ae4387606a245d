namespace Switchyard.Simulator.Tests;

/// <summary>
/// A <see cref="TimeProvider"/> that moves only when told to, and says when someone starts waiting on it, so a test can
/// assert what happens before and after a delay without sleeping.
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _timerWaiters = [];
    private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private long _ticks;
    private int _timersCreated;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _ticks;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);

        // The due time is set before anyone hears of the timer, so an Advance right after the signal cannot miss it.
        timer.Change(dueTime, period);
        lock (_gate)
        {
            _timers.Add(timer);
            _timersCreated++;
            foreach (var waiter in _timerWaiters)
            {
                if (_timersCreated >= waiter.Count)
                {
                    waiter.Signal.TrySetResult();
                }
            }
        }

        return timer;
    }

    /// <summary>Completes once <paramref name="count"/> timers have been created (someone started waiting).</summary>
    public Task WaitForTimersAsync(int count, TimeSpan timeout)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_timersCreated >= count)
            {
                return Task.CompletedTask;
            }

            _timerWaiters.Add((count, signal));
        }

        return signal.Task.WaitAsync(timeout, TimeProvider.System);
    }

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            _now += by;
            _ticks += by.Ticks;
            due = _timers.FindAll(t => t.DueAt is { } at && at <= _ticks);
            foreach (var timer in due)
            {
                timer.DueAt = null;
            }
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public long? DueAt { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock._ticks + dueTime.Ticks;
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => clock.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
