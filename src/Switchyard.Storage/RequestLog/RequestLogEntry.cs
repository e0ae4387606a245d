namespace Switchyard.Storage.RequestLog;

/// <summary>
/// One request as recorded in the request log. Never holds prompt or completion text, except in <see cref="Escalation"/>,
/// which is stored apart (the <c>escalations</c> table) and only when the route records escalations.
/// </summary>
public sealed record RequestLogEntry
{
    /// <summary>When the request arrived (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The <c>x-request-id</c> (the client's, or one the gateway made).</summary>
    public required string RequestId { get; init; }

    /// <summary>The API endpoint: <c>chat.completions</c>, <c>completions</c>, <c>embeddings</c>.</summary>
    public required string Endpoint { get; init; }

    /// <summary>The route (the model name the client asked for), or <see langword="null"/> if none resolved.</summary>
    public string? Route { get; init; }

    /// <summary>The deployment that produced the answer (or the last one tried).</summary>
    public string? Deployment { get; init; }

    /// <summary>Upstream attempts made (0 when the request failed before any).</summary>
    public int Attempts { get; init; }

    /// <summary>HTTP status returned to the client.</summary>
    public int Status { get; init; }

    /// <summary>Whether the client asked for a stream.</summary>
    public bool Stream { get; init; }

    /// <summary>Wall time from request arrival to the last byte sent, in milliseconds.</summary>
    public double LatencyMs { get; init; }

    /// <summary>For streams, time from arrival to the first chunk sent to the client, in milliseconds.</summary>
    public double? TimeToFirstTokenMs { get; init; }

    /// <summary>Prompt tokens as reported by the upstream.</summary>
    public int? InputTokens { get; init; }

    /// <summary>Completion tokens as reported by the upstream.</summary>
    public int? OutputTokens { get; init; }

    /// <summary>OpenAI error type of a failed request (<c>invalid_request_error</c>, <c>upstream_error</c>, ...).</summary>
    public string? ErrorType { get; init; }

    /// <summary>Error message of a failed request (no prompt text).</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The tier of the deployment that answered (or was tried last).</summary>
    public string? Tier { get; init; }

    /// <summary>The label that picked the tier (a tag or the classifier's category), when one did.</summary>
    public string? Label { get; init; }

    /// <summary>
    /// How the tier order was chosen: <c>default</c>, <c>header</c>, <c>metadata</c>, <c>route</c>, <c>classifier</c>, or
    /// <c>router</c> when the learned router sent the request ahead; <see langword="null"/> before routing decided.
    /// </summary>
    public string? Rule { get; init; }

    /// <summary>On a route with a learned router: its predicted probability in [0, 1] that the cheap tiers fail the request.</summary>
    public double? RouterScore { get; init; }

    /// <summary>
    /// Why the request was confidential (<c>header</c>, <c>route</c>, <c>pii:email,card</c>), or <see langword="null"/>
    /// when it was not. Names kinds of personal data, never the data itself.
    /// </summary>
    public string? Confidential { get; init; }

    /// <summary>Why the answer came from another deployment than the first planned one (<c>llama-a: timeout</c>).</summary>
    public string? FallbackReason { get; init; }

    /// <summary>
    /// Every attempt with its outcome, as a JSON array of <c>{"deployment","tier","outcome","status","ms"}</c>; the
    /// outcome is <c>ok</c>, a failure kind, or <c>skipped:REASON</c> for deployments passed over without a call.
    /// <see langword="null"/> when one call answered and nothing was passed over: the row itself says all of it.
    /// </summary>
    public string? AttemptsJson { get; init; }

    /// <summary>On a route with a quality gate: the score in [0, 1] of the answer the client got.</summary>
    public double? QualityScore { get; init; }

    /// <summary>The quality checks that answer failed (<c>refusal,truncated</c>), or <see langword="null"/>.</summary>
    public string? QualityFailed { get; init; }

    /// <summary>The deployment whose poor answer escalated the request to a later tier, or <see langword="null"/>.</summary>
    public string? EscalatedFrom { get; init; }

    /// <summary>The public id of the key the request came with (<c>sy_...</c>, never the key), or <see langword="null"/> without keys.</summary>
    public string? KeyId { get; init; }

    /// <summary>The team of that key.</summary>
    public string? Team { get; init; }

    /// <summary>What the answer the client got cost, in US dollars, at its deployment's price; <see langword="null"/>: not costed.</summary>
    public double? CostUsd { get; init; }

    /// <summary>
    /// What else the request cost, in US dollars: <see cref="EscalatedCostUsd"/> + <see cref="ChecksCostUsd"/> +
    /// <see cref="FailedCostUsd"/>. 0 when nothing else was spent; <see langword="null"/>: not costed.
    /// </summary>
    public double? ExtraCostUsd { get; init; }

    /// <summary>Answers the quality gate held and did not send (the escalated cheap attempts), in US dollars.</summary>
    public double? EscalatedCostUsd { get; init; }

    /// <summary>Judge and agreement calls, in US dollars.</summary>
    public double? ChecksCostUsd { get; init; }

    /// <summary>
    /// Attempts that failed after tokens flowed (a stream cut or stalled after its first chunk, a hedge's lost call), in US
    /// dollars: estimated from what was seen unless the upstream's usage arrived before the failure.
    /// </summary>
    public double? FailedCostUsd { get; init; }

    /// <summary>
    /// The calls behind <see cref="EscalatedCostUsd"/>, <see cref="ChecksCostUsd"/> and <see cref="FailedCostUsd"/>, each
    /// with the deployment and tier that spent it; <see langword="null"/> when the answer was the only call that cost.
    /// </summary>
    public IReadOnlyList<RequestCostPart>? CostParts { get; init; }

    /// <summary>The answer's input tokens read from the provider's prompt cache (part of <see cref="InputTokens"/>).</summary>
    public int? CachedTokens { get; init; }

    /// <summary>The answer's output tokens spent reasoning (part of <see cref="OutputTokens"/>).</summary>
    public int? ReasoningTokens { get; init; }

    /// <summary>
    /// Some of the request's cost rests on the gateway's estimate of tokens: the answer's usage (<see cref="UsageEstimated"/>)
    /// or a failed attempt's.
    /// </summary>
    public bool CostEstimated { get; init; }

    /// <summary>What the same answer would have cost from the route's last tier (its frontier), in US dollars.</summary>
    public double? BaselineCostUsd { get; init; }

    /// <summary>
    /// The upstream reported no usage: <see cref="InputTokens"/>, <see cref="OutputTokens"/> and so the costs are the
    /// gateway's estimate (a token per 4 characters of text).
    /// </summary>
    public bool UsageEstimated { get; init; }

    /// <summary>The escalation record to store with this row, when the request escalated on a route that records them.</summary>
    public Escalations.EscalationRecord? Escalation { get; init; }

    /// <summary>An outcome sample for the learned router to store with this row (a sampled pass, an unescalated failure).</summary>
    public Escalations.OutcomeSample? Sample { get; init; }
}
