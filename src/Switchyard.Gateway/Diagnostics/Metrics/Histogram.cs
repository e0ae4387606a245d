namespace Switchyard.Gateway.Diagnostics.Metrics;

/// <summary>
/// A Prometheus histogram of seconds with fixed buckets: one interlocked increment of the bucket the value falls in and
/// one interlocked add to the sum per observation, no lock and no allocation.
/// </summary>
/// <remarks>
/// Counts are kept per bucket (not cumulative) and made cumulative when written, from one read of each bucket, so a
/// scrape always shows buckets that never decrease and a <c>+Inf</c> bucket equal to <c>_count</c>, even while requests
/// are observed. The sum is kept in whole microseconds: a long of them lasts 292,000 years of summed latency, where
/// nanoseconds would overflow after about 100 days of a busy gateway.
/// </remarks>
internal sealed class Histogram
{
    /// <summary>
    /// Latency of whole requests and of upstream calls: from a cached answer (5 ms) to a long generation (5 minutes, the
    /// default total timeout of a deployment).
    /// </summary>
    public static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

    /// <summary>Time to first token: finer below a second, where interactive users notice, up to a minute.</summary>
    public static readonly double[] FirstTokenBuckets = [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 30, 60];

    private readonly double[] _bounds;
    private readonly long[] _counts;
    private long _sumMicroseconds;

    public Histogram(double[] upperBounds)
    {
        _bounds = upperBounds;
        // The last count is the +Inf bucket: values above every bound.
        _counts = new long[upperBounds.Length + 1];
    }

    /// <summary>The finite upper bounds, ascending.</summary>
    public ReadOnlySpan<double> UpperBounds => _bounds;

    /// <summary>Observations so far (a read of every bucket).</summary>
    public long Count
    {
        get
        {
            var total = 0L;
            foreach (ref readonly var count in _counts.AsSpan())
            {
                total += Volatile.Read(in count);
            }

            return total;
        }
    }

    /// <summary>The sum of the observed values, in seconds.</summary>
    public double SumSeconds => Interlocked.Read(ref _sumMicroseconds) / 1e6;

    public void Observe(double seconds)
    {
        if (!(seconds >= 0))
        {
            // A clock that went backwards (or NaN) is not a latency; counting it would break the sum's monotonicity.
            seconds = 0;
        }

        var bucket = 0;
        var bounds = _bounds;
        while (bucket < bounds.Length && seconds > bounds[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Add(ref _sumMicroseconds, (long)Math.Round(seconds * 1e6));
    }

    /// <summary>
    /// Copies the cumulative counts into <paramref name="cumulative"/> (one per bound, then <c>+Inf</c>) and returns the
    /// total, which equals the <c>+Inf</c> count.
    /// </summary>
    public long CopyCumulative(Span<long> cumulative)
    {
        var running = 0L;
        for (var i = 0; i < _counts.Length; i++)
        {
            running += Volatile.Read(ref _counts[i]);
            cumulative[i] = running;
        }

        return running;
    }
}
