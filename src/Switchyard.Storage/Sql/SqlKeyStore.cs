using System.Data.Common;
using Switchyard.Storage.Audit;
using Switchyard.Storage.Internal;
using Switchyard.Storage.Keys;

namespace Switchyard.Storage.Sql;

/// <summary>Virtual keys (<c>api_keys</c>) on either database; every write with an actor commits with its audit entry.</summary>
internal sealed class SqlKeyStore(SqlDatabase database) : IKeyStore
{
    private const string Columns = "id, hash, team, name, routes, rpm, tpm, confidential, created_unix_ms, expires_unix_ms, revoked_unix_ms, max_concurrency, role, tags, metadata, budget_usd, budget_period";

    /// <inheritdoc/>
    public IAuditTrail Trail { get; } = new SqlAuditTrail(database);

    /// <inheritdoc/>
    public bool Add(ApiKeyRecord key) => Add(key, null);

    /// <inheritdoc/>
    public bool Add(ApiKeyRecord key, DateTimeOffset at, string actor)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        return Add(key, (at, actor));
    }

    /// <inheritdoc/>
    public ApiKeyRecord? Find(string id)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM api_keys WHERE id = @id;";
        command.Add("@id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <inheritdoc/>
    public IReadOnlyList<ApiKeyRecord> List(string? team = null)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM api_keys{(team is null ? "" : " WHERE team = @team")} ORDER BY created_unix_ms DESC, id;";
        if (team is not null)
        {
            command.Add("@team", team);
        }

        var keys = new List<ApiKeyRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    /// <inheritdoc/>
    public bool Revoke(string id, DateTimeOffset at) => Revoke(id, at, null);

    /// <inheritdoc/>
    public bool Revoke(string id, DateTimeOffset at, string? actor)
    {
        using var connection = database.Open();
        using var transaction = database.BeginWrite(connection);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE api_keys SET revoked_unix_ms = @at WHERE id = @id AND revoked_unix_ms IS NULL;";
        command.Add("@id", id);
        command.Add("@at", at.ToUnixTimeMilliseconds());
        if (command.ExecuteNonQuery() != 1)
        {
            return false;
        }

        if (actor is not null)
        {
            SqlAuditTrail.Append(database, connection, transaction, at, actor, "key.revoke", id, null);
        }

        database.Notify(connection, transaction, new StoreChange(StoreChangeKind.Key, id));
        transaction.Commit();
        return true;
    }

    private bool Add(ApiKeyRecord key, (DateTimeOffset At, string Actor)? audit)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var connection = database.Open();
        using var transaction = database.BeginWrite(connection);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO api_keys ({Columns})
            VALUES (@id, @hash, @team, @name, @routes, @rpm, @tpm, @confidential, @created, @expires, @revoked, @concurrency, @role, @tags, @metadata, @budget, @budgetPeriod)
            ON CONFLICT (id) DO NOTHING;
            """;
        command.Add("@id", key.Id);
        command.Add("@hash", key.Hash);
        command.Add("@team", key.Team);
        command.Add("@name", key.Name);
        command.Add("@routes", KeyColumns.List(key.Routes));
        command.Add("@rpm", key.RequestsPerMinute);
        command.Add("@tpm", key.TokensPerMinute);
        command.Add("@confidential", key.Confidential);
        command.Add("@created", key.Created.ToUnixTimeMilliseconds());
        command.Add("@expires", key.Expires?.ToUnixTimeMilliseconds());
        command.Add("@revoked", key.Revoked?.ToUnixTimeMilliseconds());
        command.Add("@concurrency", key.MaxConcurrency);
        command.Add("@role", key.Role);
        command.Add("@tags", KeyColumns.List(key.Tags));
        command.Add("@metadata", KeyColumns.Metadata(key));
        command.Add("@budget", key.BudgetUsd);
        command.Add("@budgetPeriod", key.BudgetPeriod);
        if (command.ExecuteNonQuery() != 1)
        {
            return false;
        }

        if (audit is { } entry)
        {
            SqlAuditTrail.Append(database, connection, transaction, entry.At, entry.Actor, "key.create", key.Id, KeyColumns.Describe(key));
        }

        database.Notify(connection, transaction, new StoreChange(StoreChangeKind.Key, key.Id));
        transaction.Commit();
        return true;
    }

    private static ApiKeyRecord Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Hash = (byte[])reader.GetValue(1),
        Team = reader.GetString(2),
        Name = reader.Text(3),
        Routes = KeyColumns.ParseList(reader.GetString(4)),
        RequestsPerMinute = reader.Int(5),
        TokensPerMinute = reader.Int(6),
        Confidential = reader.GetBoolean(7),
        Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        Expires = reader.Time(9),
        Revoked = reader.Time(10),
        MaxConcurrency = reader.Int(11),
        Role = reader.Text(12),
        Tags = KeyColumns.ParseList(reader.Text(13)),
        Metadata = KeyColumns.ParseMetadata(reader.Text(14)),
        BudgetUsd = reader.Double(15),
        BudgetPeriod = reader.Text(16),
    };
}
