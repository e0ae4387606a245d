namespace Switchyard.Gateway.Forwarding.Internal;

/// <summary>
/// The cancellation of one upstream attempt: by the client leaving, or by its deadline passing. Pooled by
/// <see cref="AttemptDeadlines"/>, which checks deadlines on its heartbeat instead of arming a timer per attempt.
/// </summary>
internal sealed class AttemptDeadline
{
    /// <summary>The deadline passed and the token was cancelled; this instance is spent.</summary>
    private const long Fired = -1;

    /// <summary>Cancelled for another reason (the client left); this instance is spent.</summary>
    private const long Spent = -2;

    private readonly CancellationTokenSource _source = new();
    private readonly AttemptDeadlines _owner;

    // 0: no deadline; > 0: the TimeProvider timestamp it expires at; Fired or Spent.
    private long _deadline;

    public AttemptDeadline(AttemptDeadlines owner) => _owner = owner;

    public CancellationToken Token => _source.Token;

    /// <summary>Sets (or moves) the deadline to <paramref name="fromNow"/> from now. No effect once cancelled.</summary>
    public void ExpireAfter(TimeSpan fromNow)
    {
        var due = _owner.Time.GetTimestamp() + (long)(fromNow.TotalSeconds * _owner.Time.TimestampFrequency);
        var current = Volatile.Read(ref _deadline);
        while (current >= 0)
        {
            var seen = Interlocked.CompareExchange(ref _deadline, Math.Max(due, 1), current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Cancels at once (the client left).</summary>
    public void Cancel()
    {
        var current = Volatile.Read(ref _deadline);
        while (current >= 0)
        {
            var seen = Interlocked.CompareExchange(ref _deadline, Spent, current);
            if (seen == current)
            {
                _source.Cancel();
                return;
            }

            current = seen;
        }
    }

    /// <summary>Called by the heartbeat: cancels the token if the deadline has passed.</summary>
    internal void FireIfDue(long now)
    {
        var due = Volatile.Read(ref _deadline);
        if (due > 0 && now >= due && Interlocked.CompareExchange(ref _deadline, Fired, due) == due)
        {
            _source.Cancel();
        }
    }

    /// <summary>Ends the attempt: an unspent instance goes back to the pool, a spent one is dropped.</summary>
    public void Release()
    {
        var current = Volatile.Read(ref _deadline);
        while (current >= 0)
        {
            var seen = Interlocked.CompareExchange(ref _deadline, 0, current);
            if (seen == current)
            {
                _owner.Return(this);
                return;
            }

            current = seen;
        }

        _owner.Forget(this);
    }
}
