using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Diagnostics;
using Switchyard.Gateway.Diagnostics.Metrics;
using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Internal;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway;

/// <summary>
/// A running gateway: Kestrel serving the OpenAI-compatible API for one <see cref="GatewayConfig"/>, with its request
/// log. <c>switchyard serve</c>, <c>switchyard demo</c> and the functional tests all start it through here.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    /// <summary>How long a start waits for the store's change listener (PostgreSQL) before serving without it.</summary>
    private static readonly TimeSpan ListenBeforeServing = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly GatewayRuntime _runtime;
    private readonly RequestLogWriter? _requestLog;
    private readonly IRequestLogStore? _store;
    private readonly Storage.Stores _stores;
    private readonly ILoggerFactory _writerLoggerFactory;
    private bool _disposed;
    private ConfigWatcher? _watcher;
    private Governance.RegistryGate? _registry;
    private Diagnostics.Metrics.MetricsListener? _metricsListener;
    private OpenTelemetry.Trace.TracerProvider? _tracing;
    private SharedStores? _shared;

    private GatewayHost(WebApplication app, GatewayRuntime runtime, RequestLogWriter? requestLog, IRequestLogStore? store, Storage.Stores stores, ILoggerFactory writerLoggerFactory, IReadOnlyList<Uri> urls)
    {
        _app = app;
        _runtime = runtime;
        _requestLog = requestLog;
        _store = store;
        _stores = stores;
        _writerLoggerFactory = writerLoggerFactory;
        Urls = urls;
    }

    /// <summary>The addresses Kestrel listens on, with real ports.</summary>
    public IReadOnlyList<Uri> Urls { get; }

    /// <summary>The first listen address; clients use <c>{BaseAddress}v1</c> as their OpenAI base URL.</summary>
    public Uri BaseAddress => Urls[0];

    /// <summary>
    /// The URL of the Prometheus metrics (<c>metrics.path</c> on the main listener, or on <c>metrics.listen</c>), or
    /// <see langword="null"/> when metrics are disabled.
    /// </summary>
    public Uri? MetricsUrl { get; private init; }

    /// <summary>The configuration being served (the latest swapped in).</summary>
    public GatewayConfig Config => _runtime.Config;

    /// <summary>How many times a new configuration was swapped in since the start.</summary>
    public int ConfigGeneration => _runtime.Generation;

    /// <summary>Re-reads the configuration file now (as a change to it or SIGHUP does); false when nothing new was swapped in.</summary>
    public bool ReloadConfig() => _watcher?.ReloadNow() ?? false;

    /// <summary>Reads the registry's statuses now (as the gateway does every second): a revoked model leaves routing.</summary>
    public void RefreshRegistry() => _registry?.Refresh();

    /// <summary>Every endpoint mapped (for tests that hold documents such as the admin API's OpenAPI to what is served).</summary>
    internal IReadOnlyList<Microsoft.AspNetCore.Http.Endpoint> Endpoints => _app.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints;

    /// <summary>Shadow traffic: its counters, and a wait until every comparison is stored.</summary>
    internal Shadow.ShadowDispatcher Shadow => _runtime.Shadow!;

    /// <summary>The request log writer, when the log is enabled.</summary>
    public RequestLogWriter? RequestLog => _requestLog;

    /// <summary>The response cache requests use (tests put a store of their own in front of its store).</summary>
    internal Caching.ResponseCache? ResponseCache
    {
        get => _runtime.Cache;
        set => _runtime.Cache = value;
    }

    /// <summary>Requests being handled now (read, routed, upstream or answering, not yet in the request log).</summary>
    public int RequestsInFlight => _app.Services.GetRequiredService<RequestForwarder>().InFlight;

    /// <summary>
    /// Waits until no request is being handled, then until the request log has written what was queued: afterwards the
    /// log holds every request whose answer a client has read. (A client can read a whole answer a moment before its
    /// entry is queued.)
    /// </summary>
    public async Task FlushRequestLogAsync(CancellationToken cancellationToken = default)
    {
        await _app.Services.GetRequiredService<RequestForwarder>().WhenIdleAsync().WaitAsync(cancellationToken);
        if (_requestLog is not null)
        {
            await _requestLog.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Opens the store, binds the listeners and starts serving.</summary>
    public static async Task<GatewayHost> StartAsync(GatewayConfig config, GatewayHostOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        options ??= new GatewayHostOptions();
        var time = options.TimeProvider;
        if (options.BootstrapAdminKey is { Length: < Admin.AdminEndpoints.MinBootstrapLength } shortKey)
        {
            // SECURITY: a short bootstrap key would be guessable, and one silently ignored leaves the operator locked out
            // wondering why: either way, say so and do not start.
            throw new ConfigException([new ConfigError("(environment)", 0, 0, Admin.AdminEndpoints.BootstrapVariable,
                $"is {shortKey.Length} characters; the bootstrap admin key must be at least {Admin.AdminEndpoints.MinBootstrapLength} (e.g. openssl rand -base64 32), or unset.")]);
        }

        // The store first (PostgreSQL is migrated here, under its advisory lock): a database this build cannot use stops the
        // start before anything listens.
        var stores = await Storage.Stores.OpenAsync(config.Storage.ToOptions(), time, cancellationToken);
        try
        {
            return await StartAsync(config, options, stores, cancellationToken);
        }
        catch
        {
            await stores.DisposeAsync();
            throw;
        }
    }

    private static async Task<GatewayHost> StartAsync(GatewayConfig config, GatewayHostOptions options, Storage.Stores stores, CancellationToken cancellationToken)
    {
        var time = options.TimeProvider;

        // Only approved models are served: checked before anything starts, so a refused configuration leaves nothing running.
        Storage.Models.IModelStore? models = null;
        List<string> registryWarnings = [];
        if (config.Registry.Enforcement != RegistryEnforcement.Off)
        {
            models = stores.Models;
            var (errors, warnings) = Governance.RegistryGate.Check(config, Registry.Workflow.ModelRegistry.Standings(models), models.Find);
            if (errors.Count > 0)
            {
                throw new ConfigException([.. errors]);
            }

            registryWarnings = warnings;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Switchyard" });
        builder.Logging.ClearProviders();
        AddConsole(builder.Logging, options);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Switchyard", options.MinimumLogLevel);
        // PERF: when this category can log at all, ASP.NET Core creates an Activity and a log scope for every request
        // (about a tenth of the gateway's allocations). Its events (request start/finish) duplicate the request log.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.WebHost.UseUrls((options.Urls ?? config.Server.Listen).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        // PERF: when socket completions run inline (the CLI turns them on, docs/decisions/0004), Kestrel runs requests on
        // those threads too instead of queueing each to the thread pool: no wake-up between reading a request and
        // handling it. Safe for the same reason: nothing on the request path blocks.
        var inline = Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") == "1";
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = inline);
        var certificate = config.Server.Tls is { } tls ? Configuration.Internal.TlsCertificates.Load(tls) : null;
        if (certificate is not null)
        {
            // The slim builder leaves HTTPS out; it is wired in only when a certificate is configured.
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The body limit is enforced by the forwarder, which answers 413 in OpenAI's format; Kestrel's own check
            // would answer with an empty page.
            kestrel.Limits.MaxRequestBodySize = null;
            // Header limits and slow-client protection, stated (these are Kestrel's values, documented in the README): a
            // client that trickles its headers or body is cut off instead of holding a connection and a request slot.
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestHeaderCount = 100;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(30);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(130);
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
            if (certificate is not null)
            {
                // https:// listen URLs terminate TLS here; HTTP/2 is offered by ALPN next to HTTP/1.1.
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
                kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http1AndHttp2);
            }
        });

        // The request log writer starts before the web host is built, so it gets a logger factory of its own.
        var loggerFactory = LoggerFactory.Create(logging =>
        {
            AddConsole(logging, options);
            logging.SetMinimumLevel(options.MinimumLogLevel);
        });

        RequestLogWriter? requestLog = null;
        IRequestLogStore? store = null;
        if (config.RequestLog.Enabled)
        {
            store = options.RequestLogStore ?? stores.CreateRequestLogStore(loggerFactory.CreateLogger("Switchyard.RequestLog"));
            await store.InitializeAsync(cancellationToken);
            requestLog = new RequestLogWriter(
                store,
                new RequestLogWriterOptions
                {
                    Capacity = config.RequestLog.QueueCapacity,
                    BatchSize = config.RequestLog.BatchSize,
                    FlushInterval = config.RequestLog.FlushInterval,
                },
                loggerFactory.CreateLogger<RequestLogWriter>(),
                time);
        }

        var changes = stores.StartListening(loggerFactory.CreateLogger("Switchyard.Storage"));
        if (changes is not null)
        {
            // Serve only once revocations from other instances are heard (PostgreSQL answered the migrations a moment ago,
            // so this is one round trip). If it takes longer, start anyway: the listener keeps trying, and the one-second
            // reads cover the gap. Real time, not the injected clock: this bounds a network wait.
            try
            {
                await stores.ListeningAsync(cancellationToken).WaitAsync(ListenBeforeServing, cancellationToken);
            }
            catch (TimeoutException)
            {
                GatewayLog.NotYetListening(loggerFactory.CreateLogger("Switchyard.Storage"), ListenBeforeServing.TotalSeconds);
            }
        }

        var runtime = new GatewayRuntime(config, requestLog, time, loggerFactory.CreateLogger("Switchyard.Routing"))
        {
            Random = options.RandomSeed is { } seed ? new LockedRandom(seed) : Random.Shared,
            Metrics = config.Metrics.Enabled ? new Diagnostics.Metrics.GatewayMetrics(time) : null,
            RequestLogSpill = store is Storage.Postgres.PostgresRequestLogStore postgres ? postgres.SpillStats : null,
            StoreListening = changes is null ? null : () => changes.Listening,
        };
        if (store is IRequestLogReports reports)
        {
            runtime.Budgets.Seeder = (budget, since) => reports.SummarizeCosts([], since, null, budget.Route, budget.Team, budget.Key).Sum(r => r.Spent);
            // Budgets continue where the last run left them: what this window already spent is in the request log (on
            // PostgreSQL, what every instance spent).
            foreach (var ledger in runtime.Budgets.All)
            {
                ledger.Seed(reports.SummarizeCosts([], ledger.WindowStart, null, ledger.Config.Route, ledger.Config.Team, ledger.Config.Key).Sum(r => r.Spent));
            }

            // Measured prices continue from the throughput the request log says each server served in its window.
            var snapshot = runtime.Acquire();
            SeedMeters(snapshot, reports, time.GetUtcNow());
            runtime.Release(snapshot);
        }

        // Shadow comparisons go to the store storage: names (on PostgreSQL, every instance's to the same tables).
        runtime.Shadow = new Shadow.ShadowDispatcher(time, loggerFactory.CreateLogger("Switchyard.Shadow"), () => stores.Shadow);
        if (!options.StopOnSignals)
        {
            builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        }

        // Limits and the cache: in this process, or in Redis (connected without waiting for it: requests follow
        // limits.on_failure until it answers).
        var shared = await SharedStores.StartAsync(config, runtime, time, loggerFactory);
        builder.Services.AddSingleton(runtime);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<RequestForwarder>();

        var app = builder.Build();
        // Keys are read only when a configuration requires them (a reload may turn them on), so a gateway without keys
        // never opens a key store.
        var keyStore = new Lazy<Storage.Keys.IKeyStore>(() => options.KeyStore ?? stores.Keys);
        var authenticator = new Lazy<Auth.KeyAuthenticator>(() => new Auth.KeyAuthenticator(keyStore.Value, time));
        Governance.RegistryGate? gate = null;
        if (changes is not null)
        {
            // Another instance revoked a key or decided on a model: act now, not at the next second's read.
            changes.Changed += change =>
            {
                if (change.Kind == Storage.StoreChangeKind.Key)
                {
                    if (authenticator.IsValueCreated)
                    {
                        authenticator.Value.Forget(change.Id);
                    }
                }
                else
                {
                    Volatile.Read(ref gate)?.RefreshSoon();
                }
            };
            changes.Resynchronised += () =>
            {
                if (authenticator.IsValueCreated)
                {
                    authenticator.Value.ForgetAll();
                }

                Volatile.Read(ref gate)?.RefreshSoon();
            };
        }

        app.UseClientKeys(runtime, () => authenticator.Value);
        app.MapOpenAIEndpoints();
        Api.Anthropic.AnthropicEndpoints.MapAnthropicEndpoints(app);
        // Stored responses are the store's (on PostgreSQL, one instance's are continued on any other), opened on first use.
        var responses = new Api.Responses.ResponseStorage(() => options.ResponseStore ?? stores.Responses, time, loggerFactory.CreateLogger("Switchyard.Responses"));
        Api.Responses.ResponsesEndpoints.MapResponsesEndpoints(app, responses);
        Admin.AdminEndpoints.MapAdminEndpoints(app, runtime, () => keyStore.Value, () => authenticator.Value, () => store, stores, options.BootstrapAdminKey, time);
        app.MapHealthEndpoints();
        var metrics = runtime.Metrics;
        int InFlight() => app.Services.GetRequiredService<RequestForwarder>().InFlight;
        if (metrics is not null && config.Metrics.Listen is null)
        {
            app.MapMetricsEndpoint(metrics, runtime, InFlight, () => authenticator.Value, options.BootstrapAdminKey);
        }

        // Traces start before the first request can arrive, and stop after the last one (DisposeAsync flushes them).
        Dashboard.DashboardEndpoints.MapDashboard(app);
        var tracing = Diagnostics.Tracing.TraceExport.Start(config.Telemetry);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            tracing?.Dispose();
            // The shadow's writer is a background task: a gateway that never started must not leave it running.
            await runtime.Shadow.DisposeAsync();
            await shared.DisposeAsync();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var urls = addresses.Select(a => new Uri(a.EndsWith('/') ? a : a + "/")).ToArray();
        Diagnostics.Metrics.MetricsListener? metricsListener = null;
        if (metrics is not null && config.Metrics.Listen is { } metricsListen)
        {
            try
            {
                metricsListener = await Diagnostics.Metrics.MetricsListener.StartAsync(metricsListen, metrics, runtime, InFlight, () => authenticator.Value, options.BootstrapAdminKey, cancellationToken);
            }
            catch
            {
                // The metrics port is taken (say): nothing of this start is left running.
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
                tracing?.Dispose();
                await runtime.Shadow.DisposeAsync();
                await shared.DisposeAsync();
                throw;
            }
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<GatewayHost>();
        GatewayLog.Listening(logger, string.Join(", ", addresses), runtime.Routes.RouteNames.Length, runtime.Routes.Deployments.Length);
        var registryLogger = loggerFactory.CreateLogger("Switchyard.Registry");
        foreach (var warning in registryWarnings)
        {
            GatewayLog.RegistryWarning(registryLogger, warning);
        }

        Volatile.Write(ref gate, models is null ? null : new Governance.RegistryGate(models, runtime, time, registryLogger));
        var watcher = options.WatchConfig && config.SourcePath is { } source
            ? new ConfigWatcher(source, runtime, loggerFactory.CreateLogger("Switchyard.Configuration")) { Registry = gate }
            : null;
        if (watcher is not null && metrics is not null)
        {
            watcher.Reloaded += metrics.ConfigReloaded;
        }

        var metricsUrl = metrics is null ? null : new Uri(metricsListener?.Url ?? urls[0], config.Metrics.Path.TrimStart('/'));
        return new GatewayHost(app, runtime, requestLog, store, stores, loggerFactory, urls)
        {
            _watcher = watcher, _registry = gate, _metricsListener = metricsListener, _tracing = tracing, MetricsUrl = metricsUrl, _shared = shared,
        };
    }

    /// <summary>Counts into each measured deployment's meter what the request log says it served in its window.</summary>
    private static void SeedMeters(Internal.RuntimeSnapshot snapshot, IRequestLogReports store, DateTimeOffset now)
    {
        var measured = snapshot.Routes.Deployments.Where(d => d.Meter is not null).ToList();
        if (measured.Count == 0)
        {
            return;
        }

        var longest = measured.Max(d => (d.Config.Pricing ?? d.Base?.Config.Pricing)!.Window);
        var byName = measured.ToDictionary(d => d.Name, StringComparer.Ordinal);
        foreach (var (deployment, minute, tokens) in store.TokensServedByMinute(now - longest - TimeSpan.FromMinutes(1), now))
        {
            if (byName.TryGetValue(deployment, out var served))
            {
                served.Meter!.Add(tokens, DateTimeOffset.FromUnixTimeSeconds(minute * 60));
            }
        }
    }

    private static void AddConsole(ILoggingBuilder logging, GatewayHostOptions options)
    {
        if (options.LogSink is { } sink)
        {
            logging.AddProvider(new Internal.UndisposedLoggerProvider(sink));
        }

        if (options.ConsoleLogging)
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }
    }

    /// <summary>Completes when the host is asked to stop (Ctrl-C, SIGTERM) or <paramref name="cancellationToken"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops taking requests, lets those in flight finish, then drains the request log.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _watcher?.Dispose();
        _registry?.Dispose();
        try
        {
            if (_metricsListener is not null)
            {
                await _metricsListener.DisposeAsync();
            }

            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
            // Every request has ended: its spans are exported before the process goes, and its settlements were made.
            _tracing?.Dispose();
            if (_runtime.Shadow is { } shadow)
            {
                await shadow.DisposeAsync();
            }

            if (_shared is not null)
            {
                await _shared.DisposeAsync();
            }

            if (_requestLog is not null)
            {
                await _requestLog.DisposeAsync();
            }

            if (_store is not null)
            {
                await _store.DisposeAsync();
            }

            await _stores.DisposeAsync();

            _writerLoggerFactory.Dispose();

            _runtime.Dispose();
        }
    }
}
