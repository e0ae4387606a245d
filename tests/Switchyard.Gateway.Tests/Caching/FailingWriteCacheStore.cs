using Switchyard.Gateway.Caching;

namespace Switchyard.Gateway.Tests.Caching;

/// <summary>
/// A cache store in front of a real one whose writes time out (StackExchange.Redis reports a call that outlived
/// <c>cache.timeout</c> as a <see cref="TimeoutException"/>); lookups still answer.
/// </summary>
internal sealed class FailingWriteCacheStore(ICacheStore inner) : ICacheStore
{
    private int _writes;

    public string Kind => inner.Kind;

    /// <summary>Writes tried (and failed).</summary>
    public int Writes => Volatile.Read(ref _writes);

    public ValueTask<CachedAnswer?> GetAsync(string key) => inner.GetAsync(key);

    public ValueTask SetAsync(string key, CachedAnswer answer, TimeSpan ttl)
    {
        Interlocked.Increment(ref _writes);
        return ValueTask.FromException(new TimeoutException("Timeout performing SET (test)"));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
