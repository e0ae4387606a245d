using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Switchyard.Storage.Audit;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// The append-only, hash-chained audit trail in the gateway's SQLite file (<c>admin_audit</c>): key writes, registry
/// decisions and every other admin action. Each entry's hash is SHA-256 over the previous entry's hash and its own fields,
/// so an edit breaks that entry, a deletion breaks the next one, and a cut tail shows as a gap against the sequence SQLite
/// keeps for the table (and against a head hash kept elsewhere).
/// </summary>
public sealed class SqliteAuditTrail
{
    private readonly SqliteStoreOptions _options;

    /// <summary>Opens the file's trail, bringing its schema up to date first (never dropping data).</summary>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public SqliteAuditTrail(SqliteStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        using var connection = SqliteConnectionFactory.Open(options);
        SqliteMigrations.Apply(connection, Path.GetFullPath(options.Path), time);
    }

    /// <summary>For a store that has brought the schema up to date already.</summary>
    internal SqliteAuditTrail(SqliteStoreOptions options) => _options = options;

    /// <summary>Appends an entry in its own transaction.</summary>
    public void Append(DateTimeOffset at, string actor, string action, string? target, string? detail)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var transaction = connection.BeginTransaction(deferred: false);
        Append(connection, transaction, at, actor, action, target, detail);
        transaction.Commit();
    }

    /// <summary>Appends an entry inside the caller's write transaction, so the change and its record commit together.</summary>
    internal static void Append(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset at, string actor, string action, string? target, string? detail)
    {
        using var last = connection.CreateCommand();
        last.Transaction = transaction;
        last.CommandText = "SELECT hash FROM admin_audit ORDER BY seq DESC LIMIT 1;";
        var previous = last.ExecuteScalar() as byte[] ?? new byte[32];
        var hash = Hash(previous, at.ToUnixTimeMilliseconds(), actor, action, target, detail);
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO admin_audit (ts_unix_ms, actor, action, target, detail, prev_hash, hash) VALUES ($ts, $actor, $action, $target, $detail, $prev, $hash);";
        insert.Parameters.AddWithValue("$ts", at.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$actor", actor);
        insert.Parameters.AddWithValue("$action", action);
        insert.Parameters.AddWithValue("$target", (object?)target ?? DBNull.Value);
        insert.Parameters.AddWithValue("$detail", (object?)detail ?? DBNull.Value);
        insert.Parameters.AddWithValue("$prev", previous);
        insert.Parameters.AddWithValue("$hash", hash);
        insert.ExecuteNonQuery();
    }

    /// <summary>The trail, oldest first (of one target, when given), each entry saying whether it still chains.</summary>
    public IReadOnlyList<AuditEntry> Entries(string? target = null)
    {
        var entries = new List<AuditEntry>();
        Walk((entry, _, _) =>
        {
            if (target is null || entry.Target == target)
            {
                entries.Add(entry);
            }
        });
        return entries;
    }

    /// <summary>
    /// Checks the whole chain and says where it breaks: an entry whose hash does not match its fields was edited; an entry
    /// whose previous hash is not the hash before it, or a jump in the numbering, follows a deletion or an insertion; a
    /// trail shorter than the numbers SQLite handed out lost its tail; a <paramref name="expectedHead"/> not found in the
    /// chain means the trail was rewritten or cut after that head was recorded. Then every registry model's row is
    /// compared with the seal of its last audit entry (<see cref="Models.ModelSeal"/>): a row edited, inserted or deleted
    /// outside the registry is named with what differs.
    /// </summary>
    /// <param name="expectedHead">A head hash (hex) printed by an earlier verify and kept elsewhere, or <see langword="null"/>.</param>
    public AuditVerification Verify(string? expectedHead = null)
    {
        var problems = new List<string>();
        var head = new byte[32];
        var count = 0L;
        var lastSeq = 0L;
        var headSeen = expectedHead is null;
        Walk((entry, previousOk, hashOk) =>
        {
            count++;
            if (entry.Seq != lastSeq + 1)
            {
                problems.Add(entry.Seq > lastSeq + 1
                    ? $"entries {lastSeq + 1}{(entry.Seq - 1 > lastSeq + 1 ? $" to {entry.Seq - 1}" : "")} are missing: deleted before entry {entry.Seq}."
                    : $"entry {entry.Seq} is out of order after entry {lastSeq}.");
            }
            else if (!previousOk)
            {
                problems.Add($"entry {entry.Seq} does not chain to entry {lastSeq}: an entry between them was deleted or inserted, or entry {lastSeq} was rewritten.");
            }

            if (!hashOk)
            {
                problems.Add($"entry {entry.Seq} ({entry.Action} {entry.Target} by {entry.Actor} at {entry.At:u}) was edited: its hash does not match its fields.");
            }

            lastSeq = entry.Seq;
        }, hash =>
        {
            head = hash;
            headSeen |= Convert.ToHexStringLower(hash) == expectedHead?.Trim().ToLowerInvariant();
        });

        using (var connection = SqliteConnectionFactory.Open(_options))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT seq FROM sqlite_sequence WHERE name = 'admin_audit';";
            if (command.ExecuteScalar() is long issued && issued > lastSeq)
            {
                problems.Add($"entries {lastSeq + 1}{(issued > lastSeq + 1 ? $" to {issued}" : "")} are missing: the newest entries were deleted.");
            }
        }

        if (!headSeen)
        {
            problems.Add($"the head {expectedHead} is not in the trail: the trail was rewritten or cut after it was recorded.");
        }

        using (var connection = SqliteConnectionFactory.Open(_options))
        {
            // The trail protects the registry's rows too: each must be as its model's last decision left it.
            problems.AddRange(ModelIntegrity.Check(connection).Select(p => $"model '{p.Key}': {p.Value}"));
        }

        return new AuditVerification(count, Convert.ToHexStringLower(head), problems);
    }

    private void Walk(Action<AuditEntry, bool, bool> visit, Action<byte[]>? hashes = null)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, ts_unix_ms, actor, action, target, detail, prev_hash, hash FROM admin_audit ORDER BY seq;";
        var expected = new byte[32];
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var ts = reader.GetInt64(1);
            var actor = reader.GetString(2);
            var action = reader.GetString(3);
            var target = reader.IsDBNull(4) ? null : reader.GetString(4);
            var detail = reader.IsDBNull(5) ? null : reader.GetString(5);
            var previous = reader.GetValue(6) as byte[] ?? [];
            var hash = reader.GetValue(7) as byte[] ?? [];
            var previousOk = previous.AsSpan().SequenceEqual(expected);
            var hashOk = hash.AsSpan().SequenceEqual(Hash(previous, ts, actor, action, target, detail));
            visit(new AuditEntry(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(ts), actor, action, target, detail, previousOk && hashOk), previousOk, hashOk);
            hashes?.Invoke(hash);
            expected = hash;
        }
    }

    internal static byte[] Hash(byte[] previous, long ts, string actor, string action, string? target, string? detail)
    {
        // Fields joined with a separator no field contains (a unit separator), after the previous hash.
        var text = string.Join('\u001f', ts.ToString(CultureInfo.InvariantCulture), actor, action, target ?? "", detail ?? "");
        return SHA256.HashData([.. previous, .. Encoding.UTF8.GetBytes(text)]);
    }
}
