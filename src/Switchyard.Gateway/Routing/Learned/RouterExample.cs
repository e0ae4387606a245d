namespace Switchyard.Gateway.Routing.Learned;

/// <summary>One past request for <see cref="RouterTrainer"/>: what was asked and whether the cheap tier's answer failed.</summary>
/// <param name="Prompt">The text the model read.</param>
/// <param name="Tags">
/// The request's tags, comma-separated: the label that picked a tier (a tag or the content classifier's category) and the
/// tags it carried (<c>code,team-a</c>); null or empty when it had none.
/// </param>
/// <param name="CheapFailed">Whether the cheap tier's answer failed the quality gate: what the router learns to predict.</param>
/// <param name="CheapScore">The quality gate's score of the cheap answer, if known; kept for evaluation, not for training.</param>
/// <param name="StrongScore">The score of the frontier answer, if the request escalated; kept for evaluation.</param>
internal readonly record struct RouterExample(string Prompt, string? Tags, bool CheapFailed, double? CheapScore, double? StrongScore);
