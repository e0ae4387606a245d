using Switchyard.Storage.Models;

namespace Switchyard.Registry.Workflow;

/// <summary>
/// The registry's models as a graph of derivations: an adapter, fine-tune or quantisation names one base, a merge or a
/// multi-base GGUF several, and each base may derive from others. Base names are registry ids or hub names
/// (<c>org/name</c>); a name the registry does not hold is a leaf whose licence is unknown.
/// </summary>
/// <remarks>
/// A derivative carries the terms of every model it derives from, along every path (governance 4.3), so the licence
/// policy is run on each path from the model to a leaf and the results united. A cycle (a model that derives from
/// itself through others) cannot be a real derivation: registration refuses one, and a path that meets one ends there.
/// </remarks>
internal sealed class BaseGraph(IReadOnlyList<ModelRecord> models)
{
    /// <summary>The longest derivation followed (real ones are a handful of steps).</summary>
    public const int MaxDepth = 16;

    /// <summary>The most paths enumerated; a graph with more is judged on these and flagged for review.</summary>
    public const int MaxPaths = 256;

    /// <summary>The registered model a base name stands for: its id, or its hub name (case-insensitive, as the Hub is).</summary>
    public ModelRecord? Resolve(string name) =>
        models.FirstOrDefault(m => m.Id == name) ?? models.FirstOrDefault(m => string.Equals(ModelRegistry.HubName(m), name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Every path from <paramref name="model"/> to a leaf (a model without bases, or a base not in the registry), the model
    /// first; <paramref name="cycle"/> is the first cycle met (names, the repeated one at both ends) and
    /// <paramref name="truncated"/> says whether paths were left out (deeper than <see cref="MaxDepth"/> or more than <see cref="MaxPaths"/>).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<BaseNode>> Paths(ModelRecord model, out IReadOnlyList<string>? cycle, out bool truncated)
    {
        ArgumentNullException.ThrowIfNull(model);
        var paths = new List<IReadOnlyList<BaseNode>>();
        var current = new List<BaseNode> { new(model.Id, model) };
        IReadOnlyList<string>? firstCycle = null;
        var cut = false;
        Walk(model);
        cycle = firstCycle;
        truncated = cut;
        return paths;

        void Walk(ModelRecord node)
        {
            if (node.BaseModels.Count == 0 || current.Count > MaxDepth)
            {
                cut |= node.BaseModels.Count > 0;
                Emit();
                return;
            }

            foreach (var name in node.BaseModels.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (paths.Count >= MaxPaths)
                {
                    cut = true;
                    return;
                }

                var next = Resolve(name);
                if (next is not null && current.FindIndex(n => n.Record?.Id == next.Id) is var at and >= 0)
                {
                    firstCycle ??= [.. current.Skip(at).Select(n => n.Name), next.Id];
                    Emit();
                    continue;
                }

                current.Add(new BaseNode(next?.Id ?? name, next));
                if (next is null)
                {
                    Emit();
                }
                else
                {
                    Walk(next);
                }

                current.RemoveAt(current.Count - 1);
            }
        }

        void Emit()
        {
            if (paths.Count < MaxPaths)
            {
                paths.Add([.. current]);
            }
        }
    }

    /// <summary>Every registered model <paramref name="model"/> derives from, on any path, each once (nearest first).</summary>
    public IReadOnlyList<ModelRecord> Ancestors(ModelRecord model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var seen = new HashSet<string>(StringComparer.Ordinal) { model.Id };
        var found = new List<ModelRecord>();
        var queue = new Queue<ModelRecord>([model]);
        while (queue.TryDequeue(out var node))
        {
            foreach (var name in node.BaseModels)
            {
                if (Resolve(name) is { } next && seen.Add(next.Id))
                {
                    found.Add(next);
                    queue.Enqueue(next);
                }
            }
        }

        return found;
    }
}
