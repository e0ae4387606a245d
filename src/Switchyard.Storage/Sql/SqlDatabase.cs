using System.Data.Common;

namespace Switchyard.Storage.Sql;

/// <summary>
/// What the stores' shared SQL (<see cref="SqlKeyStore"/>, <see cref="SqlModelStore"/>, <see cref="SqlAuditTrail"/>,
/// <see cref="SqlEscalationStore"/>, <see cref="SqlResponseStore"/>, <see cref="SqlShadowStore"/>, <see cref="SqlEvalStore"/>)
/// needs from a database: connections, the two kinds of transaction, how the audit
/// trail numbers its entries, and how other instances hear of a change. Two implementations: the SQLite file and
/// PostgreSQL.
/// </summary>
internal abstract class SqlDatabase
{
    /// <summary>What a reader's tie-break among escalation records of the same millisecond is (insertion order).</summary>
    public abstract string EscalationInsertionOrder { get; }

    /// <summary>What orders a request's cost parts as they were written.</summary>
    public abstract string CostPartInsertionOrder { get; }

    /// <summary>What orders evaluation runs started in the same millisecond (insertion order).</summary>
    public abstract string EvalRunInsertionOrder { get; }

    /// <summary>The UTC day (<c>yyyy-MM-dd</c>) of a column of unix milliseconds, as SQL.</summary>
    public abstract string UtcDay(string column);

    /// <summary>An open connection; the caller disposes it.</summary>
    public abstract DbConnection Open();

    /// <summary>A transaction that writes: it holds what it needs from the start, so it fails before anything is bound.</summary>
    public abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>A transaction whose reads all see the same moment (the registry's rows and the trail's entries together).</summary>
    public abstract DbTransaction BeginSnapshot(DbConnection connection);

    /// <summary>
    /// The number of the audit entry about to be appended in <paramref name="transaction"/>, taking whatever lock keeps
    /// appenders in line; <see langword="null"/> when the database numbers the row itself.
    /// </summary>
    public abstract long? ReserveAuditSeq(DbConnection connection, DbTransaction transaction);

    /// <summary>The highest audit entry number handed out: a trail that ends below it lost its tail.</summary>
    public abstract long IssuedAuditSeq(DbConnection connection, DbTransaction transaction);

    /// <summary>
    /// Takes the lock named <paramref name="name"/> for the rest of <paramref name="transaction"/> (a write), unless another
    /// connection holds it: false then, without waiting. For chores that one instance at a time should do (the purge of
    /// expired responses). The SQLite file's write transaction already excludes every other writer.
    /// </summary>
    public virtual bool TryLock(DbConnection connection, DbTransaction transaction, string name) => true;

    /// <summary>Tells the other instances on the database, when <paramref name="transaction"/> commits, that a key or the registry changed.</summary>
    public virtual void Notify(DbConnection connection, DbTransaction transaction, StoreChange change)
    {
    }
}
