namespace Switchyard.Gateway.Configuration;

/// <summary>
/// The judge check (<c>quality.judge</c>): a configured deployment reads the conversation and the answer and scores the
/// answer against a rubric, from 0 to 10. Bounded by a timeout and a token budget; an answer that cannot be judged (the
/// budget is spent, the judge is slow, down or answers nonsense) is scored without the judge unless <see cref="OnError"/> says otherwise.
/// </summary>
public sealed record JudgeConfig
{
    /// <summary>The rubric when none is configured.</summary>
    public const string DefaultRubric = "The answer is correct, complete, on topic, and does what the user asked.";

    /// <summary>The deployment that judges (<c>deployment</c>, required). Never called for a confidential request when external.</summary>
    public required string Deployment { get; init; }

    /// <summary>What a good answer is (<c>rubric</c>).</summary>
    public string Rubric { get; init; } = DefaultRubric;

    /// <summary>The judge's score (0 to 10, read as 0 to 1) below which the check fails (<c>min_score</c>).</summary>
    public double MinScore { get; init; } = 0.7;

    /// <summary>How long the judge may take (<c>timeout</c>); past it the answer is scored without the judge.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most tokens the judge may write (<c>max_tokens</c>).</summary>
    public int MaxTokens { get; init; } = 200;

    /// <summary>The share of answers judged (<c>sample</c>): 1 judges every answer that passed the cheap checks.</summary>
    public double Sample { get; init; } = 1;

    /// <summary>
    /// The most characters of the conversation shown to the judge (<c>max_prompt_chars</c>): a longer one keeps its
    /// system message and its latest messages.
    /// </summary>
    public int MaxPromptChars { get; init; } = 32_000;

    /// <summary>The judge's token budget (<c>budget</c>); <see langword="null"/>: unbounded.</summary>
    public TokenBudgetConfig? Budget { get; init; }

    /// <summary>What an answer that could not be judged scores on this check (<c>on_error</c>).</summary>
    public CheckErrorPolicy OnError { get; init; } = CheckErrorPolicy.Skip;
}

/// <summary>Tokens (prompt and answer) a check may spend per window (<c>budget: { tokens: 200000, per: 1h }</c>).</summary>
public sealed record TokenBudgetConfig(long Tokens, TimeSpan Per);

/// <summary>What a check that could not run counts as (<c>on_error</c>).</summary>
public enum CheckErrorPolicy
{
    /// <summary><c>skip</c>: the check does not apply; the answer is scored by the other checks.</summary>
    Skip,

    /// <summary><c>fail</c>: the check fails (a route that must not serve an unjudged answer).</summary>
    Fail,
}
