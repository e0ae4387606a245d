using Switchyard.Storage.Audit;
using Switchyard.Storage.Sql;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// The audit trail in the gateway's SQLite file (<c>admin_audit</c>), chained by <see cref="AuditChain"/>. Appends are
/// serialised by SQLite's write lock (<c>BEGIN IMMEDIATE</c>); the highest number handed out is SQLite's own sequence
/// for the table (<c>sqlite_sequence</c>), so a cut tail shows as a gap against it.
/// </summary>
public sealed class SqliteAuditTrail : IAuditTrail
{
    private readonly SqlAuditTrail _trail;

    /// <summary>Opens the file's trail, bringing its schema up to date first (never dropping data).</summary>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public SqliteAuditTrail(SqliteStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        SqliteConnectionFactory.Migrate(options, time);
        _trail = new SqlAuditTrail(new SqliteDatabase(options));
    }

    /// <inheritdoc/>
    public void Append(DateTimeOffset at, string actor, string action, string? target, string? detail) => _trail.Append(at, actor, action, target, detail);

    /// <inheritdoc/>
    public IReadOnlyList<AuditEntry> Entries(string? target = null) => _trail.Entries(target);

    /// <inheritdoc/>
    public AuditVerification Verify(string? expectedHead = null) => _trail.Verify(expectedHead);
}
