namespace Switchyard.Gateway.Evaluation;

/// <summary>
/// The judge of a suite's <c>judge</c> scorers (<c>judge: { model: ..., rubric: ..., min_score: ... }</c>): a model on the
/// same gateway, asked as the quality gate's judge is (<c>Quality/JudgePrompt</c>), so its calls are keyed, routed and
/// costed like any other.
/// </summary>
/// <param name="Model">The route (or <c>route@deployment</c>) that judges.</param>
/// <param name="Rubric">What a good answer is, for cases that give none.</param>
/// <param name="MinScore">The judge's score (0 to 10, read as 0 to 1) a case must reach to pass, unless it says otherwise.</param>
/// <param name="MaxTokens">The most tokens the judge may write.</param>
internal sealed record EvalJudge(EvalModel Model, string Rubric, double MinScore, int MaxTokens);
