using System.Text.Json;
using Microsoft.Data.Sqlite;
using Switchyard.Storage.Internal;
using Switchyard.Storage.Models;

namespace Switchyard.Storage.Sqlite.Internal;

/// <summary>
/// Compares every registry model's row with the seal of its last audit entry (<see cref="ModelSeal"/>): a row changed,
/// inserted or deleted outside the registry is named with what differs. <c>audit verify</c> and the gateway's registry
/// gate both ask.
/// </summary>
internal static class ModelIntegrity
{
    /// <summary>Every model whose row does not match the audit trail, with why; empty when all match.</summary>
    public static IReadOnlyDictionary<string, string> Check(SqliteConnection connection)
    {
        // One read transaction: the rows and the entries are seen at the same moment, never a decision half-way.
        using var transaction = connection.BeginTransaction(deferred: true);
        var rows = new Dictionary<string, (string Status, string Record)>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT id, status, record FROM models;";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows[reader.GetString(0)] = (reader.GetString(1), reader.GetString(2));
            }
        }

        var entries = new Dictionary<string, LastEntry>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            // PERF: a scan of the trail (no index on action); it holds one row per admin action, a few thousand in years,
            // and the gateway asks once a second.
            command.CommandText = """
                SELECT seq, ts_unix_ms, actor, action, target, detail, prev_hash, hash FROM admin_audit
                WHERE seq IN (SELECT MAX(seq) FROM admin_audit WHERE action LIKE 'model.%' AND target IS NOT NULL GROUP BY target);
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var ts = reader.GetInt64(1);
                var (actor, action, target) = (reader.GetString(2), reader.GetString(3), reader.GetString(4));
                var detail = reader.IsDBNull(5) ? null : reader.GetString(5);
                var previous = reader.GetValue(6) as byte[] ?? [];
                var intact = (reader.GetValue(7) as byte[] ?? []).AsSpan().SequenceEqual(SqliteAuditTrail.Hash(previous, ts, actor, action, target, detail));
                entries[target] = new LastEntry(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(ts), actor, action, detail, intact);
            }
        }

        transaction.Commit();
        var problems = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, (statusWord, json)) in rows)
        {
            if (!entries.TryGetValue(id, out var entry))
            {
                problems[id] = "its row has no entry in the audit trail: it was inserted outside the registry.";
                continue;
            }

            var where = $"its last audit entry {entry.Seq} ({entry.Action} by {entry.Actor} at {entry.At:u})";
            if (!entry.Intact)
            {
                problems[id] = $"{where} was edited: its hash does not match its fields, so the row cannot be checked against it.";
                continue;
            }

            if (!ModelSeal.TryParseStatus(statusWord, out var status))
            {
                problems[id] = $"its status column holds '{statusWord}', which no decision writes.";
                continue;
            }

            var differences = Compare(entry, status, json);
            if (differences.Count > 0)
            {
                problems[id] = $"its row does not match {where}: {string.Join("; ", differences)}. It was changed outside the registry.";
            }
        }

        foreach (var (id, entry) in entries)
        {
            if (!rows.ContainsKey(id))
            {
                problems[id] = $"its row was deleted outside the registry (last audit entry {entry.Seq}, {entry.Action} by {entry.Actor} at {entry.At:u}).";
            }
        }

        return problems;
    }

    private static IReadOnlyList<string> Compare(LastEntry entry, ModelStatus status, string json)
    {
        if (ModelSeal.Find(entry.Detail) is not { } audited)
        {
            // COMPAT: entries written before seals existed record the status only; the next decision seals the record.
            var recorded = ModelSeal.RecordedStatus(entry.Detail);
            return recorded == status ? [] : [$"status is {ModelSeal.Word(status)}, the audit trail last recorded {(recorded is { } r ? ModelSeal.Word(r) : "no status")}"];
        }

        if (audited.Status == status && audited.Record == ModelSeal.RecordDigest(json))
        {
            return [];
        }

        ModelRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(json, StorageJsonContext.Default.ModelRecord);
        }
        catch (JsonException)
        {
            record = null;
        }

        return record is null
            ? [.. audited.Differences(audited with { Status = status }), "its record is not a readable model record"]
            : audited.Differences(ModelSeal.Of(record, status, json));
    }

    private sealed record LastEntry(long Seq, DateTimeOffset At, string Actor, string Action, string? Detail, bool Intact);
}
