namespace Switchyard.Storage.Evaluation;

/// <summary>
/// One case asked of one model once (one repeat), through the gateway: the answer, its score, and what it took.
/// </summary>
public sealed record EvalResultRecord
{
    public required string RunId { get; init; }

    /// <summary>The case's id in the suite.</summary>
    public required string CaseId { get; init; }

    /// <summary>The case's use case (its group in the report).</summary>
    public required string UseCase { get; init; }

    /// <summary>The model as given on the command line (<c>chat</c>, or <c>chat@llama-70b</c> for a pinned deployment).</summary>
    public required string Model { get; init; }

    /// <summary>Which repeat this is, from 0.</summary>
    public int RepeatIndex { get; init; }

    /// <summary>When the answer came (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The gateway's <c>x-request-id</c> of the last try, to find the request in its log.</summary>
    public string? RequestId { get; init; }

    /// <summary>The deployment that answered (<c>x-switchyard-deployment</c>).</summary>
    public string? Deployment { get; init; }

    /// <summary>The HTTP status of the last try; 0 when no response came.</summary>
    public int Status { get; init; }

    /// <summary>Whether the case was asked as a stream.</summary>
    public bool Stream { get; init; }

    /// <summary>The answer's text (tool calls as <c>[tool call NAME(ARGUMENTS)]</c> lines); <see langword="null"/> on an error.</summary>
    public string? Answer { get; init; }

    /// <summary>The score in [0, 1]; <see langword="null"/> when there was no answer to score.</summary>
    public double? Score { get; init; }

    /// <summary>Whether the answer passed; <see langword="null"/> when there was no answer (an error counts as a failure in pass rates).</summary>
    public bool? Pass { get; init; }

    /// <summary>What the scorer found, in words (<c>expected 42, found 41</c>).</summary>
    public string? ScoreDetail { get; init; }

    /// <summary>From sending the request to the last byte of the answer, in milliseconds.</summary>
    public double? LatencyMs { get; init; }

    /// <summary>For a stream: from sending the request to the first token (text or tool call), in milliseconds.</summary>
    public double? TimeToFirstTokenMs { get; init; }

    public int? InputTokens { get; init; }

    public int? OutputTokens { get; init; }

    /// <summary>What the gateway said the answer cost (<c>x-switchyard-cost</c>, or its comment in a stream), in US dollars.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>The gateway marked the cost as estimated (the upstream reported no usage).</summary>
    public bool CostEstimated { get; init; }

    /// <summary>What judging this answer cost, in US dollars (a judge scorer's call through the gateway).</summary>
    public decimal? JudgeCostUsd { get; init; }

    /// <summary>How many times the request was sent (1 plus the retries after 429, 5xx or a broken connection).</summary>
    public int Tries { get; init; } = 1;

    /// <summary>Why there is no answer (the gateway's error message, a timeout, ...), or <see langword="null"/>.</summary>
    public string? Error { get; init; }
}
