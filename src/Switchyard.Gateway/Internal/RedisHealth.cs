using Microsoft.Extensions.Logging;

namespace Switchyard.Gateway.Internal;

/// <summary>
/// Whether the Redis behind one store (<c>limits</c> or <c>cache</c>) answered its last call, with the counts
/// <c>/metrics</c> publishes. Down and up are logged once per change, not once per failed call.
/// </summary>
internal sealed partial class RedisHealth(string store, string endpoint, ILogger logger)
{
    private int _down;
    private long _failures;
    private long _degraded;

    /// <summary><c>limits</c> or <c>cache</c>.</summary>
    public string Store { get; } = store;

    /// <summary>Whether the last call answered.</summary>
    public bool Up => Volatile.Read(ref _down) == 0;

    /// <summary>Calls that failed (unreachable, timed out, refused by the server).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Requests decided without Redis (served open, refused closed, or a cache lookup skipped).</summary>
    public long Degraded => Interlocked.Read(ref _degraded);

    /// <summary>A call answered: Redis is back if it was down.</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _down) != 0 && Interlocked.Exchange(ref _down, 0) != 0)
        {
            Recovered(logger, Store, endpoint);
        }
    }

    /// <summary>A call failed; <paramref name="request"/>: a request was decided without Redis because of it.</summary>
    public void Failed(Exception error, bool request)
    {
        Interlocked.Increment(ref _failures);
        if (request)
        {
            Interlocked.Increment(ref _degraded);
        }

        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            Unreachable(logger, Store, endpoint, error.GetType().Name, error.Message);
        }
    }

    /// <summary>A request decided without Redis while it was already known to be down.</summary>
    public void DecidedWithout() => Interlocked.Increment(ref _degraded);

    [LoggerMessage(1200, LogLevel.Error, "Redis for {Store} at {Endpoint} is unreachable ({Error}: {Message}); requests are decided without it until it answers again")]
    private static partial void Unreachable(ILogger logger, string store, string endpoint, string error, string message);

    [LoggerMessage(1201, LogLevel.Warning, "Redis for {Store} at {Endpoint} answers again")]
    private static partial void Recovered(ILogger logger, string store, string endpoint);
}
