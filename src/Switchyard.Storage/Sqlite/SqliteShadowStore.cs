using System.Globalization;
using Microsoft.Data.Sqlite;
using Switchyard.Storage.Shadow;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// Shadow comparisons and their daily counters in the gateway's SQLite file: written in batches by the gateway's shadow
/// writer (off the request path), read by <c>switchyard shadow report</c> and <c>switchyard dataset export</c>.
/// </summary>
public sealed class SqliteShadowStore
{
    private const string Columns = """
        ts_unix_ms, request_id, route, endpoint, label, tags, confidential, request_json,
        incumbent_deployment, incumbent_tier, incumbent_answer, incumbent_score, incumbent_failed, incumbent_judge_score,
        incumbent_latency_ms, incumbent_input_tokens, incumbent_output_tokens, incumbent_cost_usd,
        candidate_deployment, candidate_answer, candidate_score, candidate_failed, candidate_judge_score,
        candidate_latency_ms, candidate_input_tokens, candidate_output_tokens, candidate_cost_usd, candidate_error,
        agreement, agreement_detail, judge_cost_usd, winner
        """;

    private readonly SqliteStoreOptions _options;

    /// <summary>Opens the file's shadow tables, bringing its schema up to date first (never dropping data).</summary>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public SqliteShadowStore(SqliteStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        using var connection = SqliteConnectionFactory.Open(options);
        SqliteMigrations.Apply(connection, Path.GetFullPath(options.Path), time);
    }

    /// <summary>Adds comparisons and counts in one transaction; counts are added to the day's row of their route and candidate.</summary>
    public void Add(IReadOnlyCollection<ShadowComparison> comparisons, IReadOnlyCollection<ShadowCounters> counters)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var transaction = connection.BeginTransaction();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"""
                INSERT INTO shadow_comparisons ({Columns})
                VALUES ($ts, $request, $route, $endpoint, $label, $tags, $confidential, $body,
                        $id, $it, $ia, $is, $if, $ij, $il, $ii, $io, $ic,
                        $cd, $ca, $cs, $cf, $cj, $cl, $ci, $co, $cc, $ce,
                        $agreement, $agreement_detail, $judge_cost, $winner);
                """;
            foreach (var c in comparisons)
            {
                var p = command.Parameters;
                p.Clear();
                p.AddWithValue("$ts", c.Timestamp.ToUnixTimeMilliseconds());
                p.AddWithValue("$request", c.RequestId);
                p.AddWithValue("$route", c.Route);
                p.AddWithValue("$endpoint", c.Endpoint);
                p.AddWithValue("$label", Db(c.Label));
                p.AddWithValue("$tags", Db(c.Tags));
                p.AddWithValue("$confidential", Db(c.Confidential));
                p.AddWithValue("$body", Db(c.Request));
                p.AddWithValue("$id", c.IncumbentDeployment);
                p.AddWithValue("$it", Db(c.IncumbentTier));
                p.AddWithValue("$ia", Db(c.IncumbentAnswer));
                p.AddWithValue("$is", Db(c.IncumbentScore));
                p.AddWithValue("$if", Db(c.IncumbentFailed));
                p.AddWithValue("$ij", Db(c.IncumbentJudgeScore));
                p.AddWithValue("$il", Db(c.IncumbentLatencyMs));
                p.AddWithValue("$ii", Db(c.IncumbentInputTokens));
                p.AddWithValue("$io", Db(c.IncumbentOutputTokens));
                p.AddWithValue("$ic", Db(c.IncumbentCostUsd));
                p.AddWithValue("$cd", c.CandidateDeployment);
                p.AddWithValue("$ca", Db(c.CandidateAnswer));
                p.AddWithValue("$cs", Db(c.CandidateScore));
                p.AddWithValue("$cf", Db(c.CandidateFailed));
                p.AddWithValue("$cj", Db(c.CandidateJudgeScore));
                p.AddWithValue("$cl", Db(c.CandidateLatencyMs));
                p.AddWithValue("$ci", Db(c.CandidateInputTokens));
                p.AddWithValue("$co", Db(c.CandidateOutputTokens));
                p.AddWithValue("$cc", Db(c.CandidateCostUsd));
                p.AddWithValue("$ce", Db(c.CandidateError));
                p.AddWithValue("$agreement", Db(c.Agreement));
                p.AddWithValue("$agreement_detail", Db(c.AgreementDetail));
                p.AddWithValue("$judge_cost", Db(c.JudgeCostUsd));
                p.AddWithValue("$winner", Db(c.Winner));
                command.ExecuteNonQuery();
            }
        }

        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                INSERT INTO shadow_counters (route, candidate, day, sampled, compared, dropped_saturated, skipped_budget, skipped_confidential, candidate_failed)
                VALUES ($route, $candidate, $day, $sampled, $compared, $dropped, $budget, $confidential, $failed)
                ON CONFLICT (route, candidate, day) DO UPDATE SET
                    sampled = sampled + excluded.sampled,
                    compared = compared + excluded.compared,
                    dropped_saturated = dropped_saturated + excluded.dropped_saturated,
                    skipped_budget = skipped_budget + excluded.skipped_budget,
                    skipped_confidential = skipped_confidential + excluded.skipped_confidential,
                    candidate_failed = candidate_failed + excluded.candidate_failed;
                """;
            foreach (var c in counters)
            {
                var p = command.Parameters;
                p.Clear();
                p.AddWithValue("$route", c.Route);
                p.AddWithValue("$candidate", c.Candidate);
                p.AddWithValue("$day", c.Day);
                p.AddWithValue("$sampled", c.Sampled);
                p.AddWithValue("$compared", c.Compared);
                p.AddWithValue("$dropped", c.DroppedSaturated);
                p.AddWithValue("$budget", c.SkippedBudget);
                p.AddWithValue("$confidential", c.SkippedConfidential);
                p.AddWithValue("$failed", c.CandidateFailed);
                command.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    /// <summary>Comparisons at or after <paramref name="since"/> (and before <paramref name="until"/>), of one route when given, oldest first.</summary>
    public IReadOnlyList<ShadowComparison> Query(string? route, DateTimeOffset? since, DateTimeOffset? until = null)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM shadow_comparisons
            WHERE ($route IS NULL OR route = $route) AND ($since IS NULL OR ts_unix_ms >= $since) AND ($until IS NULL OR ts_unix_ms < $until)
            ORDER BY ts_unix_ms, id;
            """;
        command.Parameters.AddWithValue("$route", Db(route));
        command.Parameters.AddWithValue("$since", since is { } s ? s.ToUnixTimeMilliseconds() : DBNull.Value);
        command.Parameters.AddWithValue("$until", until is { } u ? u.ToUnixTimeMilliseconds() : DBNull.Value);
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
                Label = Text(r, 4),
                Tags = Text(r, 5),
                Confidential = Text(r, 6),
                Request = Text(r, 7),
                IncumbentDeployment = r.GetString(8),
                IncumbentTier = Text(r, 9),
                IncumbentAnswer = Text(r, 10),
                IncumbentScore = Real(r, 11),
                IncumbentFailed = Text(r, 12),
                IncumbentJudgeScore = Real(r, 13),
                IncumbentLatencyMs = Real(r, 14),
                IncumbentInputTokens = Int(r, 15),
                IncumbentOutputTokens = Int(r, 16),
                IncumbentCostUsd = Real(r, 17),
                CandidateDeployment = r.GetString(18),
                CandidateAnswer = Text(r, 19),
                CandidateScore = Real(r, 20),
                CandidateFailed = Text(r, 21),
                CandidateJudgeScore = Real(r, 22),
                CandidateLatencyMs = Real(r, 23),
                CandidateInputTokens = Int(r, 24),
                CandidateOutputTokens = Int(r, 25),
                CandidateCostUsd = Real(r, 26),
                CandidateError = Text(r, 27),
                Agreement = Real(r, 28),
                AgreementDetail = Text(r, 29),
                JudgeCostUsd = Real(r, 30),
                Winner = Text(r, 31),
            });
        }

        return comparisons;
    }

    /// <summary>The counters of the days from <paramref name="since"/>'s day on, of one route when given.</summary>
    public IReadOnlyList<ShadowCounters> Counters(string? route, DateTimeOffset? since)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT route, candidate, day, sampled, compared, dropped_saturated, skipped_budget, skipped_confidential, candidate_failed
            FROM shadow_counters WHERE ($route IS NULL OR route = $route) AND ($day IS NULL OR day >= $day) ORDER BY route, candidate, day;
            """;
        command.Parameters.AddWithValue("$route", Db(route));
        command.Parameters.AddWithValue("$day", since is { } s ? Day(s) : DBNull.Value);
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

    /// <summary>
    /// The route's answered requests (2xx, chat and text completions) in the request log from <paramref name="since"/>
    /// to <paramref name="until"/>, and when the first of them came: the volume a switch would apply to.
    /// </summary>
    public (long Requests, DateTimeOffset? First) RouteVolume(string route, DateTimeOffset since, DateTimeOffset until)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT COUNT(*), MIN(ts_unix_ms) FROM request_log
            WHERE route = $route AND ts_unix_ms >= $since AND ts_unix_ms < $until AND status BETWEEN 200 AND 299 AND endpoint <> 'embeddings';
            """;
        command.Parameters.AddWithValue("$route", route);
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
        using var r = command.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)));
    }

    /// <summary>The UTC day of <paramref name="at"/> as the counters key it (<c>yyyy-MM-dd</c>).</summary>
    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static object Db(string? value) => (object?)value ?? DBNull.Value;

    private static object Db(double? value) => (object?)value ?? DBNull.Value;

    private static object Db(int? value) => (object?)value ?? DBNull.Value;

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static double? Real(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static int? Int(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
}
