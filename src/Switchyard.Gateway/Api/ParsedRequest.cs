namespace Switchyard.Gateway.Api;

/// <summary>
/// What the gateway needs from a request body, read in one pass: the model, whether to stream, whether the client asked
/// for usage in the stream, and where in the body the values sit so the forwarded body can be spliced, not re-serialised.
/// </summary>
internal struct ParsedRequest
{
    /// <summary>Offset just after the top-level <c>{</c>: where a new property can be inserted.</summary>
    public int ObjectStart;

    /// <summary>Byte range of the <c>model</c> value, quotes included.</summary>
    public int ModelStart;

    public int ModelLength;

    public bool Stream;

    /// <summary>Byte range of the <c>stream_options</c> value, or a length of 0 when absent.</summary>
    public int StreamOptionsStart;

    public int StreamOptionsLength;

    /// <summary>Whether the client asked for <c>stream_options.include_usage: true</c>.</summary>
    public bool IncludeUsage;

    /// <summary>The client's <c>max_tokens</c> or <c>max_completion_tokens</c>, when given.</summary>
    public int? MaxTokens;
}
