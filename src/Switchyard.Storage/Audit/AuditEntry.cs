namespace Switchyard.Storage.Audit;

/// <summary>One entry of the append-only audit trail: who did what to which thing, when, and the details.</summary>
/// <param name="Seq">Its position in the trail, from 1, without gaps.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who: <c>cli:alice</c>, a key id, <c>bootstrap</c>, <c>license-policy</c>.</param>
/// <param name="Action">What: <c>key.create</c>, <c>model.approve</c>, ...</param>
/// <param name="Target">The thing acted on (a key id, a model id), if any.</param>
/// <param name="Detail">The details in words (role, reason, the old and new status).</param>
/// <param name="Intact">Whether the entry still chains to the one before it and its hash matches its fields.</param>
public sealed record AuditEntry(long Seq, DateTimeOffset At, string Actor, string Action, string? Target, string? Detail, bool Intact);

/// <summary>What <c>switchyard audit verify</c> found.</summary>
/// <param name="Entries">How many entries the trail holds.</param>
/// <param name="Head">The hash of the newest entry (hex), which an operator can keep elsewhere and pass back to detect a cut tail.</param>
/// <param name="Problems">Every break, oldest first, each saying where (the entry's number) and what it means; empty when intact.</param>
public sealed record AuditVerification(long Entries, string Head, IReadOnlyList<string> Problems)
{
    /// <summary>True when nothing was edited, inserted or deleted.</summary>
    public bool Intact => Problems.Count == 0;
}
