using Microsoft.Data.Sqlite;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sql;
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
public sealed class SqliteRequestLogStore : IRequestLogStore, IRequestLogReports
{
    private readonly SqliteStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private SqliteConnection? _connection;
    // About 0.04 ms of inserts at this machine's ~200k rows/s.
    private const int RowsBetweenYields = 8;

    private readonly SqlRequestLogReader _reader;
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
        _reader = new SqlRequestLogReader(new SqliteDatabase(options));
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
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Task.FromResult(_reader.Query(query, cancellationToken));
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
                SqlEscalationStore.Insert(_connection, transaction, escalation);
            }

            if (batch[i].Sample is { } sample)
            {
                SqlEscalationStore.Insert(_connection, transaction, sample);
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

    /// <inheritdoc/>
    public IReadOnlyList<CostSummaryRow> SummarizeCosts(IReadOnlyList<CostDimension> by, DateTimeOffset? since, DateTimeOffset? until, string? route = null, string? team = null, string? key = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _reader.SummarizeCosts(by, since, until, route, team, key);
    }

    /// <inheritdoc/>
    public IReadOnlyList<(string Deployment, long Minute, long Tokens)> TokensServedByMinute(DateTimeOffset since, DateTimeOffset until)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _reader.TokensServedByMinute(since, until);
    }
}
