namespace Switchyard.Gateway.Configuration;

/// <summary>
/// Where the exact-match response cache keeps answers (<c>cache:</c>): in this process (<c>memory</c>: bounded, least
/// recently used entries evicted first) or in Redis, shared by every instance. Routes opt in with
/// <c>routes.NAME.cache</c>; without any, nothing is cached whatever this says.
/// </summary>
public sealed record CacheConfig
{
    /// <summary>The memory cache's bound when none is configured (64 MiB).</summary>
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    /// <summary><c>kind</c>: memory or redis; by default redis when <c>limits.kind</c> is redis (on the same server), memory otherwise.</summary>
    public CacheKind Kind { get; init; } = CacheKind.Memory;

    /// <summary><c>url</c>: the Redis server (by default the one of <c>limits.url</c>).</summary>
    public RedisEndpoint? Redis { get; init; }

    /// <summary><c>prefix</c>: prepended to every Redis key (by default <c>limits.prefix</c>).</summary>
    public string Prefix { get; init; } = LimitsConfig.DefaultPrefix;

    /// <summary><c>max_bytes</c>: the memory cache's bound on the bytes of all its answers together.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary><c>timeout</c>: how long one Redis call may take; a slower lookup is a miss (the request is served upstream).</summary>
    public TimeSpan Timeout { get; init; } = LimitsConfig.DefaultTimeout;
}

/// <summary>Where cached answers live.</summary>
public enum CacheKind
{
    /// <summary>In this process.</summary>
    Memory,

    /// <summary>In Redis, shared by every instance.</summary>
    Redis,
}
