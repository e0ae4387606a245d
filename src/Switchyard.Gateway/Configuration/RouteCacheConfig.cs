namespace Switchyard.Gateway.Configuration;

/// <summary>
/// A route's response cache (<c>routes.NAME.cache</c>): an answer that completed successfully is kept for
/// <see cref="Ttl"/> and served again for the same normalised request within <see cref="Scope"/>, without calling upstream
/// (docs/decisions/0024).
/// </summary>
public sealed record RouteCacheConfig
{
    /// <summary>The largest answer kept when none is configured (1 MiB).</summary>
    public const long DefaultMaxBytes = 1024 * 1024;

    /// <summary><c>ttl</c>: how long an answer is served from the cache.</summary>
    public required TimeSpan Ttl { get; init; }

    /// <summary><c>scope</c>: who shares an entry: the team (the default), the key, or everybody.</summary>
    public CacheScope Scope { get; init; } = CacheScope.Team;

    /// <summary><c>max_bytes</c>: answers larger than this are not kept.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary><c>confidential</c>: whether answers to confidential requests are cached too (off by default).</summary>
    public bool Confidential { get; init; }
}

/// <summary>Who may be served an answer another request paid for.</summary>
public enum CacheScope
{
    /// <summary>The keys of one team (a request without a key shares with the other requests without one).</summary>
    Team,

    /// <summary>One key.</summary>
    Key,

    /// <summary>Every client of the gateway, across teams.</summary>
    Global,
}
