using System.Data.Common;
using Switchyard.Storage.Internal;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Storage.Sql;

/// <summary>The request log as time series (the dashboard's <c>/admin/stats</c>), added up by either database.</summary>
internal sealed class SqlTrafficStats(SqlDatabase database) : ITrafficStats
{
    // NULLS FIRST is SQLite's order for nulls, written out because PostgreSQL's is the opposite.
    private const string GroupsSql = """
        SELECT (ts_unix_ms - @start) / @step AS b, route, tier, deployment,
               COUNT(*),
               SUM(CASE WHEN status BETWEEN 200 AND 299 THEN 1 ELSE 0 END),
               SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END),
               SUM(CASE WHEN escalated_from IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN fallback_reason IS NOT NULL THEN 1 ELSE 0 END),
               COALESCE(SUM(CASE WHEN status BETWEEN 200 AND 299 THEN input_tokens END), 0),
               COALESCE(SUM(CASE WHEN status BETWEEN 200 AND 299 THEN output_tokens END), 0),
               COALESCE(SUM(cost_usd), 0), COALESCE(SUM(extra_cost_usd), 0), COALESCE(SUM(baseline_cost_usd), 0)
        FROM request_log
        WHERE ts_unix_ms >= @start AND ts_unix_ms < @end
        GROUP BY b, route, tier, deployment
        ORDER BY b, route NULLS FIRST, tier NULLS FIRST, deployment NULLS FIRST;
        """;

    // Nearest rank: the value at rank ceil(p * n), written as integer arithmetic ((n * P + 99) / 100) because this SQLite
    // (3.35) has no ceil(). Window functions sort each bucket once; only one row per bucket comes back.
    private const string PercentilesSql = """
        WITH ranked AS (
            SELECT {0} AS b, latency_ms,
                   ROW_NUMBER() OVER (PARTITION BY {0} ORDER BY latency_ms) AS r,
                   COUNT(*) OVER (PARTITION BY {0}) AS n
            FROM request_log
            WHERE ts_unix_ms >= @start AND ts_unix_ms < @end AND status BETWEEN 200 AND 299
        )
        SELECT b, MAX(n),
               MAX(CASE WHEN r = (n * 50 + 99) / 100 THEN latency_ms END),
               MAX(CASE WHEN r = (n * 95 + 99) / 100 THEN latency_ms END),
               MAX(CASE WHEN r = (n * 99 + 99) / 100 THEN latency_ms END)
        FROM ranked
        GROUP BY b
        ORDER BY b;
        """;

    private const string EscalationsSql = """
        SELECT cheap_failed, COUNT(*)
        FROM escalations
        WHERE ts_unix_ms >= @start AND ts_unix_ms < @end
        GROUP BY cheap_failed
        ORDER BY COUNT(*) DESC, cheap_failed NULLS FIRST;
        """;

    /// <inheritdoc/>
    public TrafficSummary Summarize(DateTimeOffset start, TimeSpan step, int buckets)
    {
        var stepMs = (long)step.TotalMilliseconds;
        ArgumentOutOfRangeException.ThrowIfLessThan(stepMs, 1, nameof(step));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(buckets);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(buckets, TrafficSummary.MaxBuckets);
        var startMs = start.ToUnixTimeMilliseconds();
        var endMs = startMs + (stepMs * buckets);

        using var connection = database.Open();
        var groups = new List<TrafficGroup>();
        using (var command = Command(connection, GroupsSql, startMs, endMs, stepMs))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                groups.Add(new TrafficGroup
                {
                    Bucket = (int)reader.GetInt64(0),
                    Route = reader.IsDBNull(1) ? null : reader.GetString(1),
                    Tier = reader.IsDBNull(2) ? null : reader.GetString(2),
                    Deployment = reader.IsDBNull(3) ? null : reader.GetString(3),
                    Requests = reader.GetInt64(4),
                    Answered = reader.GetInt64(5),
                    Errors = reader.GetInt64(6),
                    Escalated = reader.GetInt64(7),
                    Failovers = reader.GetInt64(8),
                    InputTokens = reader.GetInt64(9),
                    OutputTokens = reader.GetInt64(10),
                    Cost = reader.GetDouble(11),
                    ExtraCost = reader.GetDouble(12),
                    BaselineCost = reader.GetDouble(13),
                });
            }
        }

        var latency = Percentiles(connection, "(ts_unix_ms - @start) / @step", startMs, endMs, stepMs);
        var overall = Percentiles(connection, "-1", startMs, endMs, stepMs);
        var checks = new List<(string?, long)>();
        using (var command = Command(connection, EscalationsSql, startMs, endMs, stepMs))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                checks.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1)));
            }
        }

        return new TrafficSummary
        {
            Start = DateTimeOffset.FromUnixTimeMilliseconds(startMs),
            Step = TimeSpan.FromMilliseconds(stepMs),
            Buckets = buckets,
            Groups = groups,
            Latency = latency,
            OverallLatency = overall.Count == 1 ? overall[0] : null,
            EscalationChecks = checks,
        };
    }

    private static List<LatencyPercentiles> Percentiles(DbConnection connection, string bucket, long startMs, long endMs, long stepMs)
    {
        var rows = new List<LatencyPercentiles>();
        using var command = Command(connection, string.Format(System.Globalization.CultureInfo.InvariantCulture, PercentilesSql, bucket), startMs, endMs, stepMs);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new LatencyPercentiles((int)reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4)));
        }

        return rows;
    }

    private static DbCommand Command(DbConnection connection, string sql, long startMs, long endMs, long stepMs)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Add("@start", startMs);
        command.Add("@end", endMs);
        if (sql.Contains("@step", StringComparison.Ordinal))
        {
            command.Add("@step", stepMs);
        }

        return command;
    }
}
