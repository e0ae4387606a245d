using Switchyard.Storage.Audit;

namespace Switchyard.Storage.Keys;

/// <summary>
/// Virtual keys (the <c>api_keys</c> table): created and revoked by the CLI and the admin API, looked up by id by the
/// gateway. Only ids and hashes are stored. Every write with an actor commits with its audit entry: both or neither.
/// </summary>
/// <remarks>
/// Two implementations: <c>SqliteKeyStore</c> (the SQLite file) and, on PostgreSQL, <c>SqlKeyStore</c> over its
/// pooled data source; both run the same SQL (<c>Sql/</c>).
/// </remarks>
public interface IKeyStore
{
    /// <summary>The store's audit trail, where key writes go with every other admin action.</summary>
    IAuditTrail Trail { get; }

    /// <summary>Stores a new key without an audit entry (tests, imports); false when its id is taken.</summary>
    bool Add(ApiKeyRecord key);

    /// <summary>Stores a new key and its <c>key.create</c> audit entry in one transaction; false (nothing written) when its id is taken.</summary>
    bool Add(ApiKeyRecord key, DateTimeOffset at, string actor);

    /// <summary>The key with this id, or <see langword="null"/>.</summary>
    ApiKeyRecord? Find(string id);

    /// <summary>Every key (of one team, when given), newest first.</summary>
    IReadOnlyList<ApiKeyRecord> List(string? team = null);

    /// <summary>Revokes a key at <paramref name="at"/>; false when there is no such key or it was already revoked.</summary>
    bool Revoke(string id, DateTimeOffset at);

    /// <summary>
    /// Revokes a key and writes its <c>key.revoke</c> audit entry (when <paramref name="actor"/> is given) in one
    /// transaction; false (nothing written) when there is no such key or it was already revoked.
    /// </summary>
    bool Revoke(string id, DateTimeOffset at, string? actor);
}
