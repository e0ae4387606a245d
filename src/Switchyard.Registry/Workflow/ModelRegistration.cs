namespace Switchyard.Registry.Workflow;

/// <summary>What a person says about a model when registering it (<c>switchyard models add</c>).</summary>
public sealed record ModelRegistration
{
    /// <summary>Who registers it: <c>cli:alice</c>, a key id.</summary>
    public required string Actor { get; init; }

    /// <summary>The registry id; <see langword="null"/>: from the source repository's name, or the folder's.</summary>
    public string? Id { get; init; }

    /// <summary><c>hf://org/name@COMMIT</c> (a 40-hex commit: branches and tags move) or <see langword="null"/> for an internal model.</summary>
    public string? Source { get; init; }

    /// <summary>An internal model's version, when <see cref="Source"/> is <see langword="null"/>.</summary>
    public string? Version { get; init; }

    /// <summary>Who answers for it.</summary>
    public string? Owner { get; init; }

    /// <summary>What it is for, in words.</summary>
    public string? IntendedUse { get; init; }

    /// <summary>The registry models (ids) or hub names it derives from, when the folder does not say.</summary>
    public IReadOnlyList<string> BaseModels { get; init; } = [];

    /// <summary>Approve it at once when the licence policy allows it outright and the scan is clean (<c>registry.auto_approve: permissive-clean</c>).</summary>
    public bool AutoApprove { get; init; }
}
