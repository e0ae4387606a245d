using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Storage.Audit;
using Switchyard.Storage.Escalations;
using Switchyard.Storage.Evaluation;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Models;
using Switchyard.Storage.Postgres;
using Switchyard.Storage.Postgres.Internal;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Responses;
using Switchyard.Storage.Shadow;
using Switchyard.Storage.Sql;
using Switchyard.Storage.Sqlite;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage;

/// <summary>
/// The stores of one database, as <c>storage:</c> names it: the factory the gateway and every CLI command open their keys,
/// registry, audit trail, escalation records, request log and reports, stored responses, shadow comparisons and
/// evaluation runs through.
/// </summary>
/// <remarks>
/// <code>
/// storage: { kind: sqlite, path }            ──► Sqlite* stores over one file (each store opens its own connections)
/// storage: { kind: postgres, connection_string, pool, spill }
///                                            ──► one pooled NpgsqlDataSource; the same SQL (Sql/) through it;
///                                                the request log by binary COPY with a spill file; changes by LISTEN
/// </code>
/// <see cref="OpenAsync"/> brings the schema up to date first (both databases; forward-only, never dropping data), so a
/// database written by a newer switchyard fails here, before anything is served. The stores are created on first use.
/// </remarks>
public sealed class Stores : IAsyncDisposable
{
    private readonly StorageOptions _options;
    private readonly TimeProvider _time;
    private readonly PostgresDatabase? _postgres;
    private readonly Lazy<IKeyStore> _keys;
    private readonly Lazy<IModelStore> _models;
    private readonly Lazy<IEscalationStore> _escalations;
    private readonly Lazy<ITrafficStats> _traffic;
    private readonly Lazy<IRequestLogReports> _reports;
    private readonly Lazy<IResponseStore> _responses;
    private readonly Lazy<IShadowStore> _shadow;
    private readonly Lazy<IEvalStore> _evaluation;
    private PostgresChangeListener? _listener;
    private int _disposed;

    private Stores(StorageOptions options, TimeProvider time, PostgresDatabase? postgres, (int From, int To) migration)
    {
        _options = options;
        _time = time;
        _postgres = postgres;
        Migration = migration;
        if (postgres is not null)
        {
            Description = postgres.Description;
            _keys = new(() => new SqlKeyStore(postgres));
            _models = new(() => new SqlModelStore(postgres));
            _escalations = new(() => new SqlEscalationStore(postgres, time));
            _traffic = new(() => new SqlTrafficStats(postgres));
            _reports = new(() => new SqlRequestLogReader(postgres));
            _responses = new(() => new SqlResponseStore(postgres));
            _shadow = new(() => new SqlShadowStore(postgres));
            _evaluation = new(() => new SqlEvalStore(postgres));
        }
        else
        {
            var sqlite = options.Sqlite!;
            Description = Describe(options);
            _keys = new(() => new SqliteKeyStore(sqlite, time));
            _models = new(() => new SqliteModelStore(sqlite, time));
            _escalations = new(() => new SqliteEscalationStore(sqlite, time));
            _traffic = new(() => new SqliteTrafficStats(sqlite));
            _reports = new(() => new SqlRequestLogReader(new SqliteDatabase(sqlite)));
            _responses = new(() => new SqlResponseStore(new SqliteDatabase(sqlite)));
            _shadow = new(() => new SqlShadowStore(new SqliteDatabase(sqlite)));
            _evaluation = new(() => new SqlEvalStore(new SqliteDatabase(sqlite)));
        }
    }

    /// <summary>What the stores live in, for messages: the SQLite file's path, or PostgreSQL's host, port and database (never a password).</summary>
    public string Description { get; }

    /// <summary>What <paramref name="options"/> names, as <see cref="Description"/> says it, without opening anything.</summary>
    public static string Describe(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Postgres is { } postgres
            ? DescribePostgres(postgres.ConnectionString)
            : "SQLite file " + Path.GetFullPath(options.Sqlite?.Path ?? "");
    }

    // PERF: a method of its own (never inlined) so that describing a SQLite store does not load Npgsql (about 1 MB
    // resident) for a connection string builder it does not use.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string DescribePostgres(string connectionString)
        => PostgresConnectionStrings.Parse(connectionString, out var builder) is null ? PostgresConnectionStrings.Describe(builder!) : "PostgreSQL (an unreadable connection string)";

    /// <summary>
    /// Whether <paramref name="exception"/> is a store failing (the SQLite file locked, full or newer; PostgreSQL
    /// unreachable, timing out or refusing) rather than a bug: what the gateway logs and goes on from.
    /// </summary>
    public static bool IsFailure(Exception exception) => exception is System.Data.Common.DbException or IOException or UnauthorizedAccessException
        or TimeoutException or SqliteSchemaException or PostgresSchemaException;

    /// <summary>Whether this is PostgreSQL (many instances) rather than the SQLite file.</summary>
    public bool IsPostgres => _postgres is not null;

    /// <summary>The schema version found when opening, and the version left.</summary>
    public (int From, int To) Migration { get; }

    /// <summary>Virtual keys.</summary>
    public IKeyStore Keys => _keys.Value;

    /// <summary>The model registry.</summary>
    public IModelStore Models => _models.Value;

    /// <summary>The audit trail (the same one the keys and the registry write to).</summary>
    public IAuditTrail Audit => _models.Value.Trail;

    /// <summary>Escalation records and outcome samples.</summary>
    public IEscalationStore Escalations => _escalations.Value;

    /// <summary>The request log as time series.</summary>
    public ITrafficStats Traffic => _traffic.Value;

    /// <summary>Cost summaries and tokens served, summed by the database.</summary>
    public IRequestLogReports Reports => _reports.Value;

    /// <summary>The Responses API's stored responses (<c>previous_response_id</c>): on PostgreSQL, every instance's.</summary>
    public IResponseStore Responses => _responses.Value;

    /// <summary>Shadow comparisons and their daily counters.</summary>
    public IShadowStore Shadow => _shadow.Value;

    /// <summary>Evaluation runs and their results (<c>switchyard eval</c>).</summary>
    public IEvalStore Evaluation => _evaluation.Value;

    /// <summary>The changes other instances make, once <see cref="StartListening"/> ran (PostgreSQL only).</summary>
    public StoreChanges? Changes { get; private set; }

    /// <summary>Opens the stores <paramref name="options"/> names, migrating the schema first.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    /// <exception cref="SqliteSchemaException">The SQLite file was written by a newer switchyard.</exception>
    /// <exception cref="PostgresSchemaException">The PostgreSQL schema is newer, or the search path names no schema.</exception>
    /// <exception cref="Npgsql.NpgsqlException">PostgreSQL could not be reached (or refused the login).</exception>
    public static async Task<Stores> OpenAsync(StorageOptions options, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid storage options: " + string.Join(" ", errors), nameof(options));
        }

        if (options.Postgres is { } postgresOptions)
        {
            var database = new PostgresDatabase(postgresOptions);
            try
            {
                var migration = await database.MigrateAsync(time, cancellationToken).ConfigureAwait(false);
                return new Stores(options, time, database, migration);
            }
            catch
            {
                await database.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        return new Stores(options, time, null, MigrateSqlite(options.Sqlite!, time));
    }

    /// <summary>
    /// A request log store for the gateway's writer (the caller owns it: initialise, then dispose after the writer):
    /// SQLite's prepared inserts, or PostgreSQL's binary COPY with the spill file.
    /// </summary>
    public IRequestLogStore CreateRequestLogStore(ILogger? logger = null) => _postgres is { } postgres
        ? new PostgresRequestLogStore(postgres, _options.Spill, _time, logger ?? NullLogger.Instance)
        : new SqliteRequestLogStore(_options.Sqlite!, _time);

    /// <summary>
    /// Starts listening for the changes other instances make (PostgreSQL's <c>LISTEN</c>); <see langword="null"/> for
    /// SQLite, whose readers poll. The listener reconnects by itself and stops when the stores are disposed.
    /// </summary>
    public StoreChanges? StartListening(ILogger? logger = null)
    {
        if (_postgres is null)
        {
            return null;
        }

        if (Changes is null)
        {
            Changes = new StoreChanges();
            _listener = new PostgresChangeListener(_postgres, Changes, _time, logger ?? NullLogger.Instance);
        }

        return Changes;
    }

    /// <summary>Completes once the change listener listens (for tests and a start that wants to be sure).</summary>
    public Task ListeningAsync(CancellationToken cancellationToken = default) => _listener?.Listening.WaitAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Stops the listener and closes PostgreSQL's pool; SQLite stores hold nothing open between calls.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
            _listener = null;
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static (int From, int To) MigrateSqlite(SqliteStoreOptions options, TimeProvider time)
    {
        using var connection = SqliteConnectionFactory.Open(options);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations';";
        var from = 0;
        if (Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
        {
            command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;";
            from = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        SqliteMigrations.Apply(connection, Path.GetFullPath(options.Path), time);
        return (from, Math.Max(from, SqliteMigrations.LatestVersion));
    }
}
