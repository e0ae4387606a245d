using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Switchyard.Storage.Postgres.Internal;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sql;

namespace Switchyard.Storage.Postgres;

/// <summary>
/// The request log in PostgreSQL: batches written with binary COPY, and a spill file for the rows PostgreSQL cannot take
/// while it is down.
/// </summary>
/// <remarks>
/// <code>
/// RequestLogWriter ──WriteBatchAsync──► rows waiting in the spill file? ──yes──► append to the spill file (fsync), return
///   (one writer task)                     │ no                                 └─ over its bound: lost, counted, thrown
///                                         ▼
///                         COPY (binary) into temp tables, then INSERT … ON CONFLICT (log_key) DO NOTHING,
///                         cost parts, escalation records and samples, one transaction ──ok──► return
///                                         │ PostgreSQL unavailable (connection refused or broken, timeout, shutdown)
///                                         ▼
///                                append the batch to the spill file; wake the replay loop
///
/// replay loop (every second, or when woken): oldest spilled batch ──same write──► ok: advance the cursor; next
///                                                                   └ unavailable: wait (1 s, doubling to 5 s), try again
/// </code>
/// <para>
/// Exactly once: every row gets a key (a version 7 UUID) before its first attempt, and keeps it in the spill file; the
/// database takes a key once. A batch that committed but whose acknowledgement was lost is spilled, replayed and
/// skipped row by row. In order: while any row waits in the spill file, new batches are appended behind it, and the
/// writer goes back to PostgreSQL only when the replay has emptied it. Memory stays flat: rows wait on disk, the replay
/// reads one batch at a time.
/// </para>
/// <para>
/// A batch PostgreSQL refuses for what it holds (a constraint, a value out of range) is not spilled: the writer counts it
/// as failed, as it would with SQLite. Replayed, such a batch is counted lost and skipped, so it never blocks the file.
/// </para>
/// </remarks>
public sealed partial class PostgresRequestLogStore : IRequestLogStore, IRequestLogReports
{
    private const string Columns = """
        log_key, ts_unix_ms, request_id, endpoint, route, deployment, attempts, status, stream,
        latency_ms, ttft_ms, input_tokens, output_tokens, error_type, error_message,
        tier, label, confidential, fallback_reason, attempts_json,
        quality_score, quality_failed, escalated_from, rule, router_score,
        cost_usd, extra_cost_usd, baseline_cost_usd, usage_estimated, key_id, team,
        escalated_cost_usd, checks_cost_usd, failed_cost_usd, cached_tokens, reasoning_tokens, cost_estimated
        """;

    private const string PartColumns = "part_no, kind, deployment, tier, input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_usd, estimated";

    // Temp tables live as long as the connection and empty themselves at every commit (and rollback).
    private const string CreateStagingSql = $"""
        CREATE TEMP TABLE IF NOT EXISTS request_log_in ON COMMIT DELETE ROWS AS SELECT {Columns} FROM request_log WITH NO DATA;
        ALTER TABLE request_log_in ADD COLUMN IF NOT EXISTS ord integer;
        CREATE TEMP TABLE IF NOT EXISTS request_cost_parts_in ON COMMIT DELETE ROWS AS SELECT {PartColumns} FROM request_cost_parts WITH NO DATA;
        ALTER TABLE request_cost_parts_in ADD COLUMN IF NOT EXISTS log_key uuid;
        """;

    private const string CopyRowsSql = $"COPY request_log_in (ord, {Columns}) FROM STDIN (FORMAT BINARY)";

    private const string CopyPartsSql = $"COPY request_cost_parts_in (log_key, {PartColumns}) FROM STDIN (FORMAT BINARY)";

    // Rows whose key is already in the table (a replayed batch) are skipped, and so are their parts.
    private const string MergeSql = $"""
        WITH inserted AS (
            INSERT INTO request_log ({Columns})
            SELECT {Columns} FROM request_log_in ORDER BY ord
            ON CONFLICT (log_key) DO NOTHING
            RETURNING id, log_key
        )
        INSERT INTO request_cost_parts (request_row, {PartColumns})
        SELECT inserted.id, p.part_no, p.kind, p.deployment, p.tier, p.input_tokens, p.output_tokens, p.cached_tokens, p.reasoning_tokens, p.cost_usd, p.estimated
        FROM inserted JOIN request_cost_parts_in p ON p.log_key = inserted.log_key;
        """;

    // A PostgreSQL that stops answering without closing the connection holds a batch this long, not Npgsql's 30 s
    // command timeout: the writer's queue (request_log.queue_capacity) rides it out, and the rows go to the spill file.
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ReplayInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxReplayBackoff = TimeSpan.FromSeconds(5);

    private readonly PostgresDatabase _database;
    private readonly RequestLogSpillOptions _spillOptions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SqlRequestLogReader _reader;
    private readonly Lock _spillLock = new();
    private readonly SemaphoreSlim _connectionGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Guid> _keys = [];
    private SpillFile? _spill;
    private NpgsqlConnection? _connection;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _replay;
    private long _spilled;
    private long _replayed;
    private long _lost;
    private int _unavailable;
    private bool _disposed;

    internal PostgresRequestLogStore(PostgresDatabase database, RequestLogSpillOptions spill, TimeProvider time, ILogger logger)
    {
        _database = database;
        _spillOptions = spill;
        _time = time;
        _logger = logger;
        _reader = new SqlRequestLogReader(database);
    }

    /// <summary>The spill file's counters now.</summary>
    public RequestLogSpillStats SpillStats()
    {
        lock (_spillLock)
        {
            return new RequestLogSpillStats(
                _spill?.Path ?? Path.GetFullPath(_spillOptions.Path), _spill?.PendingRows ?? 0, _spill?.Length ?? 0, _spillOptions.MaxBytes,
                Interlocked.Read(ref _spilled), Interlocked.Read(ref _replayed), Interlocked.Read(ref _lost), Volatile.Read(ref _unavailable) != 0);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Opens the spill file (cutting a torn tail) and starts the replay loop: rows a previous run left there are written
    /// as soon as PostgreSQL answers. The schema is migrated by <see cref="Stores"/> before.
    /// </remarks>
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_spillLock)
        {
            if (_spill is not null)
            {
                return Task.CompletedTask;
            }

            _spill = SpillFile.Open(_spillOptions);
            if (!_spill.HasPending)
            {
                _drained.TrySetResult();
            }

            if (_spill.TornBytes > 0)
            {
                Log.SpillTornTail(_logger, _spill.Path, _spill.TornBytes);
            }

            if (_spill.HasPending)
            {
                Log.SpillFound(_logger, _spill.Path, _spill.PendingRows);
                _wake.TrySetResult();
            }
        }

        _replay = Task.Run(ReplayLoopAsync);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task WriteBatchAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken)
        => WriteBatchCoreAsync(batch, cancellationToken);

    /// <summary>Completes when no row waits in the spill file (at once when none does): tests await it instead of sleeping.</summary>
    internal Task WhenSpillEmptyAsync()
    {
        lock (_spillLock)
        {
            return _spill is { HasPending: true } ? _drained.Task : Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RequestLogEntry>> QueryAsync(RequestLogQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Task.FromResult(_reader.Query(query, cancellationToken));
    }

    /// <inheritdoc/>
    public IReadOnlyList<CostSummaryRow> SummarizeCosts(IReadOnlyList<CostDimension> by, DateTimeOffset? since, DateTimeOffset? until, string? route = null, string? team = null, string? key = null)
        => _reader.SummarizeCosts(by, since, until, route, team, key);

    /// <inheritdoc/>
    public IReadOnlyList<(string Deployment, long Minute, long Tokens)> TokensServedByMinute(DateTimeOffset since, DateTimeOffset until)
        => _reader.TokensServedByMinute(since, until);

    /// <inheritdoc/>
    /// <remarks>Stops the replay loop (rows still in the spill file stay there for the next start) and closes the connection.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_replay is not null)
        {
            await _replay.ConfigureAwait(false);
        }

        await _connectionGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await DropConnectionAsync().ConfigureAwait(false);
        }
        finally
        {
            _connectionGate.Release();
        }

        lock (_spillLock)
        {
            _spill?.Dispose();
            _spill = null;
        }

        _stopping.Dispose();
    }

    private async Task WriteBatchCoreAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_spill is null)
        {
            throw new InvalidOperationException("Call InitializeAsync before WriteBatchAsync.");
        }

        if (batch.Count == 0)
        {
            return;
        }

        _keys.Clear();
        var now = _time.GetUtcNow();
        for (var i = 0; i < batch.Count; i++)
        {
            _keys.Add(Guid.CreateVersion7(now));
        }

        lock (_spillLock)
        {
            if (_spill.HasPending)
            {
                // Behind rows that wait: the log stays in order.
                Spill(batch, _keys);
                return;
            }
        }

        try
        {
            await WriteAsync(batch, _keys, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsUnavailable(exception) && !cancellationToken.IsCancellationRequested)
        {
            if (Interlocked.Exchange(ref _unavailable, 1) == 0)
            {
                Log.Unavailable(_logger, _database.Description, _spill.Path, exception);
            }

            lock (_spillLock)
            {
                Spill(batch, _keys);
            }

            _wake.TrySetResult();
        }
    }

    // Under _spillLock.
    private void Spill(IReadOnlyList<RequestLogEntry> batch, IReadOnlyList<Guid> keys)
    {
        if (!_spill!.HasPending && _drained.Task.IsCompleted)
        {
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (!_spill.TryAppend(batch, keys))
        {
            Interlocked.Add(ref _lost, batch.Count);
            throw new RequestLogSpillFullException(_spill.Path, _spillOptions.MaxBytes, batch.Count);
        }

        Interlocked.Add(ref _spilled, batch.Count);
    }

    private async Task ReplayLoopAsync()
    {
        var backoff = ReplayInterval;
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            var wake = _wake;
            try
            {
                await Task.WhenAny(wake.Task, Task.Delay(backoff, _time, token)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (wake.Task.IsCompleted)
            {
                Interlocked.CompareExchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), wake);
            }

            try
            {
                var replayed = await ReplayAsync(token).ConfigureAwait(false);
                backoff = ReplayInterval;
                if (replayed > 0)
                {
                    Interlocked.Exchange(ref _unavailable, 0);
                    Log.Replayed(_logger, replayed, _database.Description);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (IsUnavailable(exception))
            {
                // Still down: try again later, less often the longer it lasts.
                backoff = backoff * 2 > MaxReplayBackoff ? MaxReplayBackoff : backoff * 2;
            }
#pragma warning disable CA1031 // The loop outlives anything one replay throws (a full disk, a corrupt record); it is logged.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.ReplayFailed(_logger, exception);
                backoff = MaxReplayBackoff;
            }
        }
    }

    // Writes the spilled batches in order until none waits; returns how many rows.
    private async Task<long> ReplayAsync(CancellationToken cancellationToken)
    {
        var total = 0L;
        while (true)
        {
            (List<SpillRow> Rows, long Next)? record;
            lock (_spillLock)
            {
                record = _spill?.Peek();
            }

            if (record is not { } next)
            {
                return total;
            }

            var entries = new RequestLogEntry[next.Rows.Count];
            var keys = new Guid[next.Rows.Count];
            for (var i = 0; i < entries.Length; i++)
            {
                (keys[i], entries[i]) = (next.Rows[i].Key, next.Rows[i].Entry);
            }

            try
            {
                await WriteAsync(entries, keys, cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _replayed, entries.Length);
                total += entries.Length;
            }
            catch (Exception exception) when (!IsUnavailable(exception) && exception is not OperationCanceledException)
            {
                // PostgreSQL refuses what the batch holds: it would refuse it forever. Skip it rather than block the file.
                Interlocked.Add(ref _lost, entries.Length);
                Log.ReplayRefused(_logger, entries.Length, exception);
            }

            lock (_spillLock)
            {
                _spill!.Advance(next.Next, entries.Length);
                if (!_spill.HasPending)
                {
                    _drained.TrySetResult();
                }
            }
        }
    }

    private async Task WriteAsync(IReadOnlyList<RequestLogEntry> batch, IReadOnlyList<Guid> keys, CancellationToken cancellationToken)
    {
        await _connectionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var parts = await CopyRowsAsync(connection, batch, keys, cancellationToken).ConfigureAwait(false);
            if (parts > 0)
            {
                await CopyPartsAsync(connection, batch, keys, cancellationToken).ConfigureAwait(false);
            }

            await using (var merge = new NpgsqlCommand(MergeSql, connection, transaction) { CommandTimeout = (int)WriteTimeout.TotalSeconds })
            {
                await merge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            for (var i = 0; i < batch.Count; i++)
            {
                // Rare (an escalation, a sampled outcome): plain statements in the same transaction, written again
                // harmlessly when a batch is replayed (a record replaces itself; a sample is kept once per key).
                if (batch[i].Escalation is { } escalation)
                {
                    SqlEscalationStore.Insert(connection, transaction, escalation);
                }

                if (batch[i].Sample is { } sample)
                {
                    SqlEscalationStore.Insert(connection, transaction, sample, keys[i]);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Whatever failed, the connection may be broken or inside a failed transaction: the next write opens anew.
            await DropConnectionAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _connectionGate.Release();
        }
    }

    private async Task<NpgsqlConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { State: System.Data.ConnectionState.Open } open)
        {
            return open;
        }

        await DropConnectionAsync().ConfigureAwait(false);
        var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var staging = new NpgsqlCommand(CreateStagingSql, connection);
            await staging.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _connection = connection;
        return connection;
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Returns how many cost parts the rows have.
    private static async Task<int> CopyRowsAsync(NpgsqlConnection connection, IReadOnlyList<RequestLogEntry> batch, IReadOnlyList<Guid> keys, CancellationToken ct)
    {
        var parts = 0;
        await using var w = await connection.BeginBinaryImportAsync(CopyRowsSql, ct).ConfigureAwait(false);
        w.Timeout = WriteTimeout;
        for (var i = 0; i < batch.Count; i++)
        {
            var e = batch[i];
            parts += e.CostParts?.Count ?? 0;
            await w.StartRowAsync(ct).ConfigureAwait(false);
            await w.WriteAsync(i, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await w.WriteAsync(keys[i], NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
            await w.WriteAsync(e.Timestamp.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
            await Text(w, e.RequestId, ct).ConfigureAwait(false);
            await Text(w, e.Endpoint, ct).ConfigureAwait(false);
            await Text(w, e.Route, ct).ConfigureAwait(false);
            await Text(w, e.Deployment, ct).ConfigureAwait(false);
            await w.WriteAsync(e.Attempts, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await w.WriteAsync(e.Status, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await w.WriteAsync(e.Stream, NpgsqlDbType.Boolean, ct).ConfigureAwait(false);
            await w.WriteAsync(e.LatencyMs, NpgsqlDbType.Double, ct).ConfigureAwait(false);
            await Double(w, e.TimeToFirstTokenMs, ct).ConfigureAwait(false);
            await Int(w, e.InputTokens, ct).ConfigureAwait(false);
            await Int(w, e.OutputTokens, ct).ConfigureAwait(false);
            await Text(w, e.ErrorType, ct).ConfigureAwait(false);
            await Text(w, e.ErrorMessage, ct).ConfigureAwait(false);
            await Text(w, e.Tier, ct).ConfigureAwait(false);
            await Text(w, e.Label, ct).ConfigureAwait(false);
            await Text(w, e.Confidential, ct).ConfigureAwait(false);
            await Text(w, e.FallbackReason, ct).ConfigureAwait(false);
            await Text(w, e.AttemptsJson, ct).ConfigureAwait(false);
            await Double(w, e.QualityScore, ct).ConfigureAwait(false);
            await Text(w, e.QualityFailed, ct).ConfigureAwait(false);
            await Text(w, e.EscalatedFrom, ct).ConfigureAwait(false);
            await Text(w, e.Rule, ct).ConfigureAwait(false);
            await Double(w, e.RouterScore, ct).ConfigureAwait(false);
            await Money(w, e.CostUsd, ct).ConfigureAwait(false);
            await Money(w, e.ExtraCostUsd, ct).ConfigureAwait(false);
            await Money(w, e.BaselineCostUsd, ct).ConfigureAwait(false);
            await w.WriteAsync(e.UsageEstimated, NpgsqlDbType.Boolean, ct).ConfigureAwait(false);
            await Text(w, e.KeyId, ct).ConfigureAwait(false);
            await Text(w, e.Team, ct).ConfigureAwait(false);
            await Money(w, e.EscalatedCostUsd, ct).ConfigureAwait(false);
            await Money(w, e.ChecksCostUsd, ct).ConfigureAwait(false);
            await Money(w, e.FailedCostUsd, ct).ConfigureAwait(false);
            await Int(w, e.CachedTokens, ct).ConfigureAwait(false);
            await Int(w, e.ReasoningTokens, ct).ConfigureAwait(false);
            await w.WriteAsync(e.CostEstimated, NpgsqlDbType.Boolean, ct).ConfigureAwait(false);
        }

        await w.CompleteAsync(ct).ConfigureAwait(false);
        return parts;
    }

    private static async Task CopyPartsAsync(NpgsqlConnection connection, IReadOnlyList<RequestLogEntry> batch, IReadOnlyList<Guid> keys, CancellationToken ct)
    {
        await using var w = await connection.BeginBinaryImportAsync(CopyPartsSql, ct).ConfigureAwait(false);
        w.Timeout = WriteTimeout;
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].CostParts is not { Count: > 0 } parts)
            {
                continue;
            }

            for (var n = 0; n < parts.Count; n++)
            {
                var part = parts[n];
                await w.StartRowAsync(ct).ConfigureAwait(false);
                await w.WriteAsync(keys[i], NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
                await w.WriteAsync((short)n, NpgsqlDbType.Smallint, ct).ConfigureAwait(false);
                await Text(w, RequestCostPart.Word(part.Kind), ct).ConfigureAwait(false);
                await Text(w, part.Deployment, ct).ConfigureAwait(false);
                await Text(w, part.Tier, ct).ConfigureAwait(false);
                await w.WriteAsync(part.InputTokens, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await w.WriteAsync(part.OutputTokens, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await w.WriteAsync(part.CachedTokens, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await w.WriteAsync(part.ReasoningTokens, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                await Money(w, part.CostUsd, ct).ConfigureAwait(false);
                await w.WriteAsync(part.Estimated, NpgsqlDbType.Boolean, ct).ConfigureAwait(false);
            }
        }

        await w.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static Task Text(NpgsqlBinaryImporter w, string? value, CancellationToken ct)
        => value is null ? w.WriteNullAsync(ct) : w.WriteAsync(PostgresText.Clean(value), NpgsqlDbType.Text, ct);

    private static Task Int(NpgsqlBinaryImporter w, int? value, CancellationToken ct)
        => value is { } v ? w.WriteAsync(v, NpgsqlDbType.Integer, ct) : w.WriteNullAsync(ct);

    private static Task Double(NpgsqlBinaryImporter w, double? value, CancellationToken ct)
        => value is { } v ? w.WriteAsync(v, NpgsqlDbType.Double, ct) : w.WriteNullAsync(ct);

    // Money is numeric: the double's 15 significant digits (decimal's conversion), exact from there on. A value no decimal
    // holds (infinite, NaN) is no amount at all.
    private static Task Money(NpgsqlBinaryImporter w, double? value, CancellationToken ct)
        => value is { } v && double.IsFinite(v) && Math.Abs(v) < 7.9e27
            ? w.WriteAsync((decimal)v, NpgsqlDbType.Numeric, ct)
            : w.WriteNullAsync(ct);

    /// <summary>
    /// Whether PostgreSQL could not be reached or stopped answering (connection refused or broken, a timeout, a server
    /// shutting down, too many connections), as opposed to refusing what a batch holds.
    /// </summary>
    internal static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException p => p.IsTransient
            || p.SqlState.StartsWith("08", StringComparison.Ordinal)   // connection exception
            || p.SqlState.StartsWith("57P", StringComparison.Ordinal)  // admin or crash shutdown, cannot connect now
            || p.SqlState.StartsWith("53", StringComparison.Ordinal)   // insufficient resources (too many connections, disk full)
            || p.SqlState.StartsWith("58", StringComparison.Ordinal),  // system error (I/O)
        NpgsqlException => true,                                        // client side: the connection failed or broke
        SocketException or IOException or TimeoutException => true,
        OperationCanceledException => false,
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };
}
