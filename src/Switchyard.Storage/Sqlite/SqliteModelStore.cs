using System.Text.Json;
using Microsoft.Data.Sqlite;
using Switchyard.Storage.Internal;
using Switchyard.Storage.Models;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// The model registry in the gateway's SQLite file: one row per model (the record as JSON, with its status in a column
/// of its own for the gateway's cheap reads), its decisions, and an audit entry for every write, all committed together.
/// </summary>
public sealed class SqliteModelStore
{
    private readonly SqliteStoreOptions _options;

    /// <summary>Opens the file's registry, bringing its schema up to date first (never dropping data).</summary>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public SqliteModelStore(SqliteStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        using var connection = SqliteConnectionFactory.Open(options);
        SqliteMigrations.Apply(connection, Path.GetFullPath(options.Path), time);
        Trail = new SqliteAuditTrail(options);
    }

    /// <summary>The file's audit trail, which every registry write goes to.</summary>
    public SqliteAuditTrail Trail { get; }

    /// <summary>Registers a model with its first decision; false when the id is taken.</summary>
    public bool Add(ModelRecord model, ModelDecision decision)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(decision);
        using var connection = SqliteConnectionFactory.Open(_options);
        using var transaction = connection.BeginTransaction(deferred: false);
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT OR IGNORE INTO models (id, status, revision, updated_unix_ms, record) VALUES ($id, $status, 1, $updated, $record);";
        var seal = BindRecord(insert, model with { Revision = 1 });
        if (insert.ExecuteNonQuery() != 1)
        {
            return false;
        }

        Record(connection, transaction, model.Id, decision, seal);
        transaction.Commit();
        return true;
    }

    /// <summary>
    /// Replaces a model's record with a decision, if nobody changed it since <paramref name="model"/>'s revision was read;
    /// false when somebody did (read it again and decide again).
    /// </summary>
    public bool Update(ModelRecord model, ModelDecision decision)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(decision);
        using var connection = SqliteConnectionFactory.Open(_options);
        using var transaction = connection.BeginTransaction(deferred: false);
        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE models SET status = $status, revision = revision + 1, updated_unix_ms = $updated, record = $record WHERE id = $id AND revision = $revision;";
        update.Parameters.AddWithValue("$revision", model.Revision);
        var seal = BindRecord(update, model with { Revision = model.Revision + 1 });
        if (update.ExecuteNonQuery() != 1)
        {
            return false;
        }

        Record(connection, transaction, model.Id, decision, seal);
        transaction.Commit();
        return true;
    }

    /// <summary>The model with this id, or <see langword="null"/>.</summary>
    public ModelRecord? Find(string id)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT record, revision FROM models WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <summary>Every model (in one status, when given), by id.</summary>
    public IReadOnlyList<ModelRecord> List(ModelStatus? status = null)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT record, revision FROM models{(status is null ? "" : " WHERE status = $status")} ORDER BY id;";
        if (status is { } s)
        {
            command.Parameters.AddWithValue("$status", StatusWord(s));
        }

        var models = new List<ModelRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            models.Add(Read(reader));
        }

        return models;
    }

    /// <summary>Every model's status by id: what the gateway reads each second to take revoked models out of routing.</summary>
    public IReadOnlyDictionary<string, ModelStatus> Statuses()
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, status FROM models;";
        var statuses = new Dictionary<string, ModelStatus>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            statuses[reader.GetString(0)] = ParseStatus(reader.GetString(1));
        }

        return statuses;
    }

    /// <summary>
    /// Every model whose row does not match its last audit entry's seal (changed, inserted or deleted outside the registry),
    /// with what differs: the gateway never serves these, and <c>audit verify</c> names them.
    /// </summary>
    public IReadOnlyDictionary<string, string> Tampered()
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        return ModelIntegrity.Check(connection);
    }

    /// <summary>A model's decisions, oldest first.</summary>
    public IReadOnlyList<ModelDecision> Decisions(string id)
    {
        using var connection = SqliteConnectionFactory.Open(_options);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ts_unix_ms, actor, role, action, from_status, to_status, reason FROM model_decisions WHERE model_id = $id ORDER BY seq;";
        command.Parameters.AddWithValue("$id", id);
        var decisions = new List<ModelDecision>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            decisions.Add(new ModelDecision(
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                ParseStatus(reader.GetString(4)), ParseStatus(reader.GetString(5)), reader.GetString(6)));
        }

        return decisions;
    }

    /// <summary>The word a status is stored (and shown) as.</summary>
    public static string StatusWord(ModelStatus status) => status switch
    {
        ModelStatus.Proposed => "proposed",
        ModelStatus.Scanned => "scanned",
        ModelStatus.Approved => "approved",
        ModelStatus.Rejected => "rejected",
        ModelStatus.Deprecated => "deprecated",
        ModelStatus.Revoked => "revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static ModelStatus ParseStatus(string word) => word switch
    {
        "proposed" => ModelStatus.Proposed,
        "scanned" => ModelStatus.Scanned,
        "approved" => ModelStatus.Approved,
        "rejected" => ModelStatus.Rejected,
        "deprecated" => ModelStatus.Deprecated,
        "revoked" => ModelStatus.Revoked,
        // SECURITY: a status this build does not know is never one that serves.
        _ => ModelStatus.Rejected,
    };

    /// <summary>Binds the row's columns; returns the seal of the row as bound, for the decision's audit entry.</summary>
    private static ModelSeal BindRecord(SqliteCommand command, ModelRecord stored)
    {
        var json = JsonSerializer.Serialize(stored, StorageJsonContext.Default.ModelRecord);
        command.Parameters.AddWithValue("$id", stored.Id);
        command.Parameters.AddWithValue("$status", StatusWord(stored.Status));
        command.Parameters.AddWithValue("$updated", stored.Updated.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$record", json);
        return ModelSeal.Of(stored, stored.Status, json);
    }

    private static void Record(SqliteConnection connection, SqliteTransaction transaction, string id, ModelDecision decision, ModelSeal seal)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO model_decisions (model_id, ts_unix_ms, actor, role, action, from_status, to_status, reason) VALUES ($id, $ts, $actor, $role, $action, $from, $to, $reason);";
        insert.Parameters.AddWithValue("$id", id);
        insert.Parameters.AddWithValue("$ts", decision.At.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$actor", decision.Actor);
        insert.Parameters.AddWithValue("$role", decision.Role);
        insert.Parameters.AddWithValue("$action", decision.Action);
        insert.Parameters.AddWithValue("$from", StatusWord(decision.From));
        insert.Parameters.AddWithValue("$to", StatusWord(decision.To));
        insert.Parameters.AddWithValue("$reason", decision.Reason);
        insert.ExecuteNonQuery();
        var change = decision.From == decision.To ? StatusWord(decision.To) : $"{StatusWord(decision.From)} -> {StatusWord(decision.To)}";
        SqliteAuditTrail.Append(connection, transaction, decision.At, decision.Actor, "model." + decision.Action, id, $"role={decision.Role}; status={change}; reason={decision.Reason}; {seal.Format()}");
    }

    private static ModelRecord Read(SqliteDataReader reader)
    {
        var record = JsonSerializer.Deserialize(reader.GetString(0), StorageJsonContext.Default.ModelRecord)
            ?? throw new InvalidDataException("A model row holds no record.");
        return record with { Revision = reader.GetInt32(1) };
    }
}
