using Switchyard.Storage.Audit;
using Switchyard.Storage.Models;
using Switchyard.Storage.Sql;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// The model registry in the gateway's SQLite file: one row per model (the record as JSON, with its status in a column
/// of its own for the gateway's cheap reads), its decisions, and an audit entry for every write, all committed together.
/// The SQL is <see cref="SqlModelStore"/>'s, shared with PostgreSQL.
/// </summary>
public sealed class SqliteModelStore : IModelStore
{
    private readonly SqlModelStore _models;

    /// <summary>Opens the file's registry, bringing its schema up to date first (never dropping data).</summary>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public SqliteModelStore(SqliteStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        SqliteConnectionFactory.Migrate(options, time);
        _models = new SqlModelStore(new SqliteDatabase(options));
    }

    /// <inheritdoc/>
    public IAuditTrail Trail => _models.Trail;

    /// <inheritdoc/>
    public bool Add(ModelRecord model, ModelDecision decision) => _models.Add(model, decision);

    /// <inheritdoc/>
    public bool Update(ModelRecord model, ModelDecision decision) => _models.Update(model, decision);

    /// <inheritdoc/>
    public ModelRecord? Find(string id) => _models.Find(id);

    /// <inheritdoc/>
    public IReadOnlyList<ModelRecord> List(ModelStatus? status = null) => _models.List(status);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, ModelStatus> Statuses() => _models.Statuses();

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Tampered() => _models.Tampered();

    /// <inheritdoc/>
    public IReadOnlyList<ModelDecision> Decisions(string id) => _models.Decisions(id);
}
