using System.Data.Common;
using System.Text.Json;
using Switchyard.Storage.Evaluation;
using Switchyard.Storage.Internal;

namespace Switchyard.Storage.Sql;

/// <summary>
/// Evaluation runs and their results (<c>switchyard eval</c>) on either database. Results are added as they finish, so a
/// run stopped half-way keeps what it measured.
/// </summary>
internal sealed class SqlEvalStore(SqlDatabase database) : IEvalStore
{
    private const string ResultColumns = """
        run_id, case_id, use_case, model, repeat_index, ts_unix_ms, request_id, deployment, status, stream, answer, score, pass,
        score_detail, latency_ms, ttft_ms, input_tokens, output_tokens, cost_usd, cost_estimated, judge_cost_usd, tries, error
        """;

    private const string RunColumns = "run_id, started_unix_ms, finished_unix_ms, status, suite_name, suite_path, suite_hash, cases, models, repeats, target";

    // A result seen again (its run, case, model and repeat) replaces the one stored, in the place of the first.
    private static readonly string AddResultSql = $"""
        INSERT INTO eval_results ({ResultColumns})
        VALUES (@run, @case, @use, @model, @repeat, @ts, @request, @deployment, @status, @stream, @answer, @score, @pass,
                @detail, @latency, @ttft, @in, @out, @cost, @estimated, @judge, @tries, @error)
        ON CONFLICT (run_id, case_id, model, repeat_index) DO UPDATE SET
            {string.Join(", ", ResultColumns.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(c => c is not ("run_id" or "case_id" or "model" or "repeat_index")).Select(c => $"{c} = excluded.{c}"))};
        """;

    /// <inheritdoc />
    public void AddRun(EvalRunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO eval_runs ({RunColumns}) VALUES (@id, @started, @finished, @status, @name, @path, @hash, @cases, @models, @repeats, @target);";
        command.Add("@id", run.RunId);
        command.Add("@started", run.Started.ToUnixTimeMilliseconds());
        command.Add("@finished", run.Finished?.ToUnixTimeMilliseconds());
        command.Add("@status", run.Status);
        command.Add("@name", run.SuiteName);
        command.Add("@path", run.SuitePath);
        command.Add("@hash", run.SuiteHash);
        command.Add("@cases", run.Cases);
        command.Add("@models", JsonSerializer.Serialize(run.Models, StorageJsonContext.Default.IReadOnlyListString));
        command.Add("@repeats", run.Repeats);
        command.Add("@target", run.Target);
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public void FinishRun(string runId, string status, DateTimeOffset finished)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE eval_runs SET status = @status, finished_unix_ms = @finished WHERE run_id = @id;";
        command.Add("@status", status);
        command.Add("@finished", finished.ToUnixTimeMilliseconds());
        command.Add("@id", runId);
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public void AddResults(IReadOnlyCollection<EvalResultRecord> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
        {
            return;
        }

        using var connection = database.Open();
        using var transaction = database.BeginWrite(connection);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = AddResultSql;
        foreach (var r in results)
        {
            command.Parameters.Clear();
            command.Add("@run", r.RunId);
            command.Add("@case", r.CaseId);
            command.Add("@use", r.UseCase);
            command.Add("@model", r.Model);
            command.Add("@repeat", r.RepeatIndex);
            command.Add("@ts", r.Timestamp.ToUnixTimeMilliseconds());
            command.Add("@request", r.RequestId);
            command.Add("@deployment", r.Deployment);
            command.Add("@status", r.Status);
            command.Add("@stream", r.Stream);
            command.Add("@answer", r.Answer);
            command.Add("@score", r.Score);
            command.Add("@pass", r.Pass);
            command.Add("@detail", r.ScoreDetail);
            command.Add("@latency", r.LatencyMs);
            command.Add("@ttft", r.TimeToFirstTokenMs);
            command.Add("@in", r.InputTokens);
            command.Add("@out", r.OutputTokens);
            command.Add("@cost", r.CostUsd is { } cost ? (double)cost : null);
            command.Add("@estimated", r.CostEstimated);
            command.Add("@judge", r.JudgeCostUsd is { } judge ? (double)judge : null);
            command.Add("@tries", r.Tries);
            command.Add("@error", r.Error);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <inheritdoc />
    public EvalRunRecord? FindRun(string idOrPrefix, out bool ambiguous)
    {
        ambiguous = false;
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        if (idOrPrefix == "latest")
        {
            command.CommandText = $"SELECT {RunColumns} FROM eval_runs ORDER BY started_unix_ms DESC, {database.EvalRunInsertionOrder} DESC LIMIT 1;";
        }
        else
        {
            command.CommandText = $"SELECT {RunColumns} FROM eval_runs WHERE run_id = @id OR (length(@id) >= 10 AND substr(run_id, 1, length(@id)) = @id) LIMIT 2;";
            command.Add("@id", idOrPrefix);
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

    /// <inheritdoc />
    public IReadOnlyList<EvalRunRecord> ListRuns(int limit)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RunColumns} FROM eval_runs ORDER BY started_unix_ms DESC, {database.EvalRunInsertionOrder} DESC LIMIT @limit;";
        command.Add("@limit", limit);
        using var reader = command.ExecuteReader();
        var runs = new List<EvalRunRecord>();
        while (reader.Read())
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    /// <inheritdoc />
    public IReadOnlyList<EvalResultRecord> Results(string runId)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ResultColumns} FROM eval_results WHERE run_id = @id ORDER BY id;";
        command.Add("@id", runId);
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
                RequestId = r.Text(6),
                Deployment = r.Text(7),
                Status = r.Int(8) ?? 0,
                Stream = r.GetBoolean(9),
                Answer = r.Text(10),
                Score = r.Double(11),
                Pass = r.IsDBNull(12) ? null : r.GetBoolean(12),
                ScoreDetail = r.Text(13),
                LatencyMs = r.Double(14),
                TimeToFirstTokenMs = r.Double(15),
                InputTokens = r.Int(16),
                OutputTokens = r.Int(17),
                CostUsd = Money(r.Double(18)),
                CostEstimated = r.GetBoolean(19),
                JudgeCostUsd = Money(r.Double(20)),
                Tries = r.GetInt32(21),
                Error = r.Text(22),
            });
        }

        return results;
    }

    /// <summary>
    /// A cost read back as a double (SQLite's REAL; PostgreSQL's numeric holds the double's 15 significant digits): the
    /// gateway states costs to 8 decimal places, so rounding to 10 gives back the decimal that was stored.
    /// </summary>
    private static decimal? Money(double? value) => value is { } v ? Math.Round((decimal)v, 10, MidpointRounding.ToEven) : null;

    private static EvalRunRecord ReadRun(DbDataReader r) => new()
    {
        RunId = r.GetString(0),
        Started = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
        Finished = r.Time(2),
        Status = r.GetString(3),
        SuiteName = r.GetString(4),
        SuitePath = r.Text(5),
        SuiteHash = r.GetString(6),
        Cases = r.GetInt32(7),
        Models = JsonSerializer.Deserialize(r.GetString(8), StorageJsonContext.Default.IReadOnlyListString) ?? [],
        Repeats = r.GetInt32(9),
        Target = r.Text(10),
    };
}
