using Microsoft.Data.Sqlite;
using Switchyard.Storage.Audit;
using Switchyard.Storage.Internal;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// Virtual keys in the gateway's SQLite file (the <c>api_keys</c> table): created and revoked by the CLI (and the admin
/// API), looked up by id by the gateway. Only ids and hashes are stored.
/// </summary>
public sealed class SqliteKeyStore
{
    private const string Columns = "id, hash, team, name, routes, rpm, tpm, confidential, created_unix_ms, expires_unix_ms, revoked_unix_ms, max_concurrency, role, tags, metadata, budget_usd, budget_period";

    private readonly SqliteStoreOptions _options;

    /// <summary>Opens the file's keys, bringing its schema up to date first (never dropping data).</summary>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public SqliteKeyStore(SqliteStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        using var connection = SqliteConnectionFactory.Open(options);
        SqliteMigrations.Apply(connection, Path.GetFullPath(options.Path), time);
        Trail = new SqliteAuditTrail(options);
    }

    /// <summary>The file's audit trail, where key writes go with every other admin action.</summary>
    public SqliteAuditTrail Trail { get; }

    /// <summary>Stores a new key; false when its id is taken (draw another).</summary>
    public bool Add(ApiKeyRecord key) => Add(key, null);

    /// <summary>
    /// Stores a new key and its <c>key.create</c> entry in the audit trail, in one transaction: both or neither. False
    /// when its id is taken (draw another; nothing is written).
    /// </summary>
    public bool Add(ApiKeyRecord key, DateTimeOffset at, string actor)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        return Add(key, (at, actor));
    }

    /// <summary>What the audit trail says about a key: its terms, never its hash.</summary>
    public static string Describe(ApiKeyRecord key)
    {
        ArgumentNullException.ThrowIfNull(key);
        static string Or(object? value) => value is null ? "-" : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!;
        return $"team={key.Team}; role={key.Role ?? "client"}; routes={string.Join(',', key.Routes)}; rpm={Or(key.RequestsPerMinute)}; tpm={Or(key.TokensPerMinute)}; "
            + $"max_concurrency={Or(key.MaxConcurrency)}; budget={(key.BudgetUsd is { } usd ? Or(usd) + "/" + key.BudgetPeriod : "-")}; "
            + $"expires={(key.Expires is { } expires ? expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) : "-")}; confidential={(key.Confidential ? "yes" : "no")}";
    }

    private bool Add(ApiKeyRecord key, (DateTimeOffset At, string Actor)? audit)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var connection = SqliteConnectionFactory.Open(_options);
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT OR IGNORE INTO api_keys ({Columns}) VALUES ($id, $hash, $team, $name, $routes, $rpm, $tpm, $confidential, $created, $expires, $revoked, $concurrency, $role, $tags, $metadata, $budget, $budgetPeriod);";
        command.Parameters.AddWithValue("$id", key.Id);
        command.Parameters.AddWithValue("$hash", key.Hash);
        command.Parameters.AddWithValue("$team", key.Team);
        command.Parameters.AddWithValue("$name", (object?)key.Name ?? DBNull.Value);
        command.Parameters.AddWithValue("$routes", string.Join(',', key.Routes));
        command.Parameters.AddWithValue("$rpm", (object?)key.RequestsPerMinute ?? DBNull.Value);
        command.Parameters.AddWithValue("$tpm", (object?)key.TokensPerMinute ?? DBNull.Value);
        command.Parameters.AddWithValue("$confidential", key.Confidential ? 1 : 0);
        command.Parameters.AddWithValue("$created", key.Created.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$expires", (object?)key.Expires?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$revoked", (object?)key.Revoked?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$concurrency", (object?)key.MaxConcurrency ?? DBNull.Value);
        command.Parameters.AddWithValue("$role", (object?)key.Role ?? DBNull.Value);
        command.Parameters.AddWithValue("$tags", string.Join(',', key.Tags));
        command.Parameters.AddWithValue("$budget", (object?)key.BudgetUsd ?? DBNull.Value);
        command.Parameters.AddWithValue("$budgetPeriod", (object?)key.BudgetPeriod ?? DBNull.Value);
        command.Parameters.AddWithValue("$metadata", System.Text.Json.JsonSerializer.Serialize(key.Metadata.ToDictionary(), StorageJsonContext.Default.DictionaryStringString));
        if (command.ExecuteNonQuery() != 1)
        {
            return false;
        }

        if (audit is { } entry)
        {
            SqliteAuditTrail.Append(connection, transaction, entry.At, entry.Actor, "key.create", key.Id, Describe(key));
        }

        transaction.Commit();
        return true;
    }

    /// <summary>The key with this id, or <see langword="null"/>.</summary>
    public ApiKeyRecord? Find(string id)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM api_keys WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <summary>Every key (of one team, when given), newest first.</summary>
    public IReadOnlyList<ApiKeyRecord> List(string? team = null)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM api_keys{(team is null ? "" : " WHERE team = $team")} ORDER BY created_unix_ms DESC, id;";
        if (team is not null)
        {
            command.Parameters.AddWithValue("$team", team);
        }

        var keys = new List<ApiKeyRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    /// <summary>Revokes a key at <paramref name="at"/>; false when there is no such key or it was already revoked.</summary>
    public bool Revoke(string id, DateTimeOffset at) => Revoke(id, at, null);

    /// <summary>
    /// Revokes a key and writes its <c>key.revoke</c> entry in the audit trail, in one transaction; false (and nothing
    /// written) when there is no such key or it was already revoked.
    /// </summary>
    public bool Revoke(string id, DateTimeOffset at, string? actor)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE api_keys SET revoked_unix_ms = $at WHERE id = $id AND revoked_unix_ms IS NULL;";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        if (command.ExecuteNonQuery() != 1)
        {
            return false;
        }

        if (actor is not null)
        {
            SqliteAuditTrail.Append(connection, transaction, at, actor, "key.revoke", id, null);
        }

        transaction.Commit();
        return true;
    }

    /// <summary>The audit trail, oldest first, with whether each entry's hash still chains: the first broken one names an edit or a deletion.</summary>
    public IReadOnlyList<AuditEntry> AuditTrail() => Trail.Entries();

    private static ApiKeyRecord Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Hash = (byte[])reader.GetValue(1),
        Team = reader.GetString(2),
        Name = reader.IsDBNull(3) ? null : reader.GetString(3),
        Routes = reader.GetString(4).Split(',', StringSplitOptions.RemoveEmptyEntries),
        RequestsPerMinute = reader.IsDBNull(5) ? null : reader.GetInt32(5),
        TokensPerMinute = reader.IsDBNull(6) ? null : reader.GetInt32(6),
        Confidential = reader.GetInt64(7) != 0,
        Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        Expires = reader.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
        Revoked = reader.IsDBNull(10) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
        MaxConcurrency = reader.IsDBNull(11) ? null : reader.GetInt32(11),
        Role = reader.IsDBNull(12) ? null : reader.GetString(12),
        Tags = reader.IsDBNull(13) ? [] : reader.GetString(13).Split(',', StringSplitOptions.RemoveEmptyEntries),
        Metadata = reader.IsDBNull(14) ? new Dictionary<string, string>() : System.Text.Json.JsonSerializer.Deserialize(reader.GetString(14), StorageJsonContext.Default.DictionaryStringString) ?? [],
        BudgetUsd = reader.IsDBNull(15) ? null : reader.GetDouble(15),
        BudgetPeriod = reader.IsDBNull(16) ? null : reader.GetString(16),
    };
}
