using StackExchange.Redis;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Caching;

/// <summary>
/// The exact-match response cache (<c>routes.NAME.cache</c>, decision 0024): answers that completed successfully, kept
/// for their route's TTL under <see cref="CacheKeys"/>' key, in this process or in Redis. A store that cannot be reached
/// makes a lookup a bypass (the request is served upstream), never an error.
/// </summary>
internal sealed class ResponseCache(ICacheStore store, string prefix, RedisHealth? health) : IAsyncDisposable
{
    /// <summary>Where answers live.</summary>
    public ICacheStore Store { get; } = store;

    /// <summary>Prepended to every key.</summary>
    public string Prefix { get; } = prefix;

    /// <summary>Whether the Redis behind the cache answers (<see langword="null"/> for the memory cache).</summary>
    public RedisHealth? Health { get; } = health;

    /// <summary>The answer under <paramref name="key"/>; <c>Reached</c> is false when the store could not be asked.</summary>
    public async ValueTask<(CachedAnswer? Answer, bool Reached)> LookupAsync(string key)
    {
        try
        {
            var answer = await Store.GetAsync(key).ConfigureAwait(false);
            Health?.Succeeded();
            return (answer, true);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            Health?.Failed(e, request: true);
            return (null, false);
        }
    }

    /// <summary>Keeps <paramref name="answer"/> for <paramref name="ttl"/>; a store that cannot be reached loses it.</summary>
    public async ValueTask StoreAsync(string key, CachedAnswer answer, TimeSpan ttl)
    {
        try
        {
            await Store.SetAsync(key, answer, ttl).ConfigureAwait(false);
            Health?.Succeeded();
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            Health?.Failed(e, request: false);
        }
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
