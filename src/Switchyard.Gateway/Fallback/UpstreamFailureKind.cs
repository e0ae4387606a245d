namespace Switchyard.Gateway.Fallback;

/// <summary>How an attempt at one deployment failed.</summary>
internal enum UpstreamFailureKind
{
    /// <summary>No TCP (or TLS) connection could be made, or it was refused or reset before any response.</summary>
    Connect,

    /// <summary>The connect, first-token, idle or total timeout ran out.</summary>
    Timeout,

    /// <summary>The upstream answered 429.</summary>
    RateLimited,

    /// <summary>The upstream answered 5xx (or 408).</summary>
    ServerError,

    /// <summary>The upstream rejected the gateway itself (401, 403, 404): a configuration problem, not the client's.</summary>
    Rejected,

    /// <summary>The upstream rejected the request as the client sent it (400, 413, 415, 422): passed on to the client.</summary>
    ClientError,

    /// <summary>The prompt does not fit the deployment's context window: another deployment may be larger.</summary>
    ContextLength,

    /// <summary>The upstream answered 2xx but the body or stream was cut, malformed or not what the protocol says.</summary>
    BrokenResponse,

    /// <summary>The deployment is at its concurrency cap; it was not called.</summary>
    Saturated,

    /// <summary>The client went away; nothing is to be tried or answered.</summary>
    ClientGone,

    /// <summary>The deployment was passed over: its circuit is open or its health checks fail. It was not called.</summary>
    Unavailable,

    /// <summary>The deployment may not see this request: it is external and the request is confidential. It was not called.</summary>
    Excluded,

    /// <summary>
    /// A hedged call that lost the race: the other call of the hedge answered first, so this one was cancelled. Not the
    /// deployment's fault (it does not count against its circuit) and never the client's answer.
    /// </summary>
    HedgeLost,
}

/// <summary>Names of failure kinds as they appear in headers and the request log.</summary>
internal static class FailureKinds
{
    public static string Describe(UpstreamFailureKind kind) => kind switch
    {
        UpstreamFailureKind.Connect => "connect",
        UpstreamFailureKind.Timeout => "timeout",
        UpstreamFailureKind.RateLimited => "rate_limited",
        UpstreamFailureKind.ServerError => "server_error",
        UpstreamFailureKind.Rejected => "rejected",
        UpstreamFailureKind.ClientError => "client_error",
        UpstreamFailureKind.ContextLength => "context_length",
        UpstreamFailureKind.BrokenResponse => "broken_response",
        UpstreamFailureKind.Saturated => "saturated",
        UpstreamFailureKind.ClientGone => "client_gone",
        UpstreamFailureKind.Unavailable => "unavailable",
        UpstreamFailureKind.HedgeLost => "hedge_lost",
        _ => "excluded",
    };
}
