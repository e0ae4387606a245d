using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Storage.Sqlite.Internal;

/// <summary>
/// The prepared <c>INSERT</c> of one request log row, compiled once and re-bound for every row.
/// </summary>
/// <remarks>
/// PERF: bound through SQLite's own API rather than <see cref="SqliteCommand"/> parameters, which allocate a binder per
/// parameter per row and box every number: at gateway rates that was a third of the process's allocations. Text is encoded
/// into one reused buffer and bound with SQLITE_TRANSIENT (SQLite copies it), so a row costs no allocation.
/// </remarks>
internal sealed class RequestLogInsertCommand : IDisposable
{
    private const string Sql = """
        INSERT INTO request_log (ts_unix_ms, request_id, endpoint, route, deployment, attempts, status, stream,
                                 latency_ms, ttft_ms, input_tokens, output_tokens, error_type, error_message,
                                 tier, label, confidential, fallback_reason, attempts_json,
                                 quality_score, quality_failed, escalated_from, rule, router_score,
                                 cost_usd, extra_cost_usd, baseline_cost_usd, usage_estimated, key_id, team,
                                 escalated_cost_usd, checks_cost_usd, failed_cost_usd, cached_tokens, reasoning_tokens, cost_estimated)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30,
                ?31, ?32, ?33, ?34, ?35, ?36);
        """;

    private const string PartSql = """
        INSERT INTO request_cost_parts (request_row, kind, deployment, tier, input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_usd, estimated)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10);
        """;

    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;
    // Prepared on the first request that has cost parts (an escalation, a check, a failed stream): most never do.
    private sqlite3_stmt? _parts;
    private byte[] _text = new byte[1024];

    public RequestLogInsertCommand(SqliteConnection connection)
    {
        _connection = connection;
        Check(raw.sqlite3_prepare_v2(connection.Handle, Sql, out _statement));
    }

    /// <summary>Inserts one row in the connection's current transaction.</summary>
    public void Execute(RequestLogEntry entry)
    {
        var s = _statement;
        raw.sqlite3_bind_int64(s, 1, entry.Timestamp.ToUnixTimeMilliseconds());
        // Required by the contract, but a caller that breaks it meets SQLite's "NOT NULL constraint failed:
        // request_log.request_id" in the log.
        BindText(2, entry.RequestId);
        BindText(3, entry.Endpoint);
        BindText(4, entry.Route);
        BindText(5, entry.Deployment);
        raw.sqlite3_bind_int64(s, 6, entry.Attempts);
        raw.sqlite3_bind_int64(s, 7, entry.Status);
        raw.sqlite3_bind_int64(s, 8, entry.Stream ? 1 : 0);
        raw.sqlite3_bind_double(s, 9, entry.LatencyMs);
        BindDouble(10, entry.TimeToFirstTokenMs);
        BindInt(11, entry.InputTokens);
        BindInt(12, entry.OutputTokens);
        BindText(13, entry.ErrorType);
        BindText(14, entry.ErrorMessage);
        BindText(15, entry.Tier);
        BindText(16, entry.Label);
        BindText(17, entry.Confidential);
        BindText(18, entry.FallbackReason);
        BindText(19, entry.AttemptsJson);
        BindDouble(20, entry.QualityScore);
        BindText(21, entry.QualityFailed);
        BindText(22, entry.EscalatedFrom);
        BindText(23, entry.Rule);
        BindDouble(24, entry.RouterScore);
        BindDouble(25, entry.CostUsd);
        BindDouble(26, entry.ExtraCostUsd);
        BindDouble(27, entry.BaselineCostUsd);
        raw.sqlite3_bind_int64(s, 28, entry.UsageEstimated ? 1 : 0);
        BindText(29, entry.KeyId);
        BindText(30, entry.Team);
        BindDouble(31, entry.EscalatedCostUsd);
        BindDouble(32, entry.ChecksCostUsd);
        BindDouble(33, entry.FailedCostUsd);
        BindInt(34, entry.CachedTokens);
        BindInt(35, entry.ReasoningTokens);
        raw.sqlite3_bind_int64(s, 36, entry.CostEstimated ? 1 : 0);
        Step(s);

        if (entry.CostParts is { Count: > 0 } parts)
        {
            InsertParts(raw.sqlite3_last_insert_rowid(_connection.Handle), parts);
        }
    }

    public void Dispose()
    {
        _statement.Dispose();
        _parts?.Dispose();
    }

    private void InsertParts(long row, IReadOnlyList<RequestCostPart> parts)
    {
        if (_parts is null)
        {
            Check(raw.sqlite3_prepare_v2(_connection.Handle, PartSql, out var prepared));
            _parts = prepared;
        }

        var p = _parts;
        foreach (var part in parts)
        {
            raw.sqlite3_bind_int64(p, 1, row);
            BindText(p, 2, RequestCostPart.Word(part.Kind));
            BindText(p, 3, part.Deployment);
            BindText(p, 4, part.Tier);
            raw.sqlite3_bind_int64(p, 5, part.InputTokens);
            raw.sqlite3_bind_int64(p, 6, part.OutputTokens);
            raw.sqlite3_bind_int64(p, 7, part.CachedTokens);
            raw.sqlite3_bind_int64(p, 8, part.ReasoningTokens);
            if (part.CostUsd is { } cost)
            {
                raw.sqlite3_bind_double(p, 9, cost);
            }
            else
            {
                raw.sqlite3_bind_null(p, 9);
            }

            raw.sqlite3_bind_int64(p, 10, part.Estimated ? 1 : 0);
            Step(p);
        }
    }

    private void Step(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }
    }

    private void BindText(int index, string? value) => BindText(_statement, index, value);

    private void BindText(sqlite3_stmt statement, int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(statement, index);
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > _text.Length)
        {
            _text = new byte[Math.Max(max, _text.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(value, _text);
        raw.sqlite3_bind_text(statement, index, _text.AsSpan(0, length));
    }

    private void BindInt(int index, int? value)
    {
        if (value is { } v)
        {
            raw.sqlite3_bind_int64(_statement, index, v);
        }
        else
        {
            raw.sqlite3_bind_null(_statement, index);
        }
    }

    private void BindDouble(int index, double? value)
    {
        if (value is { } v)
        {
            raw.sqlite3_bind_double(_statement, index, v);
        }
        else
        {
            raw.sqlite3_bind_null(_statement, index);
        }
    }

    // Throws the same SqliteException Microsoft.Data.Sqlite would, so the writer's transient-error check (BUSY, LOCKED)
    // and the messages stay as they were.
    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
}
