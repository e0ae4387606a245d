using Switchyard.Storage.Audit;

namespace Switchyard.Storage.Models;

/// <summary>
/// The model registry: one row per model (the record as JSON, its status in a column of its own for the gateway's cheap
/// reads), its decisions, and an audit entry sealing the row for every write (decision 15), all committed together.
/// </summary>
/// <remarks>
/// Two implementations: <c>SqliteModelStore</c> (the SQLite file) and, on PostgreSQL, <c>SqlModelStore</c> over its
/// pooled data source; both run the same SQL (<c>Sql/</c>).
/// </remarks>
public interface IModelStore
{
    /// <summary>The store's audit trail, which every registry write goes to.</summary>
    IAuditTrail Trail { get; }

    /// <summary>Registers a model with its first decision; false when the id is taken.</summary>
    bool Add(ModelRecord model, ModelDecision decision);

    /// <summary>
    /// Replaces a model's record with a decision, if nobody changed it since <paramref name="model"/>'s revision was read;
    /// false when somebody did (read it again and decide again).
    /// </summary>
    bool Update(ModelRecord model, ModelDecision decision);

    /// <summary>The model with this id, or <see langword="null"/>.</summary>
    ModelRecord? Find(string id);

    /// <summary>Every model (in one status, when given), by id.</summary>
    IReadOnlyList<ModelRecord> List(ModelStatus? status = null);

    /// <summary>Every model's status by id: what the gateway reads each second to take revoked models out of routing.</summary>
    IReadOnlyDictionary<string, ModelStatus> Statuses();

    /// <summary>
    /// Every model whose row does not match its last audit entry's seal (changed, inserted or deleted outside the registry),
    /// with what differs: the gateway never serves these, and <c>audit verify</c> names them.
    /// </summary>
    IReadOnlyDictionary<string, string> Tampered();

    /// <summary>A model's decisions, oldest first.</summary>
    IReadOnlyList<ModelDecision> Decisions(string id);
}
