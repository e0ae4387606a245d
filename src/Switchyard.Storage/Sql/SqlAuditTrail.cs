using System.Data.Common;
using Switchyard.Storage.Audit;
using Switchyard.Storage.Internal;
using Switchyard.Storage.Models;

namespace Switchyard.Storage.Sql;

/// <summary>The audit trail (<c>admin_audit</c>) on either database, chained by <see cref="AuditChain"/>.</summary>
internal sealed class SqlAuditTrail(SqlDatabase database) : IAuditTrail
{
    /// <inheritdoc/>
    public void Append(DateTimeOffset at, string actor, string action, string? target, string? detail)
    {
        using var connection = database.Open();
        using var transaction = database.BeginWrite(connection);
        Append(database, connection, transaction, at, actor, action, target, detail);
        transaction.Commit();
    }

    /// <summary>Appends an entry inside the caller's write transaction, so the change and its record commit together.</summary>
    public static void Append(SqlDatabase database, DbConnection connection, DbTransaction transaction, DateTimeOffset at, string actor, string action, string? target, string? detail)
    {
        // First the number (which takes the appenders' lock where the database needs one), then the head it chains to.
        var seq = database.ReserveAuditSeq(connection, transaction);
        using var last = connection.CreateCommand();
        last.Transaction = transaction;
        last.CommandText = "SELECT hash FROM admin_audit ORDER BY seq DESC LIMIT 1;";
        var previous = last.ExecuteScalar() as byte[] ?? AuditChain.Genesis;
        var ts = at.ToUnixTimeMilliseconds();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = seq is null
            ? "INSERT INTO admin_audit (ts_unix_ms, actor, action, target, detail, prev_hash, hash) VALUES (@ts, @actor, @action, @target, @detail, @prev, @hash);"
            : "INSERT INTO admin_audit (seq, ts_unix_ms, actor, action, target, detail, prev_hash, hash) VALUES (@seq, @ts, @actor, @action, @target, @detail, @prev, @hash);";
        if (seq is { } number)
        {
            insert.Add("@seq", number);
        }

        insert.Add("@ts", ts);
        insert.Add("@actor", actor);
        insert.Add("@action", action);
        insert.Add("@target", target);
        insert.Add("@detail", detail);
        insert.Add("@prev", previous);
        insert.Add("@hash", AuditChain.Hash(previous, ts, actor, action, target, detail));
        insert.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public IReadOnlyList<AuditEntry> Entries(string? target = null)
    {
        using var connection = database.Open();
        return AuditChain.Entries(AuditChain.ReadAll(connection), target);
    }

    /// <inheritdoc/>
    public AuditVerification Verify(string? expectedHead = null)
    {
        using var connection = database.Open();
        // One snapshot: the trail, the highest number handed out and the registry's rows are seen at the same moment.
        using var transaction = database.BeginSnapshot(connection);
        var rows = AuditChain.ReadAll(connection, transaction);
        var issued = database.IssuedAuditSeq(connection, transaction);
        var tampered = ModelIntegrity.Check(connection, transaction);
        transaction.Commit();
        return AuditChain.Verify(rows, issued, expectedHead, tampered);
    }
}
