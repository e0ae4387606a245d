using System.Data.Common;
using System.Text.Json;
using Switchyard.Storage.Audit;
using Switchyard.Storage.Internal;

namespace Switchyard.Storage.Models;

/// <summary>
/// Compares every registry model's row with the seal of its last audit entry (<see cref="ModelSeal"/>): a row changed,
/// inserted or deleted outside the registry is named with what differs. <c>audit verify</c> and the gateway's registry
/// gate both ask, on either store (the tables and the trail have the same columns in both).
/// </summary>
internal static class ModelIntegrity
{
    /// <summary>
    /// Every model whose row does not match the audit trail, with why; empty when all match. The rows and the entries are
    /// read in <paramref name="transaction"/>, which the caller opens so that both are seen at the same moment (never a
    /// decision half-way).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Check(DbConnection connection, DbTransaction transaction)
    {
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
        foreach (var (target, row) in AuditChain.ReadLastModelEntries(connection, transaction))
        {
            entries[target] = new LastEntry(row.Seq, DateTimeOffset.FromUnixTimeMilliseconds(row.TsUnixMs), row.Actor, row.Action, row.Detail, AuditChain.HashMatches(row));
        }

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
