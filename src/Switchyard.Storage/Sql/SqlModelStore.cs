using System.Data.Common;
using System.Text.Json;
using Switchyard.Storage.Audit;
using Switchyard.Storage.Internal;
using Switchyard.Storage.Models;

namespace Switchyard.Storage.Sql;

/// <summary>
/// The model registry (<c>models</c>, <c>model_decisions</c>) on either database: every write commits with its decision
/// and an audit entry sealing the row as written (decision 15).
/// </summary>
internal sealed class SqlModelStore(SqlDatabase database) : IModelStore
{
    /// <inheritdoc/>
    public IAuditTrail Trail { get; } = new SqlAuditTrail(database);

    /// <inheritdoc/>
    public bool Add(ModelRecord model, ModelDecision decision)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(decision);
        using var connection = database.Open();
        using var transaction = database.BeginWrite(connection);
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO models (id, status, revision, updated_unix_ms, record) VALUES (@id, @status, 1, @updated, @record) ON CONFLICT (id) DO NOTHING;";
        var seal = BindRecord(insert, model with { Revision = 1 });
        if (insert.ExecuteNonQuery() != 1)
        {
            return false;
        }

        Record(connection, transaction, model.Id, decision, seal);
        transaction.Commit();
        return true;
    }

    /// <inheritdoc/>
    public bool Update(ModelRecord model, ModelDecision decision)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(decision);
        using var connection = database.Open();
        using var transaction = database.BeginWrite(connection);
        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE models SET status = @status, revision = revision + 1, updated_unix_ms = @updated, record = @record WHERE id = @id AND revision = @revision;";
        update.Add("@revision", model.Revision);
        var seal = BindRecord(update, model with { Revision = model.Revision + 1 });
        if (update.ExecuteNonQuery() != 1)
        {
            return false;
        }

        Record(connection, transaction, model.Id, decision, seal);
        transaction.Commit();
        return true;
    }

    /// <inheritdoc/>
    public ModelRecord? Find(string id)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT record, revision FROM models WHERE id = @id;";
        command.Add("@id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <inheritdoc/>
    public IReadOnlyList<ModelRecord> List(ModelStatus? status = null)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT record, revision FROM models{(status is null ? "" : " WHERE status = @status")} ORDER BY id;";
        if (status is { } s)
        {
            command.Add("@status", ModelStatusWords.Word(s));
        }

        var models = new List<ModelRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            models.Add(Read(reader));
        }

        return models;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, ModelStatus> Statuses()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, status FROM models;";
        var statuses = new Dictionary<string, ModelStatus>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            statuses[reader.GetString(0)] = ModelStatusWords.Parse(reader.GetString(1));
        }

        return statuses;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Tampered()
    {
        using var connection = database.Open();
        using var transaction = database.BeginSnapshot(connection);
        var tampered = ModelIntegrity.Check(connection, transaction);
        transaction.Commit();
        return tampered;
    }

    /// <inheritdoc/>
    public IReadOnlyList<ModelDecision> Decisions(string id)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ts_unix_ms, actor, role, action, from_status, to_status, reason FROM model_decisions WHERE model_id = @id ORDER BY seq;";
        command.Add("@id", id);
        var decisions = new List<ModelDecision>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            decisions.Add(new ModelDecision(
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                ModelStatusWords.Parse(reader.GetString(4)), ModelStatusWords.Parse(reader.GetString(5)), reader.GetString(6)));
        }

        return decisions;
    }

    /// <summary>Binds the row's columns; returns the seal of the row as bound, for the decision's audit entry.</summary>
    private static ModelSeal BindRecord(DbCommand command, ModelRecord stored)
    {
        // The seal digests the JSON exactly as stored: the column is text in both databases (PostgreSQL's jsonb would
        // re-serialise it and break every seal).
        var json = JsonSerializer.Serialize(stored, StorageJsonContext.Default.ModelRecord);
        command.Add("@id", stored.Id);
        command.Add("@status", ModelStatusWords.Word(stored.Status));
        command.Add("@updated", stored.Updated.ToUnixTimeMilliseconds());
        command.Add("@record", json);
        return ModelSeal.Of(stored, stored.Status, json);
    }

    private void Record(DbConnection connection, DbTransaction transaction, string id, ModelDecision decision, ModelSeal seal)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO model_decisions (model_id, ts_unix_ms, actor, role, action, from_status, to_status, reason) VALUES (@id, @ts, @actor, @role, @action, @from, @to, @reason);";
        insert.Add("@id", id);
        insert.Add("@ts", decision.At.ToUnixTimeMilliseconds());
        insert.Add("@actor", decision.Actor);
        insert.Add("@role", decision.Role);
        insert.Add("@action", decision.Action);
        insert.Add("@from", ModelStatusWords.Word(decision.From));
        insert.Add("@to", ModelStatusWords.Word(decision.To));
        insert.Add("@reason", decision.Reason);
        insert.ExecuteNonQuery();
        var change = decision.From == decision.To ? ModelStatusWords.Word(decision.To) : $"{ModelStatusWords.Word(decision.From)} -> {ModelStatusWords.Word(decision.To)}";
        SqlAuditTrail.Append(database, connection, transaction, decision.At, decision.Actor, "model." + decision.Action, id, $"role={decision.Role}; status={change}; reason={decision.Reason}; {seal.Format()}");
        database.Notify(connection, transaction, new StoreChange(StoreChangeKind.Model, id));
    }

    private static ModelRecord Read(DbDataReader reader)
    {
        var record = JsonSerializer.Deserialize(reader.GetString(0), StorageJsonContext.Default.ModelRecord)
            ?? throw new InvalidDataException("A model row holds no record.");
        return record with { Revision = reader.GetInt32(1) };
    }
}
