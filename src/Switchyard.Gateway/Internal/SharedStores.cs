using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchyard.Gateway.Caching;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Limits;

namespace Switchyard.Gateway.Internal;

/// <summary>
/// What <c>limits:</c> and <c>cache:</c> ask for, set into the runtime at startup: the counters (Redis, or this process's
/// by default), the response cache, and the Redis connections behind them (one per server, shared by both).
/// </summary>
internal sealed class SharedStores : IAsyncDisposable
{
    private List<IConnectionMultiplexer>? _connections;
    private ILimitCounters? _limits;
    private ResponseCache? _cache;

    private SharedStores()
    {
    }

    /// <summary>Connects what the configuration names (without waiting for a Redis that is down) and sets it into <paramref name="runtime"/>.</summary>
    public static async Task<SharedStores> StartAsync(GatewayConfig config, GatewayRuntime runtime, TimeProvider time, ILoggerFactory loggers)
    {
        var stores = new SharedStores();
        var cache = config.Cache;
        // PERF: what touches Redis's types lives in methods of its own, so a gateway that names no Redis never loads
        // StackExchange.Redis (about 1 MB resident once loaded).
        if (config.Limits is { Kind: LimitsKind.Redis } || cache.Kind == CacheKind.Redis)
        {
            await stores.ConnectRedisAsync(config, runtime, time, loggers).ConfigureAwait(false);
        }

        stores._cache ??= new ResponseCache(new MemoryCacheStore(cache.MaxBytes, time), cache.Prefix, null);
        runtime.Cache = stores._cache;
        return stores;
    }

    public async ValueTask DisposeAsync()
    {
        if (_limits is not null)
        {
            await _limits.DisposeAsync().ConfigureAwait(false);
        }

        if (_cache is not null)
        {
            await _cache.DisposeAsync().ConfigureAwait(false);
        }

        if (_connections is not null)
        {
            await CloseConnectionsAsync().ConfigureAwait(false);
        }
    }

    private async Task ConnectRedisAsync(GatewayConfig config, GatewayRuntime runtime, TimeProvider time, ILoggerFactory loggers)
    {
        var connections = _connections = [];
        var byEndpoint = new Dictionary<RedisEndpoint, IConnectionMultiplexer>();
        async Task<IConnectionMultiplexer> Connect(RedisEndpoint endpoint, TimeSpan timeout)
        {
            if (!byEndpoint.TryGetValue(endpoint, out var connection))
            {
                connection = await RedisConnector.ConnectAsync(endpoint, timeout).ConfigureAwait(false);
                byEndpoint[endpoint] = connection;
                connections.Add(connection);
            }

            return connection;
        }

        if (config.Limits is { Kind: LimitsKind.Redis, Redis: { } limitsRedis } limits)
        {
            var connection = await Connect(limitsRedis, limits.Timeout).ConfigureAwait(false);
            var local = runtime.Limits as MemoryLimitCounters ?? new MemoryLimitCounters(runtime.RateLimits);
            _limits = runtime.Limits = new RedisLimitCounters(connection, limits, local, runtime.Budgets, time, TimeProvider.System, loggers.CreateLogger("Switchyard.Limits"));
        }

        var cache = config.Cache;
        if (cache is { Kind: CacheKind.Redis, Redis: { } cacheRedis })
        {
            var connection = await Connect(cacheRedis, cache.Timeout).ConfigureAwait(false);
            var health = new RedisHealth("cache", cacheRedis.ToString(), loggers.CreateLogger("Switchyard.Caching"));
            _cache = new ResponseCache(new RedisCacheStore(connection), cache.Prefix, health);
        }
    }

    private async Task CloseConnectionsAsync()
    {
        foreach (var connection in _connections!)
        {
            await connection.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
            connection.Dispose();
        }
    }
}
