using System.Text;
using System.Data.Common;
using Switchyard.Storage.Escalations;
using Switchyard.Storage.Internal;

namespace Switchyard.Storage.Sql;

/// <summary>
/// Escalation records and outcome samples on either database: read, reviewed and deleted here; written with the request
/// log's batches (<see cref="Insert(DbConnection, DbTransaction, EscalationRecord)"/>), so recording one never touches the
/// request path.
/// </summary>
internal sealed class SqlEscalationStore(SqlDatabase database, TimeProvider time) : IEscalationStore
{
    private const string Columns = """
        request_id, ts_unix_ms, route, endpoint, label, confidential, request_json,
        cheap_deployment, cheap_tier, cheap_answer, cheap_score, cheap_failed, cheap_reasons, cheap_input_tokens, cheap_output_tokens,
        final_deployment, final_tier, final_answer, final_score, final_failed, final_input_tokens, final_output_tokens,
        review, review_note, reviewed_unix_ms, cheap_judge_score, final_judge_score,
        cheap_cost_usd, cheap_latency_ms, cheap_signals, final_cost_usd, final_latency_ms, final_signals, tags
        """;

    private static readonly string InsertSql = $"""
        INSERT INTO escalations ({Columns})
        VALUES (@id, @ts, @route, @endpoint, @label, @confidential, @request,
                @cd, @ct, @ca, @cs, @cf, @cr, @ci, @co, @fd, @ft, @fa, @fs, @ff, @fi, @fo, NULL, NULL, NULL, @cj, @fj,
                @cc, @cl, @cg, @fc, @fl, @fg, @tags)
        ON CONFLICT (request_id) DO UPDATE SET {string.Join(", ", Columns.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(c => $"{c} = excluded.{c}"))};
        """;

    /// <inheritdoc/>
    public IReadOnlyList<EscalationRecord> Query(EscalationQuery query)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, nameof(query));
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT ").Append(Columns).Append(" FROM escalations");
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

        if (query.Since is { } since)
        {
            Where("ts_unix_ms >= @since");
            command.Add("@since", since.ToUnixTimeMilliseconds());
        }

        if (query.Until is { } until)
        {
            Where("ts_unix_ms < @until");
            command.Add("@until", until.ToUnixTimeMilliseconds());
        }

        switch (query.Review)
        {
            case null:
                break;
            case "unreviewed":
                Where("review IS NULL");
                break;
            default:
                Where("review = @review");
                command.Add("@review", query.Review);
                break;
        }

        if (query.MinScore is { } min)
        {
            Where("final_score >= @min");
            command.Add("@min", min);
        }

        if (query.MinJudgeScore is { } minJudge)
        {
            Where("cheap_judge_score >= @min_judge");
            command.Add("@min_judge", minJudge);
        }

        if (query.MaxJudgeScore is { } maxJudge)
        {
            Where("cheap_judge_score <= @max_judge");
            command.Add("@max_judge", maxJudge);
        }

        sql.Append($"\nORDER BY ts_unix_ms DESC, {database.EscalationInsertionOrder} DESC LIMIT @limit;");
        command.Add("@limit", query.Limit);
        command.CommandText = sql.ToString();
        var records = new List<EscalationRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            records.Add(Read(reader));
        }

        return records;
    }

    /// <inheritdoc/>
    public EscalationRecord? Get(string requestId)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM escalations WHERE request_id = @id;";
        command.Add("@id", requestId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <inheritdoc/>
    public bool Review(string requestId, string? review, string? note)
    {
        if (review is not (null or "good" or "bad"))
        {
            throw new ArgumentException($"A review is 'good' or 'bad', not '{review}'.", nameof(review));
        }

        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE escalations SET review = @review, review_note = @note, reviewed_unix_ms = @at WHERE request_id = @id;";
        command.Add("@review", review);
        command.Add("@note", note);
        command.Add("@at", review is null ? null : time.GetUtcNow().ToUnixTimeMilliseconds());
        command.Add("@id", requestId);
        return command.ExecuteNonQuery() == 1;
    }

    /// <inheritdoc/>
    public bool Delete(string requestId)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM escalations WHERE request_id = @id;";
        command.Add("@id", requestId);
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>
    /// Inserts a record in <paramref name="transaction"/>. A request id seen again replaces its record (and clears its
    /// review), as SQLite's <c>INSERT OR REPLACE</c> did: a request log batch replayed after an outage writes the same.
    /// </summary>
    public static void Insert(DbConnection connection, DbTransaction transaction, EscalationRecord record)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertSql;
        command.Add("@id", record.RequestId);
        command.Add("@ts", record.Timestamp.ToUnixTimeMilliseconds());
        command.Add("@route", record.Route);
        command.Add("@endpoint", record.Endpoint);
        command.Add("@label", record.Label);
        command.Add("@confidential", record.Confidential);
        command.Add("@request", record.Request);
        command.Add("@cd", record.CheapDeployment);
        command.Add("@ct", record.CheapTier);
        command.Add("@ca", record.CheapAnswer);
        command.Add("@cs", record.CheapScore);
        command.Add("@cf", record.CheapFailed);
        command.Add("@cr", record.CheapReasons);
        command.Add("@ci", record.CheapInputTokens);
        command.Add("@co", record.CheapOutputTokens);
        command.Add("@fd", record.FinalDeployment);
        command.Add("@ft", record.FinalTier);
        command.Add("@fa", record.FinalAnswer);
        command.Add("@fs", record.FinalScore);
        command.Add("@ff", record.FinalFailed);
        command.Add("@fi", record.FinalInputTokens);
        command.Add("@fo", record.FinalOutputTokens);
        command.Add("@cj", record.CheapJudgeScore);
        command.Add("@fj", record.FinalJudgeScore);
        command.Add("@cc", record.CheapCostUsd);
        command.Add("@cl", record.CheapLatencyMs);
        command.Add("@cg", Signals(record.CheapSignals));
        command.Add("@fc", record.FinalCostUsd);
        command.Add("@fl", record.FinalLatencyMs);
        command.Add("@fg", Signals(record.FinalSignals));
        command.Add("@tags", record.Tags);
        command.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public int AddSamples(IEnumerable<OutcomeSample> samples)
    {
        using var connection = database.Open();
        using var transaction = database.BeginWrite(connection);
        var count = 0;
        foreach (var sample in samples)
        {
            Insert(connection, transaction, sample);
            count++;
        }

        transaction.Commit();
        return count;
    }

    /// <inheritdoc/>
    public IReadOnlyList<OutcomeSample> QuerySamples(string? route = null, DateTimeOffset? since = null)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT ts_unix_ms, source, route, label, prompt, cheap_failed, cheap_score, strong_score, tags FROM outcome_samples
            WHERE (@route IS NULL OR route = @route) AND (@since IS NULL OR ts_unix_ms >= @since)
            ORDER BY id;
            """;
        command.Add("@route", route);
        command.Add("@since", since?.ToUnixTimeMilliseconds());
        var samples = new List<OutcomeSample>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            samples.Add(new OutcomeSample
            {
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
                Source = reader.GetString(1),
                Route = reader.Text(2),
                Label = reader.Text(3),
                Prompt = reader.GetString(4),
                CheapFailed = reader.GetBoolean(5),
                CheapScore = reader.IsDBNull(6) ? null : reader.GetDouble(6),
                StrongScore = reader.IsDBNull(7) ? null : reader.GetDouble(7),
                Tags = reader.Text(8),
            });
        }

        return samples;
    }

    /// <summary>
    /// Inserts an outcome sample in <paramref name="transaction"/>. With a <paramref name="logKey"/> (PostgreSQL's request
    /// log, whose batches may be replayed after an outage) a sample already written under that key is not written again.
    /// </summary>
    public static void Insert(DbConnection connection, DbTransaction transaction, OutcomeSample sample, Guid? logKey = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = logKey is null
            ? """
              INSERT INTO outcome_samples (ts_unix_ms, source, route, label, prompt, cheap_failed, cheap_score, strong_score, tags)
              VALUES (@ts, @source, @route, @label, @prompt, @failed, @cheap, @strong, @tags);
              """
            : """
              INSERT INTO outcome_samples (ts_unix_ms, source, route, label, prompt, cheap_failed, cheap_score, strong_score, tags, log_key)
              VALUES (@ts, @source, @route, @label, @prompt, @failed, @cheap, @strong, @tags, @key)
              ON CONFLICT (log_key) DO NOTHING;
              """;
        if (logKey is { } key)
        {
            command.Add("@key", key);
        }

        command.Add("@ts", sample.Timestamp.ToUnixTimeMilliseconds());
        command.Add("@source", sample.Source);
        command.Add("@route", sample.Route);
        command.Add("@label", sample.Label);
        command.Add("@prompt", sample.Prompt);
        command.Add("@failed", sample.CheapFailed);
        command.Add("@cheap", sample.CheapScore);
        command.Add("@strong", sample.StrongScore);
        command.Add("@tags", sample.Tags);
        command.ExecuteNonQuery();
    }

    private static EscalationRecord Read(DbDataReader r) => new()
    {
        RequestId = r.GetString(0),
        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
        Route = r.GetString(2),
        Endpoint = r.GetString(3),
        Label = r.Text(4),
        Confidential = r.Text(5),
        Request = r.GetString(6),
        CheapDeployment = r.GetString(7),
        CheapTier = r.Text(8),
        CheapAnswer = r.GetString(9),
        CheapScore = r.GetDouble(10),
        CheapFailed = r.Text(11),
        CheapReasons = r.Text(12),
        CheapInputTokens = r.Int(13),
        CheapOutputTokens = r.Int(14),
        FinalDeployment = r.GetString(15),
        FinalTier = r.Text(16),
        FinalAnswer = r.GetString(17),
        FinalScore = r.GetDouble(18),
        FinalFailed = r.Text(19),
        FinalInputTokens = r.Int(20),
        FinalOutputTokens = r.Int(21),
        Review = r.Text(22),
        ReviewNote = r.Text(23),
        ReviewedAt = r.IsDBNull(24) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(24)),
        CheapJudgeScore = r.IsDBNull(25) ? null : r.GetDouble(25),
        FinalJudgeScore = r.IsDBNull(26) ? null : r.GetDouble(26),
        CheapCostUsd = r.IsDBNull(27) ? null : r.GetDouble(27),
        CheapLatencyMs = r.IsDBNull(28) ? null : r.GetDouble(28),
        CheapSignals = Signals(r.Text(29)),
        FinalCostUsd = r.IsDBNull(30) ? null : r.GetDouble(30),
        FinalLatencyMs = r.IsDBNull(31) ? null : r.GetDouble(31),
        FinalSignals = Signals(r.Text(32)),
        Tags = r.Text(33),
    };

    /// <summary>Check signals as a JSON object, keys in order; <see langword="null"/> when there are none.</summary>
    private static string? Signals(IReadOnlyDictionary<string, double>? signals) => signals is { Count: > 0 }
        ? System.Text.Json.JsonSerializer.Serialize(new SortedDictionary<string, double>(signals.ToDictionary(), StringComparer.Ordinal), Storage.Internal.StorageJsonContext.Default.SortedDictionaryStringDouble)
        : null;

    private static SortedDictionary<string, double>? Signals(string? json)
        => json is null ? null : System.Text.Json.JsonSerializer.Deserialize(json, Storage.Internal.StorageJsonContext.Default.SortedDictionaryStringDouble);
}
