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

    /// <summary>Byte range of the <c>logprobs</c> value, or a length of 0 when absent.</summary>
    public int LogprobsStart;

    public int LogprobsLength;

    /// <summary>
    /// The client asked for logprobs (chat: <c>true</c>; completions: any number), or named the member so that it cannot
    /// be replaced safely (twice, or with escapes): the gateway then neither asks for them nor strips them.
    /// </summary>
    public bool ClientLogprobs;

    /// <summary>The client's <c>max_tokens</c> or <c>max_completion_tokens</c>, when given.</summary>
    public int? MaxTokens;

    /// <summary>Byte range of the prompt (<c>messages</c>, <c>prompt</c> or <c>input</c>) value.</summary>
    public int InputStart;

    public int InputLength;

    /// <summary>How many messages (chat) or prompts (an array of them); 1 for a single string.</summary>
    public int InputItems;

    /// <summary>Byte range of the <c>metadata</c> object, or a length of 0 when absent.</summary>
    public int MetadataStart;

    public int MetadataLength;

    /// <summary>
    /// The prompt's size in tokens, estimated without a tokenizer: a quarter of its JSON bytes (OpenAI's rule of thumb
    /// of about 4 characters per token for English, which JSON's quotes and keys make slightly generous) plus 4 tokens
    /// of framing per message. It errs high, so a deployment is skipped for its window only when it truly cannot fit.
    /// </summary>
    public readonly int EstimatedPromptTokens => (InputLength + 3) / 4 + (4 * InputItems) + 3;
}
