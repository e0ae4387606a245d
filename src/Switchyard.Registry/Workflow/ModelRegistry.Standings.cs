using Switchyard.Storage.Models;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Registry.Workflow;

public sealed partial class ModelRegistry
{
    /// <summary>
    /// Every model's standing, as the gateway serves by it: the status column, withheld when the row does not match the
    /// audit trail (changed outside the registry).
    /// </summary>
    public static IReadOnlyDictionary<string, ModelStanding> Standings(SqliteModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var statuses = store.Statuses();
        var tampered = store.Tampered();
        var standings = new Dictionary<string, ModelStanding>(StringComparer.Ordinal);
        foreach (var (id, status) in statuses)
        {
            standings[id] = new ModelStanding(status, tampered.TryGetValue(id, out var why) ? Tampered(why) : null);
        }

        return standings;
    }

    private static string Tampered(string why) =>
        $"does not match the audit trail, so it is not served: {why} `switchyard audit verify` names every such change; "
        + "a model whose files or licence really changed is registered again under a new id";
}
