using StackExchange.Redis;

namespace Switchyard.Gateway.Caching;

/// <summary>
/// Cached answers in Redis, shared by every instance: one string per answer (<see cref="CachedAnswer.Encode"/>), set with
/// its TTL (<c>SET key value PX ttl</c>), so Redis expires it; its memory is bounded by Redis's own <c>maxmemory</c>. Calls
/// are bounded by <c>cache.timeout</c> (the connection's AsyncTimeout).
/// </summary>
internal sealed class RedisCacheStore(IConnectionMultiplexer redis) : ICacheStore
{
    public string Kind => "redis";

    public async ValueTask<CachedAnswer?> GetAsync(string key)
    {
        var value = await redis.GetDatabase().StringGetAsync(key).ConfigureAwait(false);
        return value.IsNull ? null : CachedAnswer.Decode(((ReadOnlyMemory<byte>)value).Span);
    }

    public async ValueTask SetAsync(string key, CachedAnswer answer, TimeSpan ttl)
        => await redis.GetDatabase().StringSetAsync(key, answer.Encode(), ttl).ConfigureAwait(false);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
