using System.Collections.Immutable;

namespace Switchyard.Simulator;

/// <summary>
/// The names of the faults the simulator can inject. Ask for one per request with the header <c>x-sim-fault: NAME</c>,
/// with the model name <c>fault-NAME</c> or <c>MODEL@fault-NAME</c> (<c>fault-NAME*N</c>: only the first N requests of that
/// name fail, then it recovers), or at random with <see cref="SimulatedModel.FaultRates"/>.
/// </summary>
public static class SimulatorFaults
{
    /// <summary>429 with <c>Retry-After</c> (1 s, or the header <c>x-sim-retry-after</c>) and OpenAI's <c>rate_limit_exceeded</c> body.</summary>
    public const string RateLimit = "rate_limit";

    /// <summary>500 with OpenAI's <c>server_error</c> body.</summary>
    public const string ServerError = "server_error";

    /// <summary>503 with OpenAI's overloaded body.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>The TCP connection is aborted before any response byte.</summary>
    public const string Reset = "reset";

    /// <summary>No answer at all, until the client gives up.</summary>
    public const string NoResponse = "no_response";

    /// <summary>A long wait before the first token (5 s, or the header <c>x-sim-fault-delay-ms</c>), then a normal answer.</summary>
    public const string SlowFirstToken = "slow_first_token";

    /// <summary>Streaming: the 200 headers are flushed, then the connection is aborted before any data. Not streaming: abort.</summary>
    public const string CutBeforeFirstChunk = "cut_before_first_chunk";

    /// <summary>Streaming: one content chunk (after the role chunk), then the connection is aborted. Not streaming: abort.</summary>
    public const string CutAfterFirstChunk = "cut_after_first_chunk";

    /// <summary>Streaming: one content chunk, then nothing until the client gives up. Not streaming: no answer.</summary>
    public const string Stall = "stall";

    /// <summary>Streaming: one content chunk, then a <c>data:</c> line of invalid JSON, then the rest. Not streaming: a truncated body.</summary>
    public const string MalformedChunk = "malformed_chunk";

    /// <summary>Streaming: every chunk but no <c>data: [DONE]</c>; the response ends normally. Not streaming: a normal answer.</summary>
    public const string MissingDone = "missing_done";

    /// <summary>400 with OpenAI's <c>context_length_exceeded</c> body.</summary>
    public const string ContextLengthExceeded = "context_length_exceeded";

    /// <summary>200 with empty content and <c>finish_reason: content_filter</c>.</summary>
    public const string ContentFilter = "content_filter";

    /// <summary>
    /// Anthropic's overload: on <c>/v1/messages</c> a 529 <c>overloaded_error</c>, or for a stream a 200 whose
    /// <c>message_start</c> is followed by an <c>error</c> event, as Anthropic's API does under load. On the OpenAI
    /// endpoints a 503, like <see cref="Unavailable"/>.
    /// </summary>
    public const string Overloaded = "overloaded";

    /// <summary>Every fault name, in a stable order.</summary>
    public static ImmutableArray<string> All { get; } =
    [
        RateLimit, ServerError, Unavailable, Reset, NoResponse, SlowFirstToken, CutBeforeFirstChunk, CutAfterFirstChunk,
        Stall, MalformedChunk, MissingDone, ContextLengthExceeded, ContentFilter, Overloaded,
    ];
}
