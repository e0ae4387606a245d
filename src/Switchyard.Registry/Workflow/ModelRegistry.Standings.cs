using Switchyard.Storage.Models;

namespace Switchyard.Registry.Workflow;

public sealed partial class ModelRegistry
{
    /// <summary>
    /// Every model's standing, as the gateway serves by it: the status column; withheld when the row does not match the
    /// audit trail (changed outside the registry), or when a model it derives from, on any path, was revoked, rejected or
    /// tampered with (decision 16: an adapter or fine-tune is withdrawn with its base).
    /// </summary>
    public static IReadOnlyDictionary<string, ModelStanding> Standings(IModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var statuses = store.Statuses();
        var tampered = store.Tampered();
        var standings = new Dictionary<string, ModelStanding>(StringComparer.Ordinal);
        foreach (var (id, status) in statuses)
        {
            standings[id] = new ModelStanding(status, tampered.TryGetValue(id, out var why) ? Tampered(why) : null);
        }

        // PERF: the records (JSON) are read only when some model could withdraw what derives from it; the gateway asks
        // every second, and usually nothing is revoked.
        if (tampered.Count == 0 && !statuses.Values.Any(s => s is ModelStatus.Revoked or ModelStatus.Rejected))
        {
            return standings;
        }

        IReadOnlyList<ModelRecord> models;
        try
        {
            models = store.List();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            // SECURITY: a record edited into something unreadable hides the base graph; nothing is served unchecked.
            foreach (var (id, standing) in standings.Where(p => p.Value.Withheld is null).ToList())
            {
                standings[id] = standing with { Withheld = $"cannot be checked against its base models: a record in the registry cannot be read ({e.Message}); `switchyard audit verify` names it" };
            }

            return standings;
        }

        var graph = new BaseGraph(models);
        foreach (var model in models)
        {
            if (standings.TryGetValue(model.Id, out var standing) && standing.Withheld is null
                && graph.Ancestors(model).FirstOrDefault(b => standings.TryGetValue(b.Id, out var s) && (s.Withheld is not null || s.Status is ModelStatus.Revoked or ModelStatus.Rejected)) is { } withdrawn)
            {
                var reason = standings[withdrawn.Id].Withheld is not null ? "whose record does not match the audit trail" : $"which is {ModelStatusWords.Word(standings[withdrawn.Id].Status)} in the registry";
                standings[model.Id] = standing with { Withheld = $"is withdrawn with its base model '{withdrawn.Id}', {reason}: what derives from a withdrawn model is not served either" };
            }
        }

        return standings;
    }

    private static string Tampered(string why) =>
        $"does not match the audit trail, so it is not served: {why} `switchyard audit verify` names every such change; "
        + "a model whose files or licence really changed is registered again under a new id";
}
