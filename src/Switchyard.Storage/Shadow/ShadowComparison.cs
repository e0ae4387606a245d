namespace Switchyard.Storage.Shadow;

/// <summary>
/// One live request that was also sent to its route's shadow candidate: what the client got (the incumbent) and what the
/// candidate answered, each checked, timed and costed, and which did better.
/// </summary>
/// <remarks>
/// Like escalation records, a comparison holds prompt and answer text unless the route keeps none
/// (<c>shadow.record_text: false</c>): then <see cref="Request"/> and both answers are <see langword="null"/>.
/// </remarks>
public sealed record ShadowComparison
{
    /// <summary>When the client's request arrived (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The client's request id.</summary>
    public required string RequestId { get; init; }

    public required string Route { get; init; }

    /// <summary><c>chat.completions</c> or <c>completions</c>.</summary>
    public required string Endpoint { get; init; }

    /// <summary>The label that picked the first tier, when one did.</summary>
    public string? Label { get; init; }

    /// <summary>The request's tags, comma-separated, as escalation records keep them.</summary>
    public string? Tags { get; init; }

    /// <summary>Why the request was confidential (then the candidate was in-house), or <see langword="null"/>.</summary>
    public string? Confidential { get; init; }

    /// <summary>The client's request body as JSON, or <see langword="null"/> when the route keeps no text.</summary>
    public string? Request { get; init; }

    /// <summary>The deployment whose answer the client got.</summary>
    public required string IncumbentDeployment { get; init; }

    public string? IncumbentTier { get; init; }

    public string? IncumbentAnswer { get; init; }

    /// <summary>The quality checks' score of the client's answer (the route's gate, or the default checks), 0 to 1.</summary>
    public double? IncumbentScore { get; init; }

    /// <summary>The checks the client's answer failed (<c>refusal,truncated</c>).</summary>
    public string? IncumbentFailed { get; init; }

    /// <summary>The judge's score of the client's answer, 0 to 1, when the route's shadow judges.</summary>
    public double? IncumbentJudgeScore { get; init; }

    /// <summary>The client's whole request, from its start to the end of its answer, in milliseconds.</summary>
    public double? IncumbentLatencyMs { get; init; }

    public int? IncumbentInputTokens { get; init; }

    public int? IncumbentOutputTokens { get; init; }

    /// <summary>What the client's answer cost, in US dollars (its deployment's price).</summary>
    public double? IncumbentCostUsd { get; init; }

    /// <summary>The candidate deployment.</summary>
    public required string CandidateDeployment { get; init; }

    public string? CandidateAnswer { get; init; }

    public double? CandidateScore { get; init; }

    public string? CandidateFailed { get; init; }

    public double? CandidateJudgeScore { get; init; }

    /// <summary>The candidate's call, from sending to the whole answer, in milliseconds.</summary>
    public double? CandidateLatencyMs { get; init; }

    public int? CandidateInputTokens { get; init; }

    public int? CandidateOutputTokens { get; init; }

    /// <summary>What the candidate's answer cost, in US dollars at its price.</summary>
    public double? CandidateCostUsd { get; init; }

    /// <summary>Why the candidate gave no answer (an error status, a timeout), or <see langword="null"/>.</summary>
    public string? CandidateError { get; init; }

    /// <summary>How far the two answers agree, 0 to 1 (the agreement check's comparison), when compared.</summary>
    public double? Agreement { get; init; }

    /// <summary>What the agreement compared (<c>final numbers 42 and 42</c>).</summary>
    public string? AgreementDetail { get; init; }

    /// <summary>What the judge's calls cost, in US dollars.</summary>
    public double? JudgeCostUsd { get; init; }

    /// <summary>
    /// <c>incumbent</c>, <c>candidate</c> or <c>tie</c> (by the judge's scores when both were judged, else by the checks'
    /// scores); <see langword="null"/> when the candidate gave no answer.
    /// </summary>
    public string? Winner { get; init; }
}
