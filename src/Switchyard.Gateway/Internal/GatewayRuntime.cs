using System.Text.Json;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Diagnostics;
using Switchyard.Gateway.Routing;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway.Internal;

/// <summary>
/// What the request path reads: the current configuration snapshot (configuration, route table, <c>/v1/models</c>
/// answer) and the request log writer. A new configuration is swapped in atomically as a whole new snapshot; a request
/// keeps the snapshot it started with to the end, and a snapshot's retired deployments are disposed once no request
/// uses it any more.
/// </summary>
internal sealed class GatewayRuntime : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private volatile RuntimeSnapshot _current;

    public GatewayRuntime(GatewayConfig config, RequestLogWriter? requestLog, TimeProvider time, ILogger? logger = null)
    {
        _time = time;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        RequestLog = requestLog;
        _current = new RuntimeSnapshot(config, new RouteTable(config, time, null, OnDeploymentChange), BuildModelsJson(config.Routes.Select(r => r.Name), time.GetUtcNow()));
        Budgets.Configure(config, time.GetUtcNow());
        RateLimits = new Auth.KeyRateLimiter(time);
        Limits = new Limits.MemoryLimitCounters(RateLimits);
    }

    /// <summary>The budgets' ledgers, kept across reloads.</summary>
    public Economics.Budgets.BudgetBook Budgets { get; } = new();

    /// <summary>Requests and tokens per minute of each key, in this process.</summary>
    public Auth.KeyRateLimiter RateLimits { get; private init; } = null!;

    /// <summary>
    /// Where rate limits and budgets are counted: <see cref="RateLimits"/> and <see cref="Budgets"/> in this process, or
    /// Redis (<c>limits: redis</c>, set by the host at startup).
    /// </summary>
    public Limits.ILimitCounters Limits { get; set; }

    /// <summary>The response cache (<c>routes.NAME.cache</c>); set by the host at startup.</summary>
    public Caching.ResponseCache? Cache { get; set; }

    /// <summary>The counters and histograms of <c>/metrics</c>; <see langword="null"/> when <c>metrics.enabled</c> is false.</summary>
    public Diagnostics.Metrics.GatewayMetrics? Metrics { get; init; }

    /// <summary>The snapshot new requests get.</summary>
    public RuntimeSnapshot Current => _current;

    public GatewayConfig Config => _current.Config;

    public RouteTable Routes => _current.Routes;

    /// <summary>The <c>GET /v1/models</c> body: every route, as OpenAI lists models.</summary>
    public byte[] ModelsJson => _current.ModelsJson;

    public RequestLogWriter? RequestLog { get; }

    /// <summary>Shadow traffic's queues and workers (set once, when the host starts).</summary>
    public Shadow.ShadowDispatcher? Shadow { get; set; }

    /// <summary>
    /// The request log's spill file (PostgreSQL only: rows waiting while it is down), for <c>/healthz</c> and the metrics;
    /// <see langword="null"/> on SQLite.
    /// </summary>
    public Func<Storage.Postgres.RequestLogSpillStats>? RequestLogSpill { get; init; }

    /// <summary>
    /// Whether the store's change listener is listening (PostgreSQL: revocations and registry decisions of other instances
    /// arrive at once); <see langword="null"/> on SQLite, where they arrive by the one-second poll.
    /// </summary>
    public Func<bool>? StoreListening { get; init; }

    /// <summary>The random source of balancing and backoff jitter (thread-safe).</summary>
    public Random Random { get; init; } = Random.Shared;

    /// <summary>How many times a new configuration was swapped in.</summary>
    public int Generation => _current.Generation;

    /// <summary>Takes the current snapshot for one request; pair with <see cref="Release"/>.</summary>
    public RuntimeSnapshot Acquire()
    {
        while (true)
        {
            var snapshot = _current;
            Interlocked.Increment(ref snapshot.Users);
            if (ReferenceEquals(snapshot, _current))
            {
                return snapshot;
            }

            // Swapped out between the read and the increment: use the new one (this one may already be retired).
            Release(snapshot);
        }
    }

    public void Release(RuntimeSnapshot snapshot)
    {
        if (Interlocked.Decrement(ref snapshot.Users) == 0 && snapshot.Successor is { } successor)
        {
            snapshot.Retire(successor);
        }
    }

    /// <summary>
    /// Swaps in <paramref name="config"/>: deployments whose configuration did not change are carried over with their
    /// connections, circuit breakers and latency averages; the others are disposed when the last request on the old
    /// snapshot finishes. Sections read only at startup (server, storage, request_log, metrics, telemetry, limits, cache) are reported, not applied.
    /// </summary>
    public IReadOnlyList<string> Reload(GatewayConfig config)
    {
        lock (_reloadLock)
        {
            var old = _current;
            var notes = new List<string>();
            if (config.Server != old.Config.Server)
            {
                notes.Add("server: changes take effect after a restart");
            }

            if (config.Storage != old.Config.Storage || config.RequestLog != old.Config.RequestLog)
            {
                notes.Add("storage and request_log: changes take effect after a restart");
            }

            if (config.Limits != old.Config.Limits || config.Cache != old.Config.Cache)
            {
                notes.Add("limits and cache: changes take effect after a restart (routes' cache settings apply now)");
            }

            if (config.Metrics != old.Config.Metrics || !config.Telemetry.SameAs(old.Config.Telemetry))
            {
                notes.Add("metrics and telemetry: changes take effect after a restart");
            }

            var effective = config with
            {
                Server = old.Config.Server, Storage = old.Config.Storage, RequestLog = old.Config.RequestLog,
                Metrics = old.Config.Metrics, Telemetry = old.Config.Telemetry,
                Limits = old.Config.Limits, Cache = old.Config.Cache,
            };
            var next = new RuntimeSnapshot(effective, new RouteTable(effective, _time, old.Routes, OnDeploymentChange), BuildModelsJson(effective.Routes.Select(r => r.Name), _time.GetUtcNow()))
            {
                Generation = old.Generation + 1,
            };
            old.Successor = next;
            Budgets.Configure(effective, _time.GetUtcNow());
            _current = next;
            // The swap's own reference: once it is dropped, the last request to finish retires the old snapshot.
            Release(old);
            return notes;
        }
    }

    private void OnDeploymentChange(string deployment, string state) => GatewayLog.DeploymentStateChanged(_logger, deployment, state);

    /// <summary>A <c>GET /v1/models</c> body listing only <paramref name="routes"/> (what one key may use).</summary>
    public byte[] ModelsJsonFor(IEnumerable<string> routes) => BuildModelsJson(routes, _time.GetUtcNow());

    private static byte[] BuildModelsJson(IEnumerable<string> routes, DateTimeOffset now)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var route in routes)
            {
                writer.WriteStartObject();
                writer.WriteString("id", route);
                writer.WriteString("object", "model");
                writer.WriteNumber("created", now.ToUnixTimeSeconds());
                writer.WriteString("owned_by", "switchyard");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    public void Dispose()
    {
        var current = _current;
        current.Routes.Retire(null);
    }
}

/// <summary>One configuration as the request path uses it.</summary>
internal sealed class RuntimeSnapshot(GatewayConfig config, RouteTable routes, byte[] modelsJson)
{
    /// <summary>Requests using this snapshot, plus one while it is current.</summary>
    public int Users = 1;

    private int _retired;

    public GatewayConfig Config { get; } = config;

    public RouteTable Routes { get; } = routes;

    public byte[] ModelsJson { get; } = modelsJson;

    public int Generation { get; init; }

    /// <summary>The snapshot that replaced this one.</summary>
    public RuntimeSnapshot? Successor { get; set; }

    public void Retire(RuntimeSnapshot successor)
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0)
        {
            Routes.Retire(successor.Routes);
        }
    }
}
