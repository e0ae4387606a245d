using System.Data.Common;
using Microsoft.Data.Sqlite;
using Switchyard.Storage.Sql;

namespace Switchyard.Storage.Sqlite.Internal;

/// <summary>The SQLite file as the stores' shared SQL sees it.</summary>
internal sealed class SqliteDatabase(SqliteStoreOptions options) : SqlDatabase
{
    // SQLite keeps a rowid for every table; an escalation replaced by its request id gets a new one, as it always did.
    public override string EscalationInsertionOrder => "rowid";

    public override string CostPartInsertionOrder => "rowid";

    public override string EvalRunInsertionOrder => "rowid";

    public override string UtcDay(string column) => $"strftime('%Y-%m-%d', {column} / 1000, 'unixepoch')";

    public override DbConnection Open() => SqliteConnectionFactory.Open(options);

    // BEGIN IMMEDIATE takes the file's write lock up front: two writers (processes or threads) queue here, and the audit
    // trail's head read inside the transaction is the head the entry chains to.
    public override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    public override DbTransaction BeginSnapshot(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

    // AUTOINCREMENT numbers the row, and never reuses a number: sqlite_sequence keeps the highest handed out.
    public override long? ReserveAuditSeq(DbConnection connection, DbTransaction transaction) => null;

    public override long IssuedAuditSeq(DbConnection connection, DbTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT seq FROM sqlite_sequence WHERE name = 'admin_audit';";
        return command.ExecuteScalar() is long issued ? issued : 0;
    }
}
