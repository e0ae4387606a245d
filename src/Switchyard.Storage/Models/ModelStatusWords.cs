namespace Switchyard.Storage.Models;

/// <summary>The words a <see cref="ModelStatus"/> is stored (in every store's <c>models.status</c>) and shown as.</summary>
public static class ModelStatusWords
{
    /// <summary>The word of a status: <c>proposed</c>, <c>scanned</c>, <c>approved</c>, <c>rejected</c>, <c>deprecated</c>, <c>revoked</c>.</summary>
    public static string Word(ModelStatus status) => status switch
    {
        ModelStatus.Proposed => "proposed",
        ModelStatus.Scanned => "scanned",
        ModelStatus.Approved => "approved",
        ModelStatus.Rejected => "rejected",
        ModelStatus.Deprecated => "deprecated",
        ModelStatus.Revoked => "revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The status a stored word names; a word this build does not know reads as rejected.</summary>
    public static ModelStatus Parse(string word) => word switch
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
}
