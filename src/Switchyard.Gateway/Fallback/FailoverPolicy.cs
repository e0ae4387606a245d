namespace Switchyard.Gateway.Fallback;

/// <summary>
/// Decides, from a failed attempt, whether the next deployment of the route is tried. A pure function: the same failure
/// always gets the same answer.
/// </summary>
internal static class FailoverPolicy
{
    /// <summary>
    /// True when another deployment may succeed where this one failed: connection errors, timeouts, 429, 5xx, a deployment
    /// that rejects the gateway's credentials or model name, a broken response, a saturated deployment, and a prompt too
    /// long for this deployment's context window. False for the client's own mistakes (the next deployment would reject
    /// them too) and when the client is gone.
    /// </summary>
    public static bool ShouldTryNext(UpstreamFailure failure) => failure.Kind switch
    {
        UpstreamFailureKind.ClientError => false,
        UpstreamFailureKind.ClientGone => false,
        _ => true,
    };
}
