namespace Switchyard.Gateway.Configuration;

/// <summary>How a route's quality gate treats streamed answers (<c>quality.streaming</c>).</summary>
public enum QualityStreaming
{
    /// <summary><c>pass-through</c>: streams are relayed at once and not gated; only errors fail over.</summary>
    PassThrough,

    /// <summary>
    /// <c>buffer</c>: the stream is held until it ends, checked, and then the winning answer is streamed: the client's
    /// time to first token becomes the cheap answer's whole generation time (plus the escalation's, when it escalates).
    /// </summary>
    Buffer,
}
