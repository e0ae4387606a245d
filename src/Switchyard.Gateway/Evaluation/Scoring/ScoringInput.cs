namespace Switchyard.Gateway.Evaluation.Scoring;

/// <summary>An answer to score, with what the gateway said about it and a way to ask the suite's judge.</summary>
internal sealed class ScoringInput
{
    /// <summary>The answer's text; for an answer made only of tool calls, the calls as <c>[tool call NAME(ARGUMENTS)]</c> lines.</summary>
    public required string Answer { get; init; }

    /// <summary>The answer called tools.</summary>
    public bool HasToolCalls { get; init; }

    /// <summary>Choice 0's <c>finish_reason</c>.</summary>
    public string? FinishReason { get; init; }

    /// <summary>The model set OpenAI's structured-output <c>refusal</c> field.</summary>
    public bool Refused { get; init; }

    /// <summary>The answer's tokens as the gateway reported them, when it did.</summary>
    public int? OutputTokens { get; init; }

    /// <summary>The case answered.</summary>
    public required EvalCase Case { get; init; }

    /// <summary>The route's quality gate's score of the answer (<c>x-switchyard-quality-score</c>), when the route has a gate.</summary>
    public double? GatewayQualityScore { get; init; }

    /// <summary>The checks the route's gate failed (<c>x-switchyard-quality-failed</c>).</summary>
    public string? GatewayQualityFailed { get; init; }

    /// <summary>The suite's judge, when it has one.</summary>
    public EvalJudge? Judge { get; init; }

    /// <summary>Sends a judge request (a chat completion body) to the gateway; <see langword="null"/> when there is no judge.</summary>
    public Func<byte[], EvalModel, CancellationToken, Task<JudgeReply>>? AskJudge { get; init; }
}
