using Switchyard.Storage.Models;

namespace Switchyard.Registry.Workflow;

/// <summary>Whether a registry model may be served now: its status, and what withholds it even when that status would serve.</summary>
/// <param name="Status">Its status column.</param>
/// <param name="Withheld">
/// Why it is not served whatever its status says, as words that follow its id ("does not match the audit trail ...",
/// "is withdrawn with its base ..."), or <see langword="null"/>.
/// </param>
public readonly record struct ModelStanding(ModelStatus Status, string? Withheld)
{
    /// <summary>Approved or deprecated, and nothing withholds it.</summary>
    public bool Servable => Withheld is null && Status is ModelStatus.Approved or ModelStatus.Deprecated;
}
