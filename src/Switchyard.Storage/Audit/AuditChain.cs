using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Switchyard.Storage.Audit;

/// <summary>
/// The audit trail's hash chain, one implementation for every store: how an entry is hashed, how the trail is read
/// (<c>admin_audit</c> has the same columns in SQLite and PostgreSQL), and what a break means. The stores only differ in
/// how they append (each serialises appenders its own way) and where they keep the highest number handed out.
/// </summary>
internal static class AuditChain
{
    private const string SelectAll = "SELECT seq, ts_unix_ms, actor, action, target, detail, prev_hash, hash FROM admin_audit ORDER BY seq;";

    /// <summary>The hash of the first entry's predecessor.</summary>
    public static byte[] Genesis => new byte[32];

    /// <summary>SHA-256 over the previous entry's hash and the fields, joined with a separator no field contains (a unit separator).</summary>
    public static byte[] Hash(byte[] previous, long ts, string actor, string action, string? target, string? detail)
    {
        var text = string.Join('\u001f', ts.ToString(CultureInfo.InvariantCulture), actor, action, target ?? "", detail ?? "");
        return SHA256.HashData([.. previous, .. Encoding.UTF8.GetBytes(text)]);
    }

    /// <summary>Every row of the trail, oldest first.</summary>
    public static List<AuditRow> ReadAll(DbConnection connection, DbTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SelectAll;
        var rows = new List<AuditRow>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    /// <summary>The last entry of every model (actions <c>model.*</c>) by model id: what its row must match.</summary>
    public static Dictionary<string, AuditRow> ReadLastModelEntries(DbConnection connection, DbTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // PERF: a scan of the trail (no index on action); it holds one row per admin action, a few thousand in years,
        // and the gateway asks once a second.
        command.CommandText = """
            SELECT seq, ts_unix_ms, actor, action, target, detail, prev_hash, hash FROM admin_audit
            WHERE seq IN (SELECT MAX(seq) FROM admin_audit WHERE action LIKE 'model.%' AND target IS NOT NULL GROUP BY target);
            """;
        var entries = new Dictionary<string, AuditRow>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var row = Read(reader);
            entries[row.Target!] = row;
        }

        return entries;
    }

    /// <summary>Whether the row's hash matches its fields and its recorded predecessor.</summary>
    public static bool HashMatches(in AuditRow row) => row.Hash.AsSpan().SequenceEqual(Hash(row.PreviousHash, row.TsUnixMs, row.Actor, row.Action, row.Target, row.Detail));

    /// <summary>The entries, oldest first (of one target, when given), each saying whether it still chains.</summary>
    public static IReadOnlyList<AuditEntry> Entries(IReadOnlyList<AuditRow> rows, string? target)
    {
        var entries = new List<AuditEntry>();
        Walk(rows, (entry, _, _) =>
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
    /// trail shorter than the numbers the store handed out (<paramref name="issued"/>) lost its tail; a
    /// <paramref name="expectedHead"/> not found in the chain means the trail was rewritten or cut after that head was
    /// recorded. The registry's rows that do not match their seal (<paramref name="tamperedModels"/>) are named after.
    /// </summary>
    public static AuditVerification Verify(IReadOnlyList<AuditRow> rows, long issued, string? expectedHead, IReadOnlyDictionary<string, string> tamperedModels)
    {
        var problems = new List<string>();
        var head = Genesis;
        var lastSeq = 0L;
        var wanted = expectedHead?.Trim().ToLowerInvariant();
        var headSeen = expectedHead is null;
        Walk(rows, (entry, previousOk, hashOk) =>
        {
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
            headSeen |= Convert.ToHexStringLower(hash) == wanted;
        });

        if (issued > lastSeq)
        {
            problems.Add($"entries {lastSeq + 1}{(issued > lastSeq + 1 ? $" to {issued}" : "")} are missing: the newest entries were deleted.");
        }

        if (!headSeen)
        {
            problems.Add($"the head {expectedHead} is not in the trail: the trail was rewritten or cut after it was recorded.");
        }

        // The trail protects the registry's rows too: each must be as its model's last decision left it.
        problems.AddRange(tamperedModels.Select(p => $"model '{p.Key}': {p.Value}"));
        return new AuditVerification(rows.Count, Convert.ToHexStringLower(head), problems);
    }

    private static void Walk(IReadOnlyList<AuditRow> rows, Action<AuditEntry, bool, bool> visit, Action<byte[]>? hashes = null)
    {
        var expected = Genesis;
        foreach (var row in rows)
        {
            var previousOk = row.PreviousHash.AsSpan().SequenceEqual(expected);
            var hashOk = HashMatches(row);
            visit(new AuditEntry(row.Seq, DateTimeOffset.FromUnixTimeMilliseconds(row.TsUnixMs), row.Actor, row.Action, row.Target, row.Detail, previousOk && hashOk), previousOk, hashOk);
            hashes?.Invoke(row.Hash);
            expected = row.Hash;
        }
    }

    private static AuditRow Read(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.GetValue(6) as byte[] ?? [],
        reader.GetValue(7) as byte[] ?? []);
}
