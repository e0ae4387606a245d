namespace Switchyard.Storage.Responses;

/// <summary>
/// The Responses API's stored responses (<c>store: true</c>): kept for <c>previous_response_id</c>,
/// <c>GET /v1/responses/{id}</c> and its input items, and deleted on request or when they expire. Every read is scoped to
/// a <see cref="ResponseOwner"/>: what the owner may not see is reported as absent, never as forbidden.
/// </summary>
/// <remarks>
/// One implementation for both databases (<c>Sql/SqlResponseStore</c>), handed out by <see cref="Stores.Responses"/>: on
/// PostgreSQL a response stored through one gateway instance is found, continued and deleted through any other.
/// </remarks>
public interface IResponseStore
{
    /// <summary>Keeps a response; false when its id is taken (never in practice: ids are 128 random bits).</summary>
    bool Save(StoredResponse response);

    /// <summary>The response, when <paramref name="owner"/> may see it and it has not expired at <paramref name="now"/>.</summary>
    StoredResponse? Find(string id, ResponseOwner owner, DateTimeOffset now);

    /// <summary>
    /// The conversation that ends with response <paramref name="id"/>: it and the responses it continued, oldest first, as
    /// far back as <paramref name="owner"/> may see unexpired ones (at most <paramref name="maxLength"/>). Empty when the
    /// response itself is not found. When the first one returned still names a <see cref="StoredResponse.PreviousId"/>,
    /// that earlier response is gone (deleted, expired or the limit reached).
    /// </summary>
    IReadOnlyList<StoredResponse> Conversation(string id, ResponseOwner owner, DateTimeOffset now, int maxLength);

    /// <summary>Deletes the response; false when <paramref name="owner"/> sees no such response.</summary>
    bool Delete(string id, ResponseOwner owner, DateTimeOffset now);

    /// <summary>
    /// Deletes every response expired at <paramref name="now"/>; returns how many. Safe with several instances: one purges
    /// at a time, and an instance that finds another purging deletes nothing (returns 0) and leaves it to that one.
    /// </summary>
    int Purge(DateTimeOffset now);
}
