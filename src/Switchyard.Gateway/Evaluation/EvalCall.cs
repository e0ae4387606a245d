namespace Switchyard.Gateway.Evaluation;

/// <summary>One request through the gateway as the evaluation saw it, after its retries: the answer, or why there is none.</summary>
internal sealed record EvalCall
{
    /// <summary>The last try's HTTP status; 0 when no response came (a refused connection, a timeout).</summary>
    public int Status { get; init; }

    /// <summary>The answer, when the gateway gave one (2xx).</summary>
    public EvalAnswer? Answer { get; init; }

    /// <summary>From sending the last try to the answer's last byte, in milliseconds.</summary>
    public double LatencyMs { get; init; }

    /// <summary>For a stream, from sending the last try to its first text or tool call, in milliseconds.</summary>
    public double? TimeToFirstTokenMs { get; init; }

    /// <summary>The request's cost as the gateway stated it (<c>x-switchyard-cost</c>, or the stream's comment).</summary>
    public decimal? Cost { get; init; }

    public bool CostEstimated { get; init; }

    /// <summary>The deployment that answered (<c>x-switchyard-deployment</c>).</summary>
    public string? Deployment { get; init; }

    /// <summary>The request id the gateway recorded the last try under.</summary>
    public string? RequestId { get; init; }

    /// <summary>The route's quality gate's score of the answer (<c>x-switchyard-quality-score</c>), on a gated route.</summary>
    public double? QualityScore { get; init; }

    /// <summary>The checks the route's gate failed (<c>x-switchyard-quality-failed</c>).</summary>
    public string? QualityFailed { get; init; }

    /// <summary>How many times the request was sent.</summary>
    public int Tries { get; init; } = 1;

    /// <summary>Why there is no answer, or <see langword="null"/>.</summary>
    public string? Error { get; init; }
}
