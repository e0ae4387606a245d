using System.Data.Common;
using System.Globalization;
using System.Text;
using Switchyard.Storage.Internal;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Storage.Sql;

/// <summary>
/// The request log's reads on either database: listings with their cost parts, cost summaries and tokens served per
/// minute, summed by the database. Each call opens its own short-lived connection (SQLite's WAL mode lets it run beside
/// the writer; PostgreSQL takes one from the pool).
/// </summary>
internal sealed class SqlRequestLogReader(SqlDatabase database) : IRequestLogReports
{
    private const string SelectSql = """
        SELECT ts_unix_ms, request_id, endpoint, route, deployment, attempts, status, stream,
               latency_ms, ttft_ms, input_tokens, output_tokens, error_type, error_message,
               tier, label, confidential, fallback_reason, attempts_json,
               quality_score, quality_failed, escalated_from, rule, router_score,
               cost_usd, extra_cost_usd, baseline_cost_usd, usage_estimated, key_id, team,
               escalated_cost_usd, checks_cost_usd, failed_cost_usd, cached_tokens, reasoning_tokens, cost_estimated, id
        FROM request_log
        """;

    /// <inheritdoc/>
    public IReadOnlyList<CostSummaryRow> SummarizeCosts(IReadOnlyList<CostDimension> by, DateTimeOffset? since, DateTimeOffset? until, string? route = null, string? team = null, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(by);
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        var keys = by.Select(d => d switch
        {
            CostDimension.Route => "COALESCE(route, '-')",
            CostDimension.Tier => "COALESCE(tier, '-')",
            CostDimension.Deployment => "COALESCE(deployment, '-')",
            CostDimension.Team => "COALESCE(team, '-')",
            CostDimension.Key => "COALESCE(key_id, '-')",
            _ => database.UtcDay("ts_unix_ms"),
        }).ToArray();
        var where = new StringBuilder("WHERE 1 = 1");
        if (since is { } from)
        {
            where.Append(" AND ts_unix_ms >= @since");
            command.Add("@since", from.ToUnixTimeMilliseconds());
        }

        if (until is { } to)
        {
            where.Append(" AND ts_unix_ms < @until");
            command.Add("@until", to.ToUnixTimeMilliseconds());
        }

        if (route is not null)
        {
            where.Append(" AND route = @route");
            command.Add("@route", route);
        }

        if (team is not null)
        {
            where.Append(" AND team = @team");
            command.Add("@team", team);
        }

        if (key is not null)
        {
            where.Append(" AND key_id = @key");
            command.Add("@key", key);
        }

        var select = keys.Length == 0 ? "" : string.Join(", ", keys.Select((k, i) => $"{k} AS k{i}")) + ", ";
        // A request's row brings its answer (under the deployment that answered), its baseline, and the extra cost of rows
        // written before the split (unsplit); each part brings one call's kind of extra cost under its own deployment.
        var sql = new StringBuilder($"""
            WITH r AS (
                SELECT id, ts_unix_ms, route, tier, deployment, team, key_id, status, input_tokens, output_tokens,
                       cached_tokens, reasoning_tokens, cost_usd, extra_cost_usd, baseline_cost_usd, usage_estimated,
                       cost_estimated, escalated_cost_usd, checks_cost_usd, failed_cost_usd
                FROM request_log
                {where}
            ),
            items AS (
                SELECT ts_unix_ms, route, tier, deployment, team, key_id, 1 AS requests,
                       CASE WHEN status BETWEEN 200 AND 299 AND cost_usd IS NULL THEN 1 ELSE 0 END AS uncosted,
                       CASE WHEN usage_estimated OR cost_estimated THEN 1 ELSE 0 END AS estimated,
                       CASE WHEN status BETWEEN 200 AND 299 THEN input_tokens END AS input_tokens,
                       CASE WHEN status BETWEEN 200 AND 299 THEN output_tokens END AS output_tokens,
                       CASE WHEN status BETWEEN 200 AND 299 THEN cached_tokens END AS cached_tokens,
                       CASE WHEN status BETWEEN 200 AND 299 THEN reasoning_tokens END AS reasoning_tokens,
                       cost_usd AS answer, NULL AS escalated, NULL AS checks, NULL AS failed,
                       CASE WHEN escalated_cost_usd IS NULL AND checks_cost_usd IS NULL AND failed_cost_usd IS NULL THEN extra_cost_usd END AS unsplit,
                       baseline_cost_usd AS baseline
                FROM r
                UNION ALL
                SELECT r.ts_unix_ms, r.route, p.tier, p.deployment, r.team, r.key_id, 0, 0, 0,
                       p.input_tokens, p.output_tokens, p.cached_tokens, p.reasoning_tokens, NULL,
                       CASE WHEN p.kind = 'escalated' THEN p.cost_usd END,
                       CASE WHEN p.kind = 'check' THEN p.cost_usd END,
                       CASE WHEN p.kind = 'failed' THEN p.cost_usd END,
                       NULL, NULL
                FROM request_cost_parts p JOIN r ON r.id = p.request_row
            )
            SELECT {select}COUNT(*), SUM(requests), SUM(uncosted), SUM(estimated),
                   COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0),
                   COALESCE(SUM(cached_tokens), 0), COALESCE(SUM(reasoning_tokens), 0),
                   COALESCE(SUM(answer), 0), COALESCE(SUM(escalated), 0), COALESCE(SUM(checks), 0), COALESCE(SUM(failed), 0),
                   COALESCE(SUM(unsplit), 0), COALESCE(SUM(baseline), 0)
            FROM items
            """);
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
                // Nothing at all (the ungrouped query still answers one row).
                continue;
            }

            rows.Add(new CostSummaryRow
            {
                Keys = [.. Enumerable.Range(0, keys.Length).Select(i => reader.IsDBNull(i) ? "-" : reader.GetString(i))],
                Requests = reader.GetInt64(at + 1),
                Uncosted = reader.GetInt64(at + 2),
                Estimated = reader.GetInt64(at + 3),
                InputTokens = reader.GetInt64(at + 4),
                OutputTokens = reader.GetInt64(at + 5),
                CachedTokens = reader.GetInt64(at + 6),
                ReasoningTokens = reader.GetInt64(at + 7),
                Cost = reader.GetDouble(at + 8),
                EscalatedCost = reader.GetDouble(at + 9),
                ChecksCost = reader.GetDouble(at + 10),
                FailedCost = reader.GetDouble(at + 11),
                UnsplitExtraCost = reader.GetDouble(at + 12),
                BaselineCost = reader.GetDouble(at + 13),
            });
        }

        return rows;
    }

    /// <inheritdoc/>
    public IReadOnlyList<(string Deployment, long Minute, long Tokens)> TokensServedByMinute(DateTimeOffset since, DateTimeOffset until)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            WITH r AS (SELECT id, ts_unix_ms, deployment, status, input_tokens, output_tokens FROM request_log WHERE ts_unix_ms >= @since AND ts_unix_ms < @until)
            SELECT deployment, ts_unix_ms / 60000 AS minute, SUM(tokens) FROM (
                SELECT deployment, ts_unix_ms, COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0) AS tokens FROM r
                WHERE status BETWEEN 200 AND 299 AND deployment IS NOT NULL
                UNION ALL
                SELECT p.deployment, r.ts_unix_ms, p.input_tokens + p.output_tokens FROM request_cost_parts p JOIN r ON r.id = p.request_row
            )
            GROUP BY deployment, minute
            ORDER BY deployment, minute;
            """;
        command.Add("@since", since.ToUnixTimeMilliseconds());
        command.Add("@until", until.ToUnixTimeMilliseconds());
        var rows = new List<(string, long, long)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return rows;
    }

    public IReadOnlyList<RequestLogEntry> Query(RequestLogQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, nameof(query));

        using var connection = database.Open();
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
            Where("route = @route");
            command.Add("@route", query.Route);
        }

        if (query.Deployment is not null)
        {
            Where("deployment = @deployment");
            command.Add("@deployment", query.Deployment);
        }

        if (query.Since is { } since)
        {
            // Stored times are truncated to the millisecond, so truncating the bound keeps "at or after" exact.
            Where("ts_unix_ms >= @since");
            command.Add("@since", since.ToUnixTimeMilliseconds());
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
            Where("status = @status");
            command.Add("@status", status);
        }

        sql.Append("\nORDER BY ts_unix_ms DESC, id DESC\nLIMIT @limit;");
        command.Add("@limit", query.Limit);
        command.CommandText = sql.ToString();

        var entries = new List<RequestLogEntry>(Math.Min(query.Limit, 1024));
        List<(int Index, long Row)>? withParts = null;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var entry = ReadEntry(reader);
                if (entry.ExtraCostUsd is > 0 || entry.FailedCostUsd is not null || entry.EscalatedCostUsd is not null || entry.ChecksCostUsd is not null)
                {
                    (withParts ??= []).Add((entries.Count, reader.GetInt64(36)));
                }

                entries.Add(entry);
            }
        }

        if (withParts is not null)
        {
            ReadParts(connection, entries, withParts);
        }

        return entries;
    }

    /// <summary>The cost parts of the rows in <paramref name="rows"/>, set on their entries (one query for all).</summary>
    private void ReadParts(DbConnection connection, List<RequestLogEntry> entries, List<(int Index, long Row)> rows)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT request_row, kind, deployment, tier, input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_usd, estimated
            FROM request_cost_parts
            WHERE request_row IN ({0})
            ORDER BY request_row, {1};
            """;
        // The ids are numbers this code read from the table, written out invariantly: nothing a client sent.
        command.CommandText = string.Format(CultureInfo.InvariantCulture, command.CommandText, string.Join(",", rows.Select(r => r.Row.ToString(CultureInfo.InvariantCulture))), database.CostPartInsertionOrder);
        var byRow = new Dictionary<long, List<RequestCostPart>>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var row = reader.GetInt64(0);
                if (!byRow.TryGetValue(row, out var list))
                {
                    byRow[row] = list = [];
                }

                list.Add(new RequestCostPart
                {
                    Kind = reader.GetString(1) switch
                    {
                        "escalated" => CostKind.Escalated,
                        "check" => CostKind.Check,
                        _ => CostKind.Failed,
                    },
                    Deployment = reader.GetString(2),
                    Tier = reader.IsDBNull(3) ? null : reader.GetString(3),
                    InputTokens = reader.GetInt32(4),
                    OutputTokens = reader.GetInt32(5),
                    CachedTokens = reader.GetInt32(6),
                    ReasoningTokens = reader.GetInt32(7),
                    CostUsd = reader.IsDBNull(8) ? null : reader.GetDouble(8),
                    Estimated = reader.GetBoolean(9),
                });
            }
        }

        foreach (var (index, row) in rows)
        {
            if (byRow.TryGetValue(row, out var parts))
            {
                entries[index] = entries[index] with { CostParts = parts };
            }
        }
    }

    private static RequestLogEntry ReadEntry(DbDataReader reader) => new()
    {
        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
        RequestId = reader.GetString(1),
        Endpoint = reader.GetString(2),
        Route = reader.IsDBNull(3) ? null : reader.GetString(3),
        Deployment = reader.IsDBNull(4) ? null : reader.GetString(4),
        Attempts = reader.GetInt32(5),
        Status = reader.GetInt32(6),
        Stream = reader.GetBoolean(7),
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
        UsageEstimated = reader.GetBoolean(27),
        KeyId = reader.IsDBNull(28) ? null : reader.GetString(28),
        Team = reader.IsDBNull(29) ? null : reader.GetString(29),
        EscalatedCostUsd = reader.IsDBNull(30) ? null : reader.GetDouble(30),
        ChecksCostUsd = reader.IsDBNull(31) ? null : reader.GetDouble(31),
        FailedCostUsd = reader.IsDBNull(32) ? null : reader.GetDouble(32),
        CachedTokens = reader.IsDBNull(33) ? null : reader.GetInt32(33),
        ReasoningTokens = reader.IsDBNull(34) ? null : reader.GetInt32(34),
        CostEstimated = reader.GetBoolean(35),
    };
}
