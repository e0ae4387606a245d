using StackExchange.Redis;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Internal;

/// <summary>
/// Opens the one Redis connection a gateway shares between its limits and its cache (StackExchange.Redis multiplexes
/// every call over it), set up for a request path that must never wait on Redis for long (docs/decisions/0023).
/// </summary>
internal static class RedisConnector
{
    /// <summary>
    /// Connects to <paramref name="endpoint"/>. Returns at once when Redis is down: the connection keeps retrying in the
    /// background and calls fail fast until it is back.
    /// </summary>
    public static async Task<IConnectionMultiplexer> ConnectAsync(RedisEndpoint endpoint, TimeSpan timeout)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { endpoint.Host, endpoint.Port } },
            User = endpoint.User,
            Password = endpoint.Password,
            DefaultDatabase = endpoint.Database,
            ClientName = "switchyard",
            // Start without Redis, and reconnect by ourselves: the gateway serves (or refuses, as configured) meanwhile.
            AbortOnConnectFail = false,
            // A call while disconnected fails at once rather than queueing for the timeout: a request that fails open
            // then costs nothing extra (measured in docs/decisions/0023: 0-3 ms against 500-1000 ms queued).
            BacklogPolicy = BacklogPolicy.FailFast,
            ConnectTimeout = (int)Math.Max(1000, timeout.TotalMilliseconds),
            AsyncTimeout = (int)Math.Max(1, timeout.TotalMilliseconds),
            SyncTimeout = (int)Math.Max(1, timeout.TotalMilliseconds),
            ConnectRetry = 1,
            ReconnectRetryPolicy = new ExponentialRetry(100, 2000),
            // Timeouts are checked on the heartbeat: once a second by default, which would let a call to a hung server
            // run four times its timeout; every 200 ms, a call fails at most 200 ms after its timeout. (A WaitAsync of our
            // own per call would be sharper, but costs a timer per call on the request path.)
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            KeepAlive = 5,
        };
        return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    }
}
