using Microsoft.Extensions.Logging;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway;

/// <summary>How a <see cref="GatewayHost"/> runs, beyond what the configuration file says.</summary>
public sealed record GatewayHostOptions
{
    /// <summary>Listen URLs overriding <c>server.listen</c> (e.g. <c>http://127.0.0.1:0</c> for an ephemeral port).</summary>
    public string? Urls { get; init; }

    /// <summary>Write logs to the console (the CLI does; tests do not).</summary>
    public bool ConsoleLogging { get; init; }

    /// <summary>Lowest level logged for Switchyard's own categories; the framework logs warnings and above.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;

    /// <summary>
    /// Seed of the random source behind load balancing and backoff jitter, for reproducible tests; <see langword="null"/>
    /// (the default) uses the shared, randomly seeded source.
    /// </summary>
    public int? RandomSeed { get; init; }

    /// <summary>
    /// Watch the configuration file (when it came from one) and swap in each valid new version; an invalid version is
    /// logged and the running configuration kept. On by default; SIGHUP also reloads.
    /// </summary>
    public bool WatchConfig { get; init; } = true;

    /// <summary>
    /// Whether Ctrl-C and SIGTERM stop the gateway (the console lifetime, as <c>switchyard serve</c> wants). Off for a gateway
    /// embedded in a command that handles them itself and disposes the host when it is done.
    /// </summary>
    public bool StopOnSignals { get; init; } = true;

    /// <summary>The clock; tests inject a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The request log store; when null, the store named by <c>storage:</c> is opened (the SQLite file, or PostgreSQL with
    /// its spill file). The host owns and disposes it either way.
    /// </summary>
    public IRequestLogStore? RequestLogStore { get; init; }

    /// <summary>
    /// The bootstrap admin key (an admin on <c>/admin</c> only, for creating the first admin key): by default the
    /// <c>SWITCHYARD_ADMIN_KEY</c> environment variable. At least 32 characters; a shorter one stops the start.
    /// </summary>
    public string? BootstrapAdminKey { get; init; } = Environment.GetEnvironmentVariable(Admin.AdminEndpoints.BootstrapVariable) is { Length: > 0 } key ? key : null;

    /// <summary>A log sink besides the console (tests read the gateway's warnings from it); the host does not dispose it.</summary>
    public ILoggerProvider? LogSink { get; init; }

    /// <summary>The store virtual keys are read from when the configuration requires keys; default: <c>storage:</c>'s.</summary>
    public Storage.Keys.IKeyStore? KeyStore { get; init; }

    /// <summary>The store of the Responses API's stored responses; default: <c>storage:</c>'s (SQLite or PostgreSQL).</summary>
    public Storage.Responses.IResponseStore? ResponseStore { get; init; }
}
