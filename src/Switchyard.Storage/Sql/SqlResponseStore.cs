using System.Data.Common;
using Switchyard.Storage.Internal;
using Switchyard.Storage.Responses;

namespace Switchyard.Storage.Sql;

/// <summary>
/// The Responses API's stored responses (the <c>stored_responses</c> table) on either database. Every read filters by
/// owner and expiry in SQL, so a response another key may not see is never read into memory.
/// </summary>
internal sealed class SqlResponseStore(SqlDatabase database) : IResponseStore
{
    private const string Columns = "id, key_id, team, created_unix_ms, expires_unix_ms, previous_id, input_items, response";

    /// <summary>The lock (PostgreSQL: an advisory lock of the transaction) that keeps a second instance out of a purge under way.</summary>
    internal const string PurgeLock = "purge stored_responses";

    /// <inheritdoc />
    public bool Save(StoredResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO stored_responses ({Columns}) VALUES (@id, @key, @team, @created, @expires, @previous, @input, @response)
            ON CONFLICT (id) DO NOTHING;
            """;
        command.Add("@id", response.Id);
        command.Add("@key", response.KeyId);
        command.Add("@team", response.Team);
        command.Add("@created", response.Created.ToUnixTimeMilliseconds());
        command.Add("@expires", response.Expires.ToUnixTimeMilliseconds());
        command.Add("@previous", response.PreviousId);
        command.Add("@input", response.InputItemsJson);
        command.Add("@response", response.ResponseJson);
        return command.ExecuteNonQuery() == 1;
    }

    /// <inheritdoc />
    public StoredResponse? Find(string id, ResponseOwner owner, DateTimeOffset now)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM stored_responses WHERE id = @id AND {Visible()};";
        Bind(command, id, owner, now);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredResponse> Conversation(string id, ResponseOwner owner, DateTimeOffset now, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        // One statement walks the previous_id links back; each link must be visible to the owner itself, so a chain
        // cannot lead into another key's responses.
        command.CommandText = $"""
            WITH RECURSIVE chain(id, previous_id, depth) AS (
                SELECT id, previous_id, 0 FROM stored_responses WHERE id = @id AND {Visible()}
                UNION ALL
                SELECT r.id, r.previous_id, c.depth + 1 FROM chain c JOIN stored_responses r ON r.id = c.previous_id
                WHERE c.depth + 1 < @max AND {Visible("r.")}
            )
            SELECT {string.Join(", ", Columns.Split(", ").Select(c => "s." + c))} FROM chain JOIN stored_responses s ON s.id = chain.id ORDER BY chain.depth DESC;
            """;
        Bind(command, id, owner, now);
        command.Add("@max", maxLength);
        var links = new List<StoredResponse>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            links.Add(Read(reader));
        }

        return links;
    }

    /// <inheritdoc />
    public bool Delete(string id, ResponseOwner owner, DateTimeOffset now)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM stored_responses WHERE id = @id AND {Visible()};";
        Bind(command, id, owner, now);
        return command.ExecuteNonQuery() == 1;
    }

    /// <inheritdoc />
    public int Purge(DateTimeOffset now)
    {
        using var connection = database.Open();
        using var transaction = database.BeginWrite(connection);
        // One purge at a time across instances: two DELETEs of the same rows in different orders could deadlock (one would
        // be aborted), and the second would only wait to find the rows gone. The instance that finds the lock taken
        // leaves the purge to its holder; every read filters expired responses out meanwhile.
        if (!database.TryLock(connection, transaction, PurgeLock))
        {
            return 0;
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM stored_responses WHERE expires_unix_ms <= @now;";
        command.Add("@now", now.ToUnixTimeMilliseconds());
        var purged = command.ExecuteNonQuery();
        transaction.Commit();
        return purged;
    }

    /// <summary>
    /// SECURITY: the one visibility rule, in every statement: the creating key, or with team sharing any key of its team;
    /// and not expired. A team of NULL (a gateway without keys) never matches a team.
    /// </summary>
    private static string Visible(string alias = "")
        => $"({alias}key_id = @key OR (@share AND {alias}team IS NOT NULL AND {alias}team = @team)) AND {alias}expires_unix_ms > @now";

    private static void Bind(DbCommand command, string id, ResponseOwner owner, DateTimeOffset now)
    {
        command.Add("@id", id);
        command.Add("@key", owner.KeyId);
        command.Add("@team", owner.Team);
        command.Add("@share", owner.ShareWithTeam);
        command.Add("@now", now.ToUnixTimeMilliseconds());
    }

    private static StoredResponse Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        KeyId = reader.GetString(1),
        Team = reader.Text(2),
        Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        Expires = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        PreviousId = reader.Text(5),
        InputItemsJson = reader.GetString(6),
        ResponseJson = reader.GetString(7),
    };
}
