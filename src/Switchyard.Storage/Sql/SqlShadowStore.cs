using System.Data.Common;
using Switchyard.Storage.Internal;
using Switchyard.Storage.Shadow;

namespace Switchyard.Storage.Sql;

/// <summary>
/// Shadow comparisons and their daily counters on either database: written in batches by the gateway's shadow writer,
/// read by <c>switchyard shadow report</c>, <c>switchyard dataset export</c> and the shadow budget's seed.
/// </summary>
internal sealed class SqlShadowStore(SqlDatabase database) : IShadowStore
{
    private const string Columns = """
        ts_unix_ms, request_id, route, endpoint, label, tags, confidential, request_json,
        incumbent_deployment, incumbent_tier, incumbent_answer, incumbent_score, incumbent_failed, incumbent_judge_score,
        incumbent_latency_ms, incumbent_input_tokens, incumbent_output_tokens, incumbent_cost_usd,
        candidate_deployment, candidate_answer, candidate_score, candidate_failed, candidate_judge_score,
        candidate_latency_ms, candidate_input_tokens, candidate_output_tokens, candidate_cost_usd, candidate_error,
        agreement, agreement_detail, judge_cost_usd, winner
        """;

    private const string CounterColumns = "sampled, compared, dropped_saturated, skipped_budget, skipped_confidential, candidate_failed";

    private const string InsertSql = $"""
        INSERT INTO shadow_comparisons ({Columns})
        VALUES (@ts, @request, @route, @endpoint, @label, @tags, @confidential, @body,
                @id, @it, @ia, @is, @if, @ij, @il, @ii, @io, @ic,
                @cd, @ca, @cs, @cf, @cj, @cl, @ci, @co, @cc, @ce,
                @agreement, @agreement_detail, @judge_cost, @winner);
        """;

    // Every count is added to what the day's row holds: instances writing the same route's day at once each add theirs
    // (the upsert is atomic on both databases).
    private static readonly string AddCountersSql = $"""
        INSERT INTO shadow_counters (route, candidate, day, {CounterColumns})
        VALUES (@route, @candidate, @day, @sampled, @compared, @dropped, @budget, @confidential, @failed)
        ON CONFLICT (route, candidate, day) DO UPDATE SET
        {string.Join(",\n", CounterColumns.Split(", ").Select(c => $"    {c} = shadow_counters.{c} + excluded.{c}"))};
        """;

    /// <inheritdoc />
    public void Add(IReadOnlyCollection<ShadowComparison> comparisons, IReadOnlyCollection<ShadowCounters> counters)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        ArgumentNullException.ThrowIfNull(counters);
        using var connection = database.Open();
        using var transaction = database.BeginWrite(connection);
        using (var insert = connection.CreateCommand())
        {
            // One command re-bound per comparison (SQLite prepares it once).
            insert.Transaction = transaction;
            insert.CommandText = InsertSql;
            foreach (var c in comparisons)
            {
                insert.Parameters.Clear();
                Bind(insert, c);
                insert.ExecuteNonQuery();
            }
        }

        // In key order: two instances updating the same days' rows take their row locks in one order, so neither waits on
        // the other while holding what the other needs (PostgreSQL would abort one as a deadlock).
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = AddCountersSql;
        foreach (var c in counters.OrderBy(c => c.Route, StringComparer.Ordinal).ThenBy(c => c.Candidate, StringComparer.Ordinal).ThenBy(c => c.Day, StringComparer.Ordinal))
        {
            command.Parameters.Clear();
            command.Add("@route", c.Route);
            command.Add("@candidate", c.Candidate);
            command.Add("@day", c.Day);
            command.Add("@sampled", c.Sampled);
            command.Add("@compared", c.Compared);
            command.Add("@dropped", c.DroppedSaturated);
            command.Add("@budget", c.SkippedBudget);
            command.Add("@confidential", c.SkippedConfidential);
            command.Add("@failed", c.CandidateFailed);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <inheritdoc />
    public IReadOnlyList<ShadowComparison> Query(string? route, DateTimeOffset? since, DateTimeOffset? until = null)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM shadow_comparisons
            WHERE (@route IS NULL OR route = @route) AND (@since IS NULL OR ts_unix_ms >= @since) AND (@until IS NULL OR ts_unix_ms < @until)
            ORDER BY ts_unix_ms, id;
            """;
        command.Add("@route", route);
        command.Add("@since", since?.ToUnixTimeMilliseconds());
        command.Add("@until", until?.ToUnixTimeMilliseconds());
        using var r = command.ExecuteReader();
        var comparisons = new List<ShadowComparison>();
        while (r.Read())
        {
            comparisons.Add(new ShadowComparison
            {
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)),
                RequestId = r.GetString(1),
                Route = r.GetString(2),
                Endpoint = r.GetString(3),
                Label = r.Text(4),
                Tags = r.Text(5),
                Confidential = r.Text(6),
                Request = r.Text(7),
                IncumbentDeployment = r.GetString(8),
                IncumbentTier = r.Text(9),
                IncumbentAnswer = r.Text(10),
                IncumbentScore = r.Double(11),
                IncumbentFailed = r.Text(12),
                IncumbentJudgeScore = r.Double(13),
                IncumbentLatencyMs = r.Double(14),
                IncumbentInputTokens = r.Int(15),
                IncumbentOutputTokens = r.Int(16),
                IncumbentCostUsd = r.Double(17),
                CandidateDeployment = r.GetString(18),
                CandidateAnswer = r.Text(19),
                CandidateScore = r.Double(20),
                CandidateFailed = r.Text(21),
                CandidateJudgeScore = r.Double(22),
                CandidateLatencyMs = r.Double(23),
                CandidateInputTokens = r.Int(24),
                CandidateOutputTokens = r.Int(25),
                CandidateCostUsd = r.Double(26),
                CandidateError = r.Text(27),
                Agreement = r.Double(28),
                AgreementDetail = r.Text(29),
                JudgeCostUsd = r.Double(30),
                Winner = r.Text(31),
            });
        }

        return comparisons;
    }

    /// <inheritdoc />
    public IReadOnlyList<ShadowCounters> Counters(string? route, DateTimeOffset? since)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT route, candidate, day, {CounterColumns}
            FROM shadow_counters WHERE (@route IS NULL OR route = @route) AND (@day IS NULL OR day >= @day) ORDER BY route, candidate, day;
            """;
        command.Add("@route", route);
        command.Add("@day", since is { } s ? ShadowCounters.DayOf(s) : null);
        using var r = command.ExecuteReader();
        var counters = new List<ShadowCounters>();
        while (r.Read())
        {
            counters.Add(new ShadowCounters
            {
                Route = r.GetString(0),
                Candidate = r.GetString(1),
                Day = r.GetString(2),
                Sampled = r.GetInt64(3),
                Compared = r.GetInt64(4),
                DroppedSaturated = r.GetInt64(5),
                SkippedBudget = r.GetInt64(6),
                SkippedConfidential = r.GetInt64(7),
                CandidateFailed = r.GetInt64(8),
            });
        }

        return counters;
    }

    /// <inheritdoc />
    public (long Requests, DateTimeOffset? First) RouteVolume(string route, DateTimeOffset since, DateTimeOffset until)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT COUNT(*), MIN(ts_unix_ms) FROM request_log
            WHERE route = @route AND ts_unix_ms >= @since AND ts_unix_ms < @until AND status BETWEEN 200 AND 299 AND endpoint <> 'embeddings';
            """;
        command.Add("@route", route);
        command.Add("@since", since.ToUnixTimeMilliseconds());
        command.Add("@until", until.ToUnixTimeMilliseconds());
        using var r = command.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.Time(1));
    }

    private static void Bind(DbCommand command, ShadowComparison c)
    {
        command.Add("@ts", c.Timestamp.ToUnixTimeMilliseconds());
        command.Add("@request", c.RequestId);
        command.Add("@route", c.Route);
        command.Add("@endpoint", c.Endpoint);
        command.Add("@label", c.Label);
        command.Add("@tags", c.Tags);
        command.Add("@confidential", c.Confidential);
        command.Add("@body", c.Request);
        command.Add("@id", c.IncumbentDeployment);
        command.Add("@it", c.IncumbentTier);
        command.Add("@ia", c.IncumbentAnswer);
        command.Add("@is", c.IncumbentScore);
        command.Add("@if", c.IncumbentFailed);
        command.Add("@ij", c.IncumbentJudgeScore);
        command.Add("@il", c.IncumbentLatencyMs);
        command.Add("@ii", c.IncumbentInputTokens);
        command.Add("@io", c.IncumbentOutputTokens);
        command.Add("@ic", c.IncumbentCostUsd);
        command.Add("@cd", c.CandidateDeployment);
        command.Add("@ca", c.CandidateAnswer);
        command.Add("@cs", c.CandidateScore);
        command.Add("@cf", c.CandidateFailed);
        command.Add("@cj", c.CandidateJudgeScore);
        command.Add("@cl", c.CandidateLatencyMs);
        command.Add("@ci", c.CandidateInputTokens);
        command.Add("@co", c.CandidateOutputTokens);
        command.Add("@cc", c.CandidateCostUsd);
        command.Add("@ce", c.CandidateError);
        command.Add("@agreement", c.Agreement);
        command.Add("@agreement_detail", c.AgreementDetail);
        command.Add("@judge_cost", c.JudgeCostUsd);
        command.Add("@winner", c.Winner);
    }
}
