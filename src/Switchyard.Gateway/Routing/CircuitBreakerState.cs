using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Routing;

/// <summary>
/// One server's circuit breaker: counts failures over a rolling window, opens when their share passes the ratio, lets one
/// probe through after the break, and closes on its success (the semantics of Polly's advanced circuit breaker, which it
/// replaced; docs/decisions/0006).
/// </summary>
/// <remarks>
/// <para>
/// PERF: a closed circuit costs one volatile read before the attempt and one interlocked increment after a success, with
/// no lock, allocation or async layer; running every attempt through Polly's pipeline cost three async state machines
/// (about 900 bytes) and three lock round trips per request. Failures and state changes take a lock: they are rare, and
/// they must see a consistent window.
/// </para>
/// <para>
/// The window is <see cref="Buckets"/> buckets of a tenth of it each (as Polly's rolling health metrics); a bucket is
/// reused once it is a whole window old. An increment racing with the reuse of its bucket may be lost: a breaker can only
/// be late by one sample, never wrong about the state.
/// </para>
/// </remarks>
internal sealed class CircuitBreakerState
{
    private const int Buckets = 10;
    private const int Closed = 0;
    private const int Open = 1;
    private const int HalfOpen = 2;

    private readonly CircuitBreakerConfig _config;
    private readonly TimeProvider _time;
    private readonly Action<string>? _onChange;
    private readonly long _bucketTicks;
    private readonly Bucket[] _buckets = new Bucket[Buckets];
    private readonly Lock _lock = new();
    private volatile int _state;
    private long _blockedUntil;

    /// <param name="config">The deployment's <c>circuit_breaker</c> settings (enabled).</param>
    /// <param name="time">The clock of the window and the break.</param>
    /// <param name="onChange">Told each new state in words (<c>open for 15s</c>, <c>half-open: ...</c>, <c>closed</c>), outside the lock.</param>
    public CircuitBreakerState(CircuitBreakerConfig config, TimeProvider time, Action<string>? onChange)
    {
        _config = config;
        _time = time;
        _onChange = onChange;
        _bucketTicks = Math.Max(1, ToTimestampTicks(config.Window) / Buckets);
        for (var i = 0; i < Buckets; i++)
        {
            _buckets[i] = new Bucket { Epoch = long.MinValue };
        }
    }

    /// <summary>Whether the circuit is open or waiting for its probe's answer.</summary>
    public bool IsBroken => _state != Closed;

    /// <summary>Whether its one probe is out (the dashboard tells half-open from open).</summary>
    public bool IsHalfOpen => _state == HalfOpen;

    /// <summary>The state as a number for metrics: 0 closed, 1 half-open (its probe is out), 2 open.</summary>
    public int StateCode => _state switch
    {
        Closed => 0,
        HalfOpen => 1,
        _ => 2,
    };

    /// <summary>
    /// Asks to make an attempt. False when the circuit refuses it: open and still within its break, or half-open with its
    /// one probe already out. The first caller after the break becomes that probe.
    /// </summary>
    public bool TryEnter()
    {
        if (_state == Closed)
        {
            return true;
        }

        string? change = null;
        lock (_lock)
        {
            if (_state == Closed)
            {
                return true;
            }

            if (_state == HalfOpen)
            {
                return false;
            }

            var now = _time.GetTimestamp();
            if (now < _blockedUntil)
            {
                return false;
            }

            _blockedUntil = now + ToTimestampTicks(_config.BreakFor);
            _state = HalfOpen;
            change = "half-open: one probe is let through";
        }

        _onChange?.Invoke(change);
        return true;
    }

    /// <summary>Records the outcome of an attempt <see cref="TryEnter"/> allowed; <paramref name="failed"/>: the server is in trouble.</summary>
    public void Record(bool failed)
    {
        if (!failed && _state == Closed)
        {
            // The fast path: no lock while the circuit is closed and the current bucket is in use.
            var epoch = _time.GetTimestamp() / _bucketTicks;
            var bucket = _buckets[(int)(epoch % Buckets)];
            if (Volatile.Read(ref bucket.Epoch) == epoch)
            {
                Interlocked.Increment(ref bucket.Successes);
                return;
            }
        }

        string? change = null;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var bucket = Current(now);
            if (!failed)
            {
                bucket.Successes++;
                if (_state == HalfOpen)
                {
                    // The probe answered: close and start counting afresh.
                    Reset();
                    _state = Closed;
                    change = "closed";
                }
            }
            else
            {
                bucket.Failures++;
                var open = _state == HalfOpen;
                if (_state == Closed)
                {
                    Totals(now, out var successes, out var failures);
                    var throughput = successes + failures;
                    open = throughput >= _config.MinimumAttempts && failures >= _config.FailureRatio * throughput;
                }

                // A failure of an attempt that started before the circuit opened does not extend the break.
                if (open)
                {
                    _blockedUntil = now + ToTimestampTicks(_config.BreakFor);
                    _state = Open;
                    change = $"open for {_config.BreakFor.TotalSeconds:0.#}s";
                }
            }
        }

        if (change is not null)
        {
            _onChange?.Invoke(change);
        }
    }

    /// <summary>
    /// Ends an attempt <see cref="TryEnter"/> allowed without a verdict on the server: the client left, or the other call
    /// of a hedge answered first. Counts nothing; a half-open probe that ends so is handed to the next attempt, since a
    /// cancelled probe says nothing about whether the server recovered.
    /// </summary>
    public void Abandon()
    {
        if (_state != HalfOpen)
        {
            return;
        }

        lock (_lock)
        {
            if (_state == HalfOpen)
            {
                _state = Open;
                _blockedUntil = _time.GetTimestamp();
            }
        }
    }

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    /// <summary>The bucket for <paramref name="now"/>, emptied first if it last held an older part of the window (under the lock).</summary>
    private Bucket Current(long now)
    {
        var epoch = now / _bucketTicks;
        var bucket = _buckets[(int)(epoch % Buckets)];
        if (Volatile.Read(ref bucket.Epoch) != epoch)
        {
            bucket.Successes = 0;
            bucket.Failures = 0;
            Volatile.Write(ref bucket.Epoch, epoch);
        }

        return bucket;
    }

    private void Totals(long now, out int successes, out int failures)
    {
        var oldest = (now / _bucketTicks) - Buckets + 1;
        successes = 0;
        failures = 0;
        foreach (var bucket in _buckets)
        {
            if (Volatile.Read(ref bucket.Epoch) >= oldest)
            {
                successes += Volatile.Read(ref bucket.Successes);
                failures += bucket.Failures;
            }
        }
    }

    private void Reset()
    {
        foreach (var bucket in _buckets)
        {
            bucket.Successes = 0;
            bucket.Failures = 0;
            Volatile.Write(ref bucket.Epoch, long.MinValue);
        }
    }

    private sealed class Bucket
    {
        public long Epoch;
        public int Successes;
        public int Failures;
    }
}
