namespace Switchyard.Storage.Escalations;

/// <summary>
/// One request the quality gate escalated: what was asked, the poor answer and why it was poor, the answer that replaced
/// it, who answered, what each answer cost in tokens, dollars and time, and what the checks measured. The raw material of fine-tuning datasets (<c>switchyard dataset export</c>).
/// </summary>
/// <remarks>
/// Unlike the request log, a record holds prompt and completion text: it lives in the company's own store, and a route
/// that must not keep text turns recording off (<c>quality.record_escalations: false</c>).
/// </remarks>
public sealed record EscalationRecord
{
    /// <summary>The request's <c>x-request-id</c>; the record's key.</summary>
    public required string RequestId { get; init; }

    /// <summary>When the request arrived (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    public required string Route { get; init; }

    /// <summary>The API endpoint: <c>chat.completions</c> or <c>completions</c>.</summary>
    public required string Endpoint { get; init; }

    /// <summary>The label that picked the first tier, when one did.</summary>
    public string? Label { get; init; }

    /// <summary>Why the request was confidential, or <see langword="null"/>.</summary>
    public string? Confidential { get; init; }

    /// <summary>The client's request body, as JSON: messages, tools, parameters.</summary>
    public required string Request { get; init; }

    /// <summary>The deployment whose answer escalated.</summary>
    public required string CheapDeployment { get; init; }

    public string? CheapTier { get; init; }

    /// <summary>The poor answer's text.</summary>
    public required string CheapAnswer { get; init; }

    public double CheapScore { get; init; }

    /// <summary>The checks it failed (<c>refusal,truncated</c>).</summary>
    public string? CheapFailed { get; init; }

    /// <summary>Why each failed (prompt-free, but may quote the answer).</summary>
    public string? CheapReasons { get; init; }

    /// <summary>The judge model's score of the poor answer (0 to 1), when the route has a judge and it ran.</summary>
    public double? CheapJudgeScore { get; init; }

    public int? CheapInputTokens { get; init; }

    public int? CheapOutputTokens { get; init; }

    /// <summary>What the poor answer cost, in US dollars at its deployment's price; <see langword="null"/>: not costed.</summary>
    public double? CheapCostUsd { get; init; }

    /// <summary>How long the poor answer's call took, in milliseconds.</summary>
    public double? CheapLatencyMs { get; init; }

    /// <summary>
    /// The values the quality checks measured on the poor answer, where known: <c>logprob_mean</c>, <c>logprob_min</c>
    /// (natural log), <c>judge</c> and <c>agreement</c> (0 to 1).
    /// </summary>
    public IReadOnlyDictionary<string, double>? CheapSignals { get; init; }

    /// <summary>The deployment whose answer the client got.</summary>
    public required string FinalDeployment { get; init; }

    public string? FinalTier { get; init; }

    /// <summary>The answer the client got.</summary>
    public required string FinalAnswer { get; init; }

    public double FinalScore { get; init; }

    public string? FinalFailed { get; init; }

    /// <summary>The judge model's score of the answer the client got, when it was judged.</summary>
    public double? FinalJudgeScore { get; init; }

    public int? FinalInputTokens { get; init; }

    public int? FinalOutputTokens { get; init; }

    /// <summary>What the answer the client got cost, in US dollars at its deployment's price.</summary>
    public double? FinalCostUsd { get; init; }

    /// <summary>How long that answer's call took, in milliseconds.</summary>
    public double? FinalLatencyMs { get; init; }

    /// <summary>The values the quality checks measured on the answer the client got, as <see cref="CheapSignals"/>.</summary>
    public IReadOnlyDictionary<string, double>? FinalSignals { get; init; }

    /// <summary>
    /// The request's tags (header, <c>metadata.tags</c> or the key's defaults, and the route's), comma-separated: features
    /// of the learned router beside <see cref="Label"/>. <see langword="null"/> in records written before they were kept.
    /// </summary>
    public string? Tags { get; init; }

    /// <summary>A reviewer's verdict on the final answer: <c>good</c>, <c>bad</c>, or <see langword="null"/> (not reviewed).</summary>
    public string? Review { get; init; }

    public string? ReviewNote { get; init; }

    public DateTimeOffset? ReviewedAt { get; init; }
}
