using Microsoft.Data.Sqlite;
using Switchyard.Storage.Responses;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// Stored responses of the Responses API in the gateway's SQLite file (the <c>stored_responses</c> table). Every read
/// filters by owner and expiry in SQL, so a response another key may not see is never read into memory.
/// </summary>
public sealed class SqliteResponseStore : IResponseStore
{
    private const string Columns = "id, key_id, team, created_unix_ms, expires_unix_ms, previous_id, input_items, response";


    private readonly SqliteStoreOptions _options;

    /// <summary>Opens the file's stored responses, bringing its schema up to date first (never dropping data).</summary>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public SqliteResponseStore(SqliteStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        using var connection = SqliteConnectionFactory.Open(options);
        SqliteMigrations.Apply(connection, Path.GetFullPath(options.Path), time);
    }

    /// <inheritdoc />
    public bool Save(StoredResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = $"INSERT OR IGNORE INTO stored_responses ({Columns}) VALUES ($id, $key, $team, $created, $expires, $previous, $input, $response);";
        command.Parameters.AddWithValue("$id", response.Id);
        command.Parameters.AddWithValue("$key", response.KeyId);
        command.Parameters.AddWithValue("$team", (object?)response.Team ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", response.Created.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$expires", response.Expires.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$previous", (object?)response.PreviousId ?? DBNull.Value);
        command.Parameters.AddWithValue("$input", response.InputItemsJson);
        command.Parameters.AddWithValue("$response", response.ResponseJson);
        return command.ExecuteNonQuery() == 1;
    }

    /// <inheritdoc />
    public StoredResponse? Find(string id, ResponseOwner owner, DateTimeOffset now)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM stored_responses WHERE id = $id AND {Visible()};";
        Bind(command, id, owner, now);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredResponse> Conversation(string id, ResponseOwner owner, DateTimeOffset now, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        // One statement walks the previous_id links back; each link must be visible to the owner itself, so a chain
        // cannot lead into another key's responses.
        command.CommandText = $"""
            WITH RECURSIVE chain(id, previous_id, depth) AS (
                SELECT id, previous_id, 0 FROM stored_responses WHERE id = $id AND {Visible()}
                UNION ALL
                SELECT r.id, r.previous_id, c.depth + 1 FROM chain c JOIN stored_responses r ON r.id = c.previous_id
                WHERE c.depth + 1 < $max AND {Visible("r.")}
            )
            SELECT {string.Join(", ", Columns.Split(", ").Select(c => "s." + c))} FROM chain JOIN stored_responses s ON s.id = chain.id ORDER BY chain.depth DESC;
            """;
        Bind(command, id, owner, now);
        command.Parameters.AddWithValue("$max", maxLength);
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
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM stored_responses WHERE id = $id AND {Visible()};";
        Bind(command, id, owner, now);
        return command.ExecuteNonQuery() == 1;
    }

    /// <inheritdoc />
    public int Purge(DateTimeOffset now)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM stored_responses WHERE expires_unix_ms <= $now;";
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return command.ExecuteNonQuery();
    }

    /// <summary>
    /// SECURITY: the one visibility rule, in every statement: the creating key, or with team sharing any key of its team;
    /// and not expired. A team of NULL (a gateway without keys) never matches a team.
    /// </summary>
    private static string Visible(string alias = "")
        => $"({alias}key_id = $key OR ($share = 1 AND {alias}team IS NOT NULL AND {alias}team = $team)) AND {alias}expires_unix_ms > $now";

    private static void Bind(SqliteCommand command, string id, ResponseOwner owner, DateTimeOffset now)
    {
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$key", owner.KeyId);
        command.Parameters.AddWithValue("$team", (object?)owner.Team ?? DBNull.Value);
        command.Parameters.AddWithValue("$share", owner.ShareWithTeam ? 1 : 0);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
    }

    private static StoredResponse Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        KeyId = reader.GetString(1),
        Team = reader.IsDBNull(2) ? null : reader.GetString(2),
        Created = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        Expires = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        PreviousId = reader.IsDBNull(5) ? null : reader.GetString(5),
        InputItemsJson = reader.GetString(6),
        ResponseJson = reader.GetString(7),
    };
}
