namespace Switchyard.Storage.Responses;

/// <summary>
/// A response of the Responses API (<c>POST /v1/responses</c> with <c>store: true</c>) as the gateway keeps it: who may
/// read it, how long, the response it continued, its input items and the response object it answered with.
/// </summary>
public sealed record StoredResponse
{
    /// <summary>Its id, <c>resp_</c> and 32 hexadecimal digits.</summary>
    public required string Id { get; init; }

    /// <summary>The key that created it: its id, or <see cref="ResponseOwner.Anonymous"/> on a gateway without keys.</summary>
    public required string KeyId { get; init; }

    /// <summary>The key's team, or <see langword="null"/> without keys.</summary>
    public string? Team { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>When it stops being served (and may be purged): <see cref="Created"/> plus the configured retention.</summary>
    public required DateTimeOffset Expires { get; init; }

    /// <summary>The response it continued (<c>previous_response_id</c>), or <see langword="null"/>.</summary>
    public string? PreviousId { get; init; }

    /// <summary>Its own input items, as a JSON array of items with ids (not those of the responses it continued).</summary>
    public required string InputItemsJson { get; init; }

    /// <summary>The response object, as JSON, as it was answered (its <c>output</c> holds the output items).</summary>
    public required string ResponseJson { get; init; }
}
