using Switchyard.Storage.Responses;
using Switchyard.Storage.Sql;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// Stored responses of the Responses API in the gateway's SQLite file (the <c>stored_responses</c> table). The SQL is
/// <see cref="SqlResponseStore"/>'s, shared with PostgreSQL: every read filters by owner and expiry in SQL, so a response
/// another key may not see is never read into memory.
/// </summary>
public sealed class SqliteResponseStore : IResponseStore
{
    private readonly SqlResponseStore _responses;

    /// <summary>Opens the file's stored responses, bringing its schema up to date first (never dropping data).</summary>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public SqliteResponseStore(SqliteStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        SqliteConnectionFactory.Migrate(options, time);
        _responses = new SqlResponseStore(new SqliteDatabase(options));
    }

    /// <inheritdoc />
    public bool Save(StoredResponse response) => _responses.Save(response);

    /// <inheritdoc />
    public StoredResponse? Find(string id, ResponseOwner owner, DateTimeOffset now) => _responses.Find(id, owner, now);

    /// <inheritdoc />
    public IReadOnlyList<StoredResponse> Conversation(string id, ResponseOwner owner, DateTimeOffset now, int maxLength) => _responses.Conversation(id, owner, now, maxLength);

    /// <inheritdoc />
    public bool Delete(string id, ResponseOwner owner, DateTimeOffset now) => _responses.Delete(id, owner, now);

    /// <inheritdoc />
    public int Purge(DateTimeOffset now) => _responses.Purge(now);
}
