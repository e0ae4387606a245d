using System.Collections.Concurrent;

namespace Switchyard.Gateway.Forwarding.Internal;

/// <summary>
/// Reuses the per-attempt <see cref="CancellationTokenSource"/>s (and the timer each one keeps for its timeouts), as
/// Kestrel does for its own: an attempt that neither timed out nor was cancelled hands its source back reset.
/// </summary>
internal sealed class CancellationSourcePool(TimeProvider time)
{
    // Enough for the requests in flight at once on a busy gateway; beyond it sources are simply not kept.
    private const int MaxPooled = 1024;

    private readonly ConcurrentQueue<CancellationTokenSource> _sources = new();
    private int _count;

    public CancellationTokenSource Rent()
    {
        if (_sources.TryDequeue(out var source))
        {
            Interlocked.Decrement(ref _count);
            return source;
        }

        return new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }

    /// <summary>Takes a source back. Every registration on its token must have been disposed.</summary>
    public void Return(CancellationTokenSource source)
    {
        // TryReset fails once cancellation was requested (a timeout or the client leaving): such a source is spent.
        if (source.TryReset() && Interlocked.Increment(ref _count) <= MaxPooled)
        {
            _sources.Enqueue(source);
            return;
        }

        source.Dispose();
    }
}
