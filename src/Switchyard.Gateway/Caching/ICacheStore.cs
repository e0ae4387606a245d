namespace Switchyard.Gateway.Caching;

/// <summary>Where cached answers live: this process's memory (<see cref="MemoryCacheStore"/>) or Redis (<see cref="RedisCacheStore"/>).</summary>
internal interface ICacheStore : IAsyncDisposable
{
    /// <summary><c>memory</c> or <c>redis</c>.</summary>
    string Kind { get; }

    /// <summary>The answer stored under <paramref name="key"/> and not yet expired, or <see langword="null"/>. Throws when the store cannot be reached.</summary>
    ValueTask<CachedAnswer?> GetAsync(string key);

    /// <summary>Stores <paramref name="answer"/> for <paramref name="ttl"/>. Throws when the store cannot be reached.</summary>
    ValueTask SetAsync(string key, CachedAnswer answer, TimeSpan ttl);
}
