namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>limits:</c> (where rate limits and budgets are counted), <c>cache:</c> and <c>routes.NAME.cache</c>.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] LimitsKeys = ["kind", "url", "on_failure", "prefix", "timeout"];
    private static readonly string[] CacheKeys = ["kind", "url", "prefix", "max_bytes", "timeout"];
    private static readonly string[] RouteCacheKeys = ["ttl", "scope", "max_bytes", "confidential"];
    private static readonly (string Word, LimitsKind Value)[] LimitsKinds = [("memory", LimitsKind.Memory), ("redis", LimitsKind.Redis)];
    private static readonly (string Word, CacheKind Value)[] CacheKinds = [("memory", CacheKind.Memory), ("redis", CacheKind.Redis)];
    private static readonly (string Word, LimitsFailurePolicy Value)[] FailurePolicies = [("open", LimitsFailurePolicy.Open), ("closed", LimitsFailurePolicy.Closed)];
    private static readonly (string Word, CacheScope Value)[] CacheScopes = [("team", CacheScope.Team), ("key", CacheScope.Key), ("global", CacheScope.Global)];

    private const string LimitsExample = "limits: { kind: redis, url: redis://127.0.0.1:6379, on_failure: open }";
    private const string CacheExample = "cache: { kind: memory, max_bytes: 64MiB }";
    private const string RouteCacheExample = "cache: { ttl: 10m, scope: team }";

    private LimitsConfig? ReadLimits(Section top)
    {
        if (Value(top, "limits") is not { } node)
        {
            return new LimitsConfig();
        }

        if (ReadSection(node, "limits", top.Entries["limits"].Key.Start, LimitsKeys, LimitsExample) is not { } section)
        {
            return null;
        }

        var kind = LimitsKind.Memory;
        var onFailure = LimitsFailurePolicy.Open;
        var timeout = LimitsConfig.DefaultTimeout;
        var ok = TryReadChoice(section, "kind", LimitsKinds, ref kind)
            & TryReadChoice(section, "on_failure", FailurePolicies, ref onFailure)
            & TryReadDuration(section, "timeout", ref timeout);
        var redis = ReadRedisUrl(section, ref ok);
        var prefix = ReadPrefix(section, LimitsConfig.DefaultPrefix, ref ok);
        if (ok && kind == LimitsKind.Redis && redis is null)
        {
            Error(section.Owner, "limits.url", $"is required with kind: redis: the server every instance counts in. Write {LimitsExample}.");
            ok = false;
        }
        else if (ok && kind == LimitsKind.Memory && (redis is not null || section.Entries.ContainsKey("on_failure")))
        {
            var key = redis is not null ? "url" : "on_failure";
            Error(MarkOf(section, key), Join("limits", key), $"applies to kind: redis only, but limits.kind is memory{(section.Entries.ContainsKey("kind") ? "" : " (the default)")}. Add kind: redis to count in Redis, or remove {key}.");
            ok = false;
        }

        return ok ? new LimitsConfig { Kind = kind, Redis = redis, OnFailure = onFailure, Prefix = prefix, Timeout = timeout } : null;
    }

    private CacheConfig? ReadCache(Section top, LimitsConfig? limits)
    {
        // Without the section the cache follows the limits: shared in their Redis when they are, in memory otherwise.
        var fallback = limits is { Kind: LimitsKind.Redis }
            ? new CacheConfig { Kind = CacheKind.Redis, Redis = limits.Redis, Prefix = limits.Prefix, Timeout = limits.Timeout }
            : new CacheConfig();
        if (Value(top, "cache") is not { } node)
        {
            return fallback;
        }

        if (ReadSection(node, "cache", top.Entries["cache"].Key.Start, CacheKeys, CacheExample) is not { } section)
        {
            return null;
        }

        var kind = section.Entries.ContainsKey("kind") ? CacheKind.Memory : fallback.Kind;
        var maxBytes = CacheConfig.DefaultMaxBytes;
        var timeout = fallback.Timeout;
        var ok = TryReadChoice(section, "kind", CacheKinds, ref kind)
            & TryReadSize(section, "max_bytes", "It bounds the memory cache's answers together; 64MiB is the default.", ref maxBytes)
            & TryReadDuration(section, "timeout", ref timeout);
        var redis = ReadRedisUrl(section, ref ok) ?? limits?.Redis;
        var prefix = ReadPrefix(section, fallback.Prefix, ref ok);
        if (ok && kind == CacheKind.Redis && redis is null)
        {
            Error(section.Owner, "cache.url", $"is required with kind: redis unless limits.url names the server. Write cache: {{ kind: redis, url: redis://127.0.0.1:6379 }}.");
            ok = false;
        }
        else if (ok && kind == CacheKind.Memory && section.Entries.ContainsKey("url"))
        {
            Error(MarkOf(section, "url"), "cache.url", "applies to kind: redis only, but cache.kind is memory. Add kind: redis to share the cache between instances, or remove url.");
            ok = false;
        }
        else if (ok && kind == CacheKind.Redis && section.Entries.ContainsKey("max_bytes"))
        {
            Error(MarkOf(section, "max_bytes"), "cache.max_bytes", "bounds the memory cache only; Redis bounds itself (its maxmemory and an eviction policy such as volatile-lru). Remove it, or use kind: memory.");
            ok = false;
        }

        return ok ? new CacheConfig { Kind = kind, Redis = kind == CacheKind.Redis ? redis : null, Prefix = prefix, MaxBytes = maxBytes, Timeout = timeout } : null;
    }

    /// <summary><c>routes.NAME.cache</c>: <see langword="null"/> when absent (the route caches nothing).</summary>
    private RouteCacheConfig? ReadRouteCache(Section route, ref bool ok)
    {
        if (Value(route, "cache") is not { } node)
        {
            return null;
        }

        var path = Join(route.Path, "cache");
        if (ReadSection(node, path, route.Entries["cache"].Key.Start, RouteCacheKeys, RouteCacheExample) is not { } section)
        {
            ok = false;
            return null;
        }

        if (Value(section, "ttl") is null)
        {
            Error(section.Owner, Join(path, "ttl"), $"is required: how long an answer is served again, e.g. {RouteCacheExample}.");
            ok = false;
            return null;
        }

        var ttl = TimeSpan.Zero;
        var scope = CacheScope.Team;
        var maxBytes = RouteCacheConfig.DefaultMaxBytes;
        var confidential = false;
        var read = TryReadDuration(section, "ttl", ref ttl)
            & TryReadChoice(section, "scope", CacheScopes, ref scope)
            & TryReadSize(section, "max_bytes", "Answers larger than this are not kept; 1MiB is the default.", ref maxBytes)
            & TryReadBool(section, "confidential", ref confidential);
        if (read && ttl > TimeSpan.FromDays(30))
        {
            Error(MarkOf(section, "ttl"), Join(path, "ttl"), $"is {ttl.TotalDays:0} days; at most 30 days (720h) is allowed: a cached answer does not follow changes of the models behind the route.");
            read = false;
        }

        ok &= read;
        return read ? new RouteCacheConfig { Ttl = ttl, Scope = scope, MaxBytes = maxBytes, Confidential = confidential } : null;
    }

    private RedisEndpoint? ReadRedisUrl(Section section, ref bool ok)
    {
        if (Value(section, "url") is not { } node)
        {
            return null;
        }

        var key = Join(section.Path, "url");
        if (Scalar(node, key, "a redis:// URL") is not { } text)
        {
            ok = false;
            return null;
        }

        if (RedisEndpoint.TryParse(text, out var endpoint) is { } problem)
        {
            // SECURITY: the URL may hold a password: it is not echoed.
            Error(node, key, $"{problem}; write redis://host:6379 (redis://:${{REDIS_PASSWORD}}@host:6379/0 with a password and a database).");
            ok = false;
            return null;
        }

        return endpoint;
    }

    private string ReadPrefix(Section section, string fallback, ref bool ok)
    {
        if (Value(section, "prefix") is not { } node)
        {
            return fallback;
        }

        var key = Join(section.Path, "prefix");
        if (Scalar(node, key, "a key prefix such as switchyard:") is not { } text)
        {
            ok = false;
            return fallback;
        }

        if (text.Length is 0 or > 64 || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            Error(node, key, $"'{Truncate(text)}' is not a usable prefix: 1 to 64 characters without spaces, such as switchyard: or prod-gw:.");
            ok = false;
            return fallback;
        }

        return text;
    }
}
