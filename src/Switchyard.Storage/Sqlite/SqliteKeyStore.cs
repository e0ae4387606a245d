using Switchyard.Storage.Audit;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Sql;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// Virtual keys in the gateway's SQLite file (the <c>api_keys</c> table): created and revoked by the CLI (and the admin
/// API), looked up by id by the gateway. Only ids and hashes are stored. The SQL is <see cref="SqlKeyStore"/>'s, shared
/// with PostgreSQL.
/// </summary>
public sealed class SqliteKeyStore : IKeyStore
{
    private readonly SqlKeyStore _keys;

    /// <summary>Opens the file's keys, bringing its schema up to date first (never dropping data).</summary>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public SqliteKeyStore(SqliteStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        SqliteConnectionFactory.Migrate(options, time);
        _keys = new SqlKeyStore(new SqliteDatabase(options));
    }

    /// <inheritdoc/>
    public IAuditTrail Trail => _keys.Trail;

    /// <inheritdoc/>
    public bool Add(ApiKeyRecord key) => _keys.Add(key);

    /// <inheritdoc/>
    public bool Add(ApiKeyRecord key, DateTimeOffset at, string actor) => _keys.Add(key, at, actor);

    /// <inheritdoc/>
    public ApiKeyRecord? Find(string id) => _keys.Find(id);

    /// <inheritdoc/>
    public IReadOnlyList<ApiKeyRecord> List(string? team = null) => _keys.List(team);

    /// <inheritdoc/>
    public bool Revoke(string id, DateTimeOffset at) => _keys.Revoke(id, at);

    /// <inheritdoc/>
    public bool Revoke(string id, DateTimeOffset at, string? actor) => _keys.Revoke(id, at, actor);
}
