namespace Switchyard.Gateway.Api.Responses;

/// <summary>
/// A <c>POST /v1/responses</c> request, read and checked (<see cref="ResponsesRequestReader"/>): what the gateway keeps
/// for itself (store, the previous response), the input items as it stores them, and the two renderings it needs: the
/// chat completion parameters and the request fields the response object repeats.
/// </summary>
internal sealed class ResponsesRequest
{
    /// <summary>The route (<c>model</c>).</summary>
    public required string Model { get; init; }

    public bool Stream { get; init; }

    /// <summary>Whether the response is kept for later (<c>store</c>, true unless false, as OpenAI).</summary>
    public bool Store { get; init; } = true;

    /// <summary>The response this one continues (<c>previous_response_id</c>), or <see langword="null"/>.</summary>
    public string? PreviousResponseId { get; init; }

    /// <summary><c>instructions</c>: the first message, as system, of this request only (never carried over).</summary>
    public string? Instructions { get; init; }

    /// <summary>The input items, normalised (string input as a user message, every item with an id and its status), as a JSON array.</summary>
    public required byte[] InputItems { get; init; }

    /// <summary>The chat completion's members other than <c>messages</c> (<c>"model":...,"stream":true,...</c>), without braces.</summary>
    public required byte[] ChatParameters { get; init; }

    /// <summary>The members of the response object that repeat the request (<c>"instructions":...,"tools":[...],...</c>), without braces.</summary>
    public required byte[] Echo { get; init; }
}
