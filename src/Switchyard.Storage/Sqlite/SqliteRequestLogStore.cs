using System.Text;
using Microsoft.Data.Sqlite;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>The request log in the embedded SQLite database (table <c>request_log</c>).</summary>
/// <remarks>
/// <para>
/// One long-lived connection writes (the writer task is the only caller of <see cref="WriteBatchAsync(IReadOnlyList{RequestLogEntry}, bool, CancellationToken)"/>); each query opens
/// its own short-lived connection, which WAL mode lets run beside the writer. Times are stored as unix milliseconds (UTC):
/// sub-millisecond precision and the original offset are dropped, order and <see cref="RequestLogQuery.Since"/> stay exact.
/// </para>
/// <para>
/// Microsoft.Data.Sqlite has no asynchronous I/O: its async methods run synchronously. This store does the same and returns
/// completed tasks; callers keep it off the request path (the <see cref="RequestLogWriter"/> task, a CLI command).
/// </para>
/// </remarks>
public sealed class SqliteRequestLogStore : IRequestLogStore
{
    private const string SelectSql = """
        SELECT ts_unix_ms, request_id, endpoint, route, deployment, attempts, status, stream,
               latency_ms, ttft_ms, input_tokens, output_tokens, error_type, error_message,
               tier, label, confidential, fallback_reason, attempts_json,
               quality_score, quality_failed, escalated_from, rule, router_score,
               cost_usd, extra_cost_usd, baseline_cost_usd, usage_estimated, key_id, team
        FROM request_log
        """;

    private readonly SqliteStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private SqliteConnection? _connection;
    // About 0.04 ms of inserts at this machine's ~200k rows/s.
    private const int RowsBetweenYields = 8;

    private RequestLogInsertCommand? _insert;
    private bool _disposed;

    /// <summary>Creates the store; nothing is opened until <see cref="InitializeAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public SqliteRequestLogStore(SqliteStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid SQLite store options: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _timeProvider = timeProvider;
        DatabasePath = Path.GetFullPath(options.Path);
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc/>
    /// <remarks>Opens the write connection, creating the file and its folder if needed, and applies pending migrations.</remarks>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is null)
            {
                var connection = SqliteConnectionFactory.Open(_options);
                try
                {
                    SqliteMigrations.Apply(connection, DatabasePath, _timeProvider);
                    _insert = new RequestLogInsertCommand(connection);
                }
                catch
                {
                    connection.Dispose();
                    throw;
                }

                _connection = connection;
            }
            else
            {
                SqliteMigrations.Apply(_connection, DatabasePath, _timeProvider);
            }

            return Task.CompletedTask;
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One <c>BEGIN IMMEDIATE</c> transaction per batch and one prepared <c>INSERT</c> re-bound per row. A database locked by
    /// another writer fails with <see cref="SqliteException"/> <c>SQLITE_BUSY</c> (5) after <see cref="SqliteStoreOptions.BusyTimeout"/>;
    /// nothing of the batch is kept on any failure.
    /// </remarks>
    public Task WriteBatchAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken)
        => WriteBatchAsync(batch, yieldToRequests: false, cancellationToken);

    /// <inheritdoc/>
    public Task WriteBatchAsync(IReadOnlyList<RequestLogEntry> batch, bool yieldToRequests, CancellationToken cancellationToken)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(batch);
            WriteBatch(batch, yieldToRequests, cancellationToken);
            return Task.CompletedTask;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Ordered by time, then by insertion order, both descending. Works without <see cref="InitializeAsync"/> on a migrated file.</remarks>
    public Task<IReadOnlyList<RequestLogEntry>> QueryAsync(RequestLogQuery query, CancellationToken cancellationToken)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(query);
            return Task.FromResult(Query(query, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<RequestLogEntry>>(cancellationToken);
        }
        catch (Exception exception)
        {
            return Task.FromException<IReadOnlyList<RequestLogEntry>>(exception);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            _insert?.Dispose();
            _connection?.Dispose();
            _insert = null;
            _connection = null;
        }

        return ValueTask.CompletedTask;
    }

    private void WriteBatch(IReadOnlyList<RequestLogEntry> batch, bool yieldToRequests, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connection is null || _insert is null)
        {
            throw new InvalidOperationException("Call InitializeAsync before WriteBatchAsync.");
        }

        if (batch.Count == 0)
        {
            return;
        }

        // IMMEDIATE takes the write lock up front: a locked database fails here, before any row is bound.
        using var transaction = _connection.BeginTransaction(deferred: false);
        for (var i = 0; i < batch.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _insert.Execute(batch[i]);
            if (batch[i].Escalation is { } escalation)
            {
                // Rare (an escalation), so a plain parameterised command in the same transaction: both rows or neither.
                SqliteEscalationStore.Insert(_connection, escalation);
                if (batch[i].Tags is { } tags)
                {
                    SqliteEscalationStore.SetTags(_connection, escalation.RequestId, tags);
                }
            }

            if (batch[i].Sample is { } sample)
            {
                SqliteEscalationStore.Insert(_connection, sample);
            }

            if (yieldToRequests && (i + 1) % RowsBetweenYields == 0)
            {
                // PERF: a batch is milliseconds of CPU in one burst; on a busy core the scheduler lets a woken request
                // thread wait up to about a millisecond before it preempts, which showed as the gateway's p99. Giving
                // the core up every few rows bounds that wait to a fraction of a millisecond (a no-op when idle). Only
                // while the writer keeps up: yielding loses the writer its share of a saturated core.
                Thread.Yield();
            }
        }

        transaction.Commit();
    }

    /// <summary>
    /// The request log's costs between <paramref name="since"/> (inclusive) and <paramref name="until"/> (exclusive), summed
    /// by SQLite per group of <paramref name="by"/> (no dimension: one row for everything), ordered by the groups' keys.
    /// </summary>
    public IReadOnlyList<CostSummaryRow> SummarizeCosts(IReadOnlyList<CostDimension> by, DateTimeOffset? since, DateTimeOffset? until, string? route = null, string? team = null, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(by);
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        var keys = by.Select(d => d switch
        {
            CostDimension.Route => "COALESCE(route, '-')",
            CostDimension.Tier => "COALESCE(tier, '-')",
            CostDimension.Deployment => "COALESCE(deployment, '-')",
            CostDimension.Team => "COALESCE(team, '-')",
            CostDimension.Key => "COALESCE(key_id, '-')",
            _ => "strftime('%Y-%m-%d', ts_unix_ms / 1000, 'unixepoch')",
        }).ToArray();
        var select = keys.Length == 0 ? "" : string.Join(", ", keys.Select((k, i) => $"{k} AS k{i}")) + ", ";
        var sql = new StringBuilder($"""
            SELECT {select}COUNT(*),
                   SUM(CASE WHEN status BETWEEN 200 AND 299 AND cost_usd IS NULL THEN 1 ELSE 0 END),
                   COALESCE(SUM(CASE WHEN status BETWEEN 200 AND 299 THEN input_tokens END), 0),
                   COALESCE(SUM(CASE WHEN status BETWEEN 200 AND 299 THEN output_tokens END), 0),
                   COALESCE(SUM(cost_usd), 0), COALESCE(SUM(extra_cost_usd), 0), COALESCE(SUM(baseline_cost_usd), 0)
            FROM request_log
            WHERE 1 = 1
            """);
        if (since is { } from)
        {
            sql.Append("\n  AND ts_unix_ms >= $since");
            command.Parameters.AddWithValue("$since", from.ToUnixTimeMilliseconds());
        }

        if (until is { } to)
        {
            sql.Append("\n  AND ts_unix_ms < $until");
            command.Parameters.AddWithValue("$until", to.ToUnixTimeMilliseconds());
        }

        if (route is not null)
        {
            sql.Append("\n  AND route = $route");
            command.Parameters.AddWithValue("$route", route);
        }

        if (team is not null)
        {
            sql.Append("\n  AND team = $team");
            command.Parameters.AddWithValue("$team", team);
        }

        if (key is not null)
        {
            sql.Append("\n  AND key_id = $key");
            command.Parameters.AddWithValue("$key", key);
        }

        if (keys.Length > 0)
        {
            var groups = string.Join(", ", keys.Select((_, i) => $"k{i}"));
            sql.Append($"\nGROUP BY {groups}\nORDER BY {groups}");
        }

        command.CommandText = sql.Append(';').ToString();
        var rows = new List<CostSummaryRow>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var at = keys.Length;
            if (reader.GetInt64(at) == 0)
            {
                // No row at all (the ungrouped query still answers one).
                continue;
            }

            rows.Add(new CostSummaryRow
            {
                Keys = [.. Enumerable.Range(0, keys.Length).Select(i => reader.IsDBNull(i) ? "-" : reader.GetString(i))],
                Requests = reader.GetInt64(at),
                Uncosted = reader.GetInt64(at + 1),
                InputTokens = reader.GetInt64(at + 2),
                OutputTokens = reader.GetInt64(at + 3),
                Cost = reader.GetDouble(at + 4),
                ExtraCost = reader.GetDouble(at + 5),
                BaselineCost = reader.GetDouble(at + 6),
            });
        }

        return rows;
    }

    private IReadOnlyList<RequestLogEntry> Query(RequestLogQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, nameof(query));

        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();

        // Only the shape of the SQL varies (which fixed predicates apply, so SQLite can pick the matching index); every
        // value travels as a parameter.
        var sql = new StringBuilder(SelectSql);
        var keyword = "\nWHERE ";
        void Where(string predicate)
        {
            sql.Append(keyword).Append(predicate);
            keyword = "\n  AND ";
        }

        if (query.Route is not null)
        {
            Where("route = $route");
            command.Parameters.AddWithValue("$route", query.Route);
        }

        if (query.Deployment is not null)
        {
            Where("deployment = $deployment");
            command.Parameters.AddWithValue("$deployment", query.Deployment);
        }

        if (query.Since is { } since)
        {
            // Stored times are truncated to the millisecond, so truncating the bound keeps "at or after" exact.
            Where("ts_unix_ms >= $since");
            command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        }

        if (query.ErrorsOnly)
        {
            Where("status >= 400");
        }

        if (query.EscalatedOnly)
        {
            Where("escalated_from IS NOT NULL");
        }

        if (query.Status is { } status)
        {
            Where("status = $status");
            command.Parameters.AddWithValue("$status", status);
        }

        sql.Append("\nORDER BY ts_unix_ms DESC, id DESC\nLIMIT $limit;");
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.CommandText = sql.ToString();

        var entries = new List<RequestLogEntry>(Math.Min(query.Limit, 1024));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            entries.Add(ReadEntry(reader));
        }

        return entries;
    }

    private static RequestLogEntry ReadEntry(SqliteDataReader reader) => new()
    {
        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
        RequestId = reader.GetString(1),
        Endpoint = reader.GetString(2),
        Route = reader.IsDBNull(3) ? null : reader.GetString(3),
        Deployment = reader.IsDBNull(4) ? null : reader.GetString(4),
        Attempts = reader.GetInt32(5),
        Status = reader.GetInt32(6),
        Stream = reader.GetInt64(7) != 0,
        LatencyMs = reader.GetDouble(8),
        TimeToFirstTokenMs = reader.IsDBNull(9) ? null : reader.GetDouble(9),
        InputTokens = reader.IsDBNull(10) ? null : reader.GetInt32(10),
        OutputTokens = reader.IsDBNull(11) ? null : reader.GetInt32(11),
        ErrorType = reader.IsDBNull(12) ? null : reader.GetString(12),
        ErrorMessage = reader.IsDBNull(13) ? null : reader.GetString(13),
        Tier = reader.IsDBNull(14) ? null : reader.GetString(14),
        Label = reader.IsDBNull(15) ? null : reader.GetString(15),
        Confidential = reader.IsDBNull(16) ? null : reader.GetString(16),
        FallbackReason = reader.IsDBNull(17) ? null : reader.GetString(17),
        AttemptsJson = reader.IsDBNull(18) ? null : reader.GetString(18),
        QualityScore = reader.IsDBNull(19) ? null : reader.GetDouble(19),
        QualityFailed = reader.IsDBNull(20) ? null : reader.GetString(20),
        EscalatedFrom = reader.IsDBNull(21) ? null : reader.GetString(21),
        Rule = reader.IsDBNull(22) ? null : reader.GetString(22),
        RouterScore = reader.IsDBNull(23) ? null : reader.GetDouble(23),
        CostUsd = reader.IsDBNull(24) ? null : reader.GetDouble(24),
        ExtraCostUsd = reader.IsDBNull(25) ? null : reader.GetDouble(25),
        BaselineCostUsd = reader.IsDBNull(26) ? null : reader.GetDouble(26),
        UsageEstimated = reader.GetInt64(27) != 0,
        KeyId = reader.IsDBNull(28) ? null : reader.GetString(28),
        Team = reader.IsDBNull(29) ? null : reader.GetString(29),
    };
}
