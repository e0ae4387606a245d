namespace Switchyard.Gateway.Shadow;

/// <summary>What a route's shadow has done since the gateway started.</summary>
/// <param name="Sampled">Requests its share picked.</param>
/// <param name="Compared">Comparisons made (whether or not the candidate answered).</param>
/// <param name="DroppedSaturated">Picked requests dropped because the queue was full.</param>
/// <param name="SkippedBudget">Picked requests left out because the budget could not cover them.</param>
/// <param name="SkippedConfidential">Picked requests left out because they were confidential and the candidate is external.</param>
/// <param name="CandidateFailed">Comparisons where the candidate gave no answer.</param>
/// <param name="Running">Comparisons queued or running now.</param>
public sealed record ShadowStats(long Sampled, long Compared, long DroppedSaturated, long SkippedBudget, long SkippedConfidential, long CandidateFailed, long Running);
