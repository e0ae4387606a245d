using System.Text;
using Microsoft.Data.Sqlite;
using Switchyard.Storage.Escalations;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// Escalation records in the gateway's SQLite file: read, reviewed and deleted here (the CLI, the admin API); written with
/// the request log's batches (<see cref="SqliteRequestLogStore"/>), so recording one never touches the request path.
/// </summary>
public sealed class SqliteEscalationStore
{
    private const string Columns = """
        request_id, ts_unix_ms, route, endpoint, label, confidential, request_json,
        cheap_deployment, cheap_tier, cheap_answer, cheap_score, cheap_failed, cheap_reasons, cheap_input_tokens, cheap_output_tokens,
        final_deployment, final_tier, final_answer, final_score, final_failed, final_input_tokens, final_output_tokens,
        review, review_note, reviewed_unix_ms, cheap_judge_score, final_judge_score,
        cheap_cost_usd, cheap_latency_ms, cheap_signals, final_cost_usd, final_latency_ms, final_signals, tags
        """;

    private readonly SqliteStoreOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Opens the file's escalation records, bringing its schema up to date first (never dropping data).</summary>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public SqliteEscalationStore(SqliteStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        using var connection = SqliteConnectionFactory.Open(options);
        SqliteMigrations.Apply(connection, Path.GetFullPath(options.Path), time);
    }

    /// <summary>Records matching <paramref name="query"/>, newest first.</summary>
    public IReadOnlyList<EscalationRecord> Query(EscalationQuery query)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, nameof(query));
        using var connection = SqliteConnectionFactory.Open(_options);
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
            Where("route = $route");
            command.Parameters.AddWithValue("$route", query.Route);
        }

        if (query.Since is { } since)
        {
            Where("ts_unix_ms >= $since");
            command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        }

        if (query.Until is { } until)
        {
            Where("ts_unix_ms < $until");
            command.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
        }

        switch (query.Review)
        {
            case null:
                break;
            case "unreviewed":
                Where("review IS NULL");
                break;
            default:
                Where("review = $review");
                command.Parameters.AddWithValue("$review", query.Review);
                break;
        }

        if (query.MinScore is { } min)
        {
            Where("final_score >= $min");
            command.Parameters.AddWithValue("$min", min);
        }

        if (query.MinJudgeScore is { } minJudge)
        {
            Where("cheap_judge_score >= $min_judge");
            command.Parameters.AddWithValue("$min_judge", minJudge);
        }

        if (query.MaxJudgeScore is { } maxJudge)
        {
            Where("cheap_judge_score <= $max_judge");
            command.Parameters.AddWithValue("$max_judge", maxJudge);
        }

        sql.Append("\nORDER BY ts_unix_ms DESC, rowid DESC LIMIT $limit;");
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.CommandText = sql.ToString();
        var records = new List<EscalationRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            records.Add(Read(reader));
        }

        return records;
    }

    /// <summary>The record of one request, or <see langword="null"/>.</summary>
    public EscalationRecord? Get(string requestId)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM escalations WHERE request_id = $id;";
        command.Parameters.AddWithValue("$id", requestId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <summary>Sets (or clears, with <see langword="null"/>) a reviewer's verdict; false when there is no such record.</summary>
    public bool Review(string requestId, string? review, string? note)
    {
        if (review is not (null or "good" or "bad"))
        {
            throw new ArgumentException($"A review is 'good' or 'bad', not '{review}'.", nameof(review));
        }

        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE escalations SET review = $review, review_note = $note, reviewed_unix_ms = $at WHERE request_id = $id;";
        command.Parameters.AddWithValue("$review", (object?)review ?? DBNull.Value);
        command.Parameters.AddWithValue("$note", (object?)note ?? DBNull.Value);
        command.Parameters.AddWithValue("$at", review is null ? DBNull.Value : _time.GetUtcNow().ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$id", requestId);
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Deletes one record; false when there is no such record.</summary>
    public bool Delete(string requestId)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM escalations WHERE request_id = $id;";
        command.Parameters.AddWithValue("$id", requestId);
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Inserts a record in the connection's current transaction (a request id seen again replaces its record).</summary>
    internal static void Insert(SqliteConnection connection, EscalationRecord record)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT OR REPLACE INTO escalations ({Columns})
            VALUES ($id, $ts, $route, $endpoint, $label, $confidential, $request,
                    $cd, $ct, $ca, $cs, $cf, $cr, $ci, $co, $fd, $ft, $fa, $fs, $ff, $fi, $fo, NULL, NULL, NULL, $cj, $fj,
                    $cc, $cl, $cg, $fc, $fl, $fg, $tags);
            """;
        var p = command.Parameters;
        p.AddWithValue("$id", record.RequestId);
        p.AddWithValue("$ts", record.Timestamp.ToUnixTimeMilliseconds());
        p.AddWithValue("$route", record.Route);
        p.AddWithValue("$endpoint", record.Endpoint);
        p.AddWithValue("$label", (object?)record.Label ?? DBNull.Value);
        p.AddWithValue("$confidential", (object?)record.Confidential ?? DBNull.Value);
        p.AddWithValue("$request", record.Request);
        p.AddWithValue("$cd", record.CheapDeployment);
        p.AddWithValue("$ct", (object?)record.CheapTier ?? DBNull.Value);
        p.AddWithValue("$ca", record.CheapAnswer);
        p.AddWithValue("$cs", record.CheapScore);
        p.AddWithValue("$cf", (object?)record.CheapFailed ?? DBNull.Value);
        p.AddWithValue("$cr", (object?)record.CheapReasons ?? DBNull.Value);
        p.AddWithValue("$ci", (object?)record.CheapInputTokens ?? DBNull.Value);
        p.AddWithValue("$co", (object?)record.CheapOutputTokens ?? DBNull.Value);
        p.AddWithValue("$fd", record.FinalDeployment);
        p.AddWithValue("$ft", (object?)record.FinalTier ?? DBNull.Value);
        p.AddWithValue("$fa", record.FinalAnswer);
        p.AddWithValue("$fs", record.FinalScore);
        p.AddWithValue("$ff", (object?)record.FinalFailed ?? DBNull.Value);
        p.AddWithValue("$fi", (object?)record.FinalInputTokens ?? DBNull.Value);
        p.AddWithValue("$fo", (object?)record.FinalOutputTokens ?? DBNull.Value);
        p.AddWithValue("$cj", (object?)record.CheapJudgeScore ?? DBNull.Value);
        p.AddWithValue("$fj", (object?)record.FinalJudgeScore ?? DBNull.Value);
        p.AddWithValue("$cc", (object?)record.CheapCostUsd ?? DBNull.Value);
        p.AddWithValue("$cl", (object?)record.CheapLatencyMs ?? DBNull.Value);
        p.AddWithValue("$cg", (object?)Signals(record.CheapSignals) ?? DBNull.Value);
        p.AddWithValue("$fc", (object?)record.FinalCostUsd ?? DBNull.Value);
        p.AddWithValue("$fl", (object?)record.FinalLatencyMs ?? DBNull.Value);
        p.AddWithValue("$fg", (object?)Signals(record.FinalSignals) ?? DBNull.Value);
        p.AddWithValue("$tags", (object?)record.Tags ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    /// <summary>Adds imported outcomes in one transaction; returns how many.</summary>
    public int AddSamples(IEnumerable<OutcomeSample> samples)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var transaction = connection.BeginTransaction();
        var count = 0;
        foreach (var sample in samples)
        {
            Insert(connection, sample);
            count++;
        }

        transaction.Commit();
        return count;
    }

    /// <summary>Outcome samples, oldest first; <paramref name="route"/> and <paramref name="since"/> filter when given.</summary>
    public IReadOnlyList<OutcomeSample> QuerySamples(string? route = null, DateTimeOffset? since = null)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT ts_unix_ms, source, route, label, prompt, cheap_failed, cheap_score, strong_score, tags FROM outcome_samples
            WHERE ($route IS NULL OR route = $route) AND ($since IS NULL OR ts_unix_ms >= $since)
            ORDER BY id;
            """;
        command.Parameters.AddWithValue("$route", (object?)route ?? DBNull.Value);
        command.Parameters.AddWithValue("$since", since is { } s ? s.ToUnixTimeMilliseconds() : DBNull.Value);
        var samples = new List<OutcomeSample>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            samples.Add(new OutcomeSample
            {
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
                Source = reader.GetString(1),
                Route = Text(reader, 2),
                Label = Text(reader, 3),
                Prompt = reader.GetString(4),
                CheapFailed = reader.GetInt64(5) != 0,
                CheapScore = reader.IsDBNull(6) ? null : reader.GetDouble(6),
                StrongScore = reader.IsDBNull(7) ? null : reader.GetDouble(7),
                Tags = Text(reader, 8),
            });
        }

        return samples;
    }

    /// <summary>Inserts an outcome sample in the connection's current transaction.</summary>
    internal static void Insert(SqliteConnection connection, OutcomeSample sample)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO outcome_samples (ts_unix_ms, source, route, label, prompt, cheap_failed, cheap_score, strong_score, tags)
            VALUES ($ts, $source, $route, $label, $prompt, $failed, $cheap, $strong, $tags);
            """;
        var p = command.Parameters;
        p.AddWithValue("$ts", sample.Timestamp.ToUnixTimeMilliseconds());
        p.AddWithValue("$source", sample.Source);
        p.AddWithValue("$route", (object?)sample.Route ?? DBNull.Value);
        p.AddWithValue("$label", (object?)sample.Label ?? DBNull.Value);
        p.AddWithValue("$prompt", sample.Prompt);
        p.AddWithValue("$failed", sample.CheapFailed ? 1 : 0);
        p.AddWithValue("$cheap", (object?)sample.CheapScore ?? DBNull.Value);
        p.AddWithValue("$strong", (object?)sample.StrongScore ?? DBNull.Value);
        p.AddWithValue("$tags", (object?)sample.Tags ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private static EscalationRecord Read(SqliteDataReader r) => new()
    {
        RequestId = r.GetString(0),
        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
        Route = r.GetString(2),
        Endpoint = r.GetString(3),
        Label = Text(r, 4),
        Confidential = Text(r, 5),
        Request = r.GetString(6),
        CheapDeployment = r.GetString(7),
        CheapTier = Text(r, 8),
        CheapAnswer = r.GetString(9),
        CheapScore = r.GetDouble(10),
        CheapFailed = Text(r, 11),
        CheapReasons = Text(r, 12),
        CheapInputTokens = Int(r, 13),
        CheapOutputTokens = Int(r, 14),
        FinalDeployment = r.GetString(15),
        FinalTier = Text(r, 16),
        FinalAnswer = r.GetString(17),
        FinalScore = r.GetDouble(18),
        FinalFailed = Text(r, 19),
        FinalInputTokens = Int(r, 20),
        FinalOutputTokens = Int(r, 21),
        Review = Text(r, 22),
        ReviewNote = Text(r, 23),
        ReviewedAt = r.IsDBNull(24) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(24)),
        CheapJudgeScore = r.IsDBNull(25) ? null : r.GetDouble(25),
        FinalJudgeScore = r.IsDBNull(26) ? null : r.GetDouble(26),
        CheapCostUsd = r.IsDBNull(27) ? null : r.GetDouble(27),
        CheapLatencyMs = r.IsDBNull(28) ? null : r.GetDouble(28),
        CheapSignals = Signals(Text(r, 29)),
        FinalCostUsd = r.IsDBNull(30) ? null : r.GetDouble(30),
        FinalLatencyMs = r.IsDBNull(31) ? null : r.GetDouble(31),
        FinalSignals = Signals(Text(r, 32)),
        Tags = Text(r, 33),
    };

    /// <summary>Check signals as a JSON object, keys in order; <see langword="null"/> when there are none.</summary>
    private static string? Signals(IReadOnlyDictionary<string, double>? signals) => signals is { Count: > 0 }
        ? System.Text.Json.JsonSerializer.Serialize(new SortedDictionary<string, double>(signals.ToDictionary(), StringComparer.Ordinal), Storage.Internal.StorageJsonContext.Default.SortedDictionaryStringDouble)
        : null;

    private static SortedDictionary<string, double>? Signals(string? json)
        => json is null ? null : System.Text.Json.JsonSerializer.Deserialize(json, Storage.Internal.StorageJsonContext.Default.SortedDictionaryStringDouble);

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static int? Int(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
}
