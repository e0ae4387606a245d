namespace Switchyard.Gateway.Configuration;

/// <summary>The log-probability confidence check (<c>quality.logprobs</c>).</summary>
public sealed record LogprobCheckConfig
{
    /// <summary>
    /// Ask self-hosted deployments for token logprobs when the client did not (<c>request</c>), and strip them from the
    /// answer before the client sees it. External APIs are never asked: they may bill or refuse it.
    /// </summary>
    public bool Request { get; init; } = true;

    /// <summary>The lowest acceptable mean token logprob (<c>min_mean</c>). -1.0: a geometric-mean token probability of 0.37.</summary>
    public double MinMean { get; init; } = -1.0;

    /// <summary>No token may be less likely than this (<c>min_token</c>). -10: a token the model gave about 1 chance in 22,000.</summary>
    public double MinToken { get; init; } = -10;
}
