using System.Globalization;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Quality;

namespace Switchyard.Gateway.Evaluation.Scoring;

/// <summary>
/// <c>judge</c>: the suite's judge model reads the conversation and the answer and scores the answer against the rubric
/// from 0 to 10, exactly as the quality gate's judge does (the same prompt, <see cref="JudgePrompt.Build"/>, and the same
/// reading of its verdict, <see cref="JudgePrompt.TryReadVerdict"/>). The score is the judge's over 10; the case passes
/// at <c>min_score</c> or above. A judge that fails or answers no score fails the case, with the reason.
/// </summary>
internal sealed class JudgeScorer(string? rubric, double? minScore) : Scorer
{
    public override string Kind => "judge";

    public override bool AsksJudge => true;

    public override async ValueTask<ScoreResult> ScoreAsync(ScoringInput input, CancellationToken cancellationToken)
    {
        if (input.Judge is not { } judge || input.AskJudge is not { } ask)
        {
            return ScoreResult.Failed("the suite has no judge (judge: { model: ROUTE }, or --judge)");
        }

        if (string.IsNullOrWhiteSpace(input.Answer))
        {
            return ScoreResult.Failed("the answer has no text to judge");
        }

        var config = new JudgeConfig { Deployment = judge.Model.Name, Rubric = rubric ?? judge.Rubric, MaxTokens = judge.MaxTokens, MinScore = minScore ?? judge.MinScore };
        var request = JudgePrompt.Build(input.Case.Body(judge.Model.Route), chat: true, input.Answer, config, judge.Model.Route, out _);
        var reply = await ask(request, judge.Model, cancellationToken);
        if (reply.Error is { } error)
        {
            return ScoreResult.Failed($"the judge {judge.Model} could not judge: {error}") with { Cost = reply.Cost };
        }

        if (!JudgePrompt.TryReadVerdict(reply.Text ?? "", out var score, out var reason))
        {
            return ScoreResult.Failed($"the judge {judge.Model} answered without a score from 0 to 10: {Quote(reply.Text ?? "")}") with { Cost = reply.Cost };
        }

        var value = score / 10;
        var verdict = string.Create(CultureInfo.InvariantCulture, $"{score:0.#}/10 (min {config.MinScore * 10:0.#})") + (reason is null ? "" : ": " + reason);
        return new ScoreResult(value, value >= config.MinScore, verdict) { Cost = reply.Cost };
    }
}
