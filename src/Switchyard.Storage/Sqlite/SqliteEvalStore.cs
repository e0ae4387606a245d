using System.Text.Json;
using Microsoft.Data.Sqlite;
using Switchyard.Storage.Evaluation;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// Evaluation runs and their results (<c>switchyard eval</c>) in the gateway's SQLite file. Results are added as they
/// finish, so a run stopped half-way keeps what it measured.
/// </summary>
public sealed class SqliteEvalStore
{
    private const string ResultColumns = """
        run_id, case_id, use_case, model, repeat_index, ts_unix_ms, request_id, deployment, status, stream, answer, score, pass,
        score_detail, latency_ms, ttft_ms, input_tokens, output_tokens, cost_usd, cost_estimated, judge_cost_usd, tries, error
        """;

    private const string RunColumns = "run_id, started_unix_ms, finished_unix_ms, status, suite_name, suite_path, suite_hash, cases, models, repeats, target";

    private readonly SqliteStoreOptions _options;

    /// <summary>Opens the file's evaluation tables, bringing its schema up to date first (never dropping data).</summary>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public SqliteEvalStore(SqliteStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        using var connection = SqliteConnectionFactory.Open(options);
        SqliteMigrations.Apply(connection, Path.GetFullPath(options.Path), time);
    }

    /// <summary>Records a new run (its status <c>running</c>).</summary>
    public void AddRun(EvalRunRecord run)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO eval_runs ({RunColumns}) VALUES ($id, $started, $finished, $status, $name, $path, $hash, $cases, $models, $repeats, $target);";
        var p = command.Parameters;
        p.AddWithValue("$id", run.RunId);
        p.AddWithValue("$started", run.Started.ToUnixTimeMilliseconds());
        p.AddWithValue("$finished", run.Finished is { } finished ? finished.ToUnixTimeMilliseconds() : DBNull.Value);
        p.AddWithValue("$status", run.Status);
        p.AddWithValue("$name", run.SuiteName);
        p.AddWithValue("$path", (object?)run.SuitePath ?? DBNull.Value);
        p.AddWithValue("$hash", run.SuiteHash);
        p.AddWithValue("$cases", run.Cases);
        p.AddWithValue("$models", JsonSerializer.Serialize(run.Models, Storage.Internal.StorageJsonContext.Default.IReadOnlyListString));
        p.AddWithValue("$repeats", run.Repeats);
        p.AddWithValue("$target", (object?)run.Target ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    /// <summary>Marks a run ended: <c>complete</c>, <c>cancelled</c> or <c>failed</c>.</summary>
    public void FinishRun(string runId, string status, DateTimeOffset finished)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE eval_runs SET status = $status, finished_unix_ms = $finished WHERE run_id = $id;";
        command.Parameters.AddWithValue("$status", status);
        command.Parameters.AddWithValue("$finished", finished.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$id", runId);
        command.ExecuteNonQuery();
    }

    /// <summary>Adds results in one transaction (a case, model and repeat seen again replaces its result).</summary>
    public void AddResults(IReadOnlyCollection<EvalResultRecord> results)
    {
        if (results.Count == 0)
        {
            return;
        }

        using var connection = SqliteConnectionFactory.Open(_options);
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT OR REPLACE INTO eval_results ({ResultColumns})
            VALUES ($run, $case, $use, $model, $repeat, $ts, $request, $deployment, $status, $stream, $answer, $score, $pass,
                    $detail, $latency, $ttft, $in, $out, $cost, $estimated, $judge, $tries, $error);
            """;
        foreach (var r in results)
        {
            var p = command.Parameters;
            p.Clear();
            p.AddWithValue("$run", r.RunId);
            p.AddWithValue("$case", r.CaseId);
            p.AddWithValue("$use", r.UseCase);
            p.AddWithValue("$model", r.Model);
            p.AddWithValue("$repeat", r.RepeatIndex);
            p.AddWithValue("$ts", r.Timestamp.ToUnixTimeMilliseconds());
            p.AddWithValue("$request", (object?)r.RequestId ?? DBNull.Value);
            p.AddWithValue("$deployment", (object?)r.Deployment ?? DBNull.Value);
            p.AddWithValue("$status", r.Status);
            p.AddWithValue("$stream", r.Stream ? 1 : 0);
            p.AddWithValue("$answer", (object?)r.Answer ?? DBNull.Value);
            p.AddWithValue("$score", (object?)r.Score ?? DBNull.Value);
            p.AddWithValue("$pass", r.Pass is { } pass ? (pass ? 1 : 0) : DBNull.Value);
            p.AddWithValue("$detail", (object?)r.ScoreDetail ?? DBNull.Value);
            p.AddWithValue("$latency", (object?)r.LatencyMs ?? DBNull.Value);
            p.AddWithValue("$ttft", (object?)r.TimeToFirstTokenMs ?? DBNull.Value);
            p.AddWithValue("$in", (object?)r.InputTokens ?? DBNull.Value);
            p.AddWithValue("$out", (object?)r.OutputTokens ?? DBNull.Value);
            p.AddWithValue("$cost", r.CostUsd is { } cost ? (double)cost : DBNull.Value);
            p.AddWithValue("$estimated", r.CostEstimated ? 1 : 0);
            p.AddWithValue("$judge", r.JudgeCostUsd is { } judge ? (double)judge : DBNull.Value);
            p.AddWithValue("$tries", r.Tries);
            p.AddWithValue("$error", (object?)r.Error ?? DBNull.Value);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>
    /// The run with this id; a unique prefix of at least 6 characters (after <c>run_</c>) is enough, and <c>latest</c> is
    /// the newest run. <see langword="null"/> when none matches, or several do (<paramref name="ambiguous"/> is then true).
    /// </summary>
    public EvalRunRecord? FindRun(string idOrPrefix, out bool ambiguous)
    {
        ambiguous = false;
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        if (idOrPrefix == "latest")
        {
            command.CommandText = $"SELECT {RunColumns} FROM eval_runs ORDER BY started_unix_ms DESC, rowid DESC LIMIT 1;";
        }
        else
        {
            command.CommandText = $"SELECT {RunColumns} FROM eval_runs WHERE run_id = $id OR (length($id) >= 10 AND substr(run_id, 1, length($id)) = $id) LIMIT 2;";
            command.Parameters.AddWithValue("$id", idOrPrefix);
        }

        using var reader = command.ExecuteReader();
        EvalRunRecord? found = null;
        while (reader.Read())
        {
            var run = ReadRun(reader);
            if (run.RunId == idOrPrefix)
            {
                return run;
            }

            if (found is not null)
            {
                ambiguous = true;
                return null;
            }

            found = run;
        }

        return found;
    }

    /// <summary>The newest runs first.</summary>
    public IReadOnlyList<EvalRunRecord> ListRuns(int limit)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RunColumns} FROM eval_runs ORDER BY started_unix_ms DESC, rowid DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var runs = new List<EvalRunRecord>();
        while (reader.Read())
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    /// <summary>Every result of a run, in the order they were added.</summary>
    public IReadOnlyList<EvalResultRecord> Results(string runId)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ResultColumns} FROM eval_results WHERE run_id = $id ORDER BY id;";
        command.Parameters.AddWithValue("$id", runId);
        using var r = command.ExecuteReader();
        var results = new List<EvalResultRecord>();
        while (r.Read())
        {
            results.Add(new EvalResultRecord
            {
                RunId = r.GetString(0),
                CaseId = r.GetString(1),
                UseCase = r.GetString(2),
                Model = r.GetString(3),
                RepeatIndex = r.GetInt32(4),
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
                RequestId = Text(r, 6),
                Deployment = Text(r, 7),
                Status = r.IsDBNull(8) ? 0 : r.GetInt32(8),
                Stream = r.GetInt64(9) != 0,
                Answer = Text(r, 10),
                Score = Real(r, 11),
                Pass = r.IsDBNull(12) ? null : r.GetInt64(12) != 0,
                ScoreDetail = Text(r, 13),
                LatencyMs = Real(r, 14),
                TimeToFirstTokenMs = Real(r, 15),
                InputTokens = r.IsDBNull(16) ? null : r.GetInt32(16),
                OutputTokens = r.IsDBNull(17) ? null : r.GetInt32(17),
                CostUsd = r.IsDBNull(18) ? null : Money(r.GetDouble(18)),
                CostEstimated = r.GetInt64(19) != 0,
                JudgeCostUsd = r.IsDBNull(20) ? null : Money(r.GetDouble(20)),
                Tries = r.GetInt32(21),
                Error = Text(r, 22),
            });
        }

        return results;
    }

    /// <summary>
    /// A cost read back from a REAL column: the gateway states costs to 8 decimal places, so rounding there gives back the
    /// decimal that was stored.
    /// </summary>
    private static decimal Money(double value) => Math.Round((decimal)value, 10, MidpointRounding.ToEven);

    private static EvalRunRecord ReadRun(SqliteDataReader r) => new()
    {
        RunId = r.GetString(0),
        Started = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
        Finished = r.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
        Status = r.GetString(3),
        SuiteName = r.GetString(4),
        SuitePath = Text(r, 5),
        SuiteHash = r.GetString(6),
        Cases = r.GetInt32(7),
        Models = JsonSerializer.Deserialize(r.GetString(8), Storage.Internal.StorageJsonContext.Default.IReadOnlyListString) ?? [],
        Repeats = r.GetInt32(9),
        Target = Text(r, 10),
    };

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static double? Real(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
}
