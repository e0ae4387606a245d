namespace Switchyard.Storage.Audit;

/// <summary>
/// The append-only, hash-chained audit trail: key writes, registry decisions and every other admin action. Each entry's
/// hash is SHA-256 over the previous entry's hash and its own fields (<see cref="AuditChain"/>, the same code for every
/// store), so an edit breaks that entry, a deletion breaks the next one, and a cut tail shows against the highest number
/// the store handed out.
/// </summary>
/// <remarks>
/// Two implementations: <c>SqliteAuditTrail</c> (the SQLite file) and, on PostgreSQL, <c>SqlAuditTrail</c> over its
/// pooled data source; both run the same SQL (<c>Sql/</c>).
/// </remarks>
public interface IAuditTrail
{
    /// <summary>Appends an entry in its own transaction.</summary>
    void Append(DateTimeOffset at, string actor, string action, string? target, string? detail);

    /// <summary>The trail, oldest first (of one target, when given), each entry saying whether it still chains.</summary>
    IReadOnlyList<AuditEntry> Entries(string? target = null);

    /// <summary>
    /// Checks the whole chain and says where it breaks (edits, deletions, insertions, a cut tail, a head not found), then
    /// compares every registry model's row with the seal of its last audit entry (decision 15).
    /// </summary>
    /// <param name="expectedHead">A head hash (hex) printed by an earlier verify and kept elsewhere, or <see langword="null"/>.</param>
    AuditVerification Verify(string? expectedHead = null);
}
