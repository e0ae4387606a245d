using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Configuration;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Responses;

namespace Switchyard.Gateway.Api.Responses;

/// <summary>
/// The gateway's side of stored responses: who owns a request's responses (its key, or its team with
/// <c>responses.scope: team</c>, or <c>anonymous</c> without keys), how long they are kept, and the store's calls run on
/// the thread pool, off the socket threads (decision 4: nothing on the request path blocks).
/// </summary>
/// <remarks>
/// Expired responses are never served (every read filters by expiry) and are deleted at most once a minute, after a
/// save: a gateway that stores nothing has nothing to purge. On PostgreSQL each instance purges on its own schedule, one
/// at a time (the store's lock), so several instances never delete the same rows at once.
/// </remarks>
internal sealed partial class ResponseStorage
{
    /// <summary>Most responses a conversation goes back through (<c>previous_response_id</c> links): far beyond any context window.</summary>
    public const int MaxConversation = 1000;

    private static readonly TimeSpan PurgeEvery = TimeSpan.FromMinutes(1);

    private readonly Lazy<IResponseStore> _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _nextPurge;

    public ResponseStorage(Func<IResponseStore> open, TimeProvider time, ILogger logger)
    {
        // A store that failed to open (a locked or newer file) is tried again by the next request, not cached as failed.
        _store = new Lazy<IResponseStore>(open, LazyThreadSafetyMode.PublicationOnly);
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether an exception is the store failing (its file, its database), which a request reports as a 500.</summary>
    public static bool IsStoreFailure(Exception e) => Storage.Stores.IsFailure(e);

    /// <summary>The owner of a request's responses.</summary>
    public static ResponseOwner OwnerOf(ApiKeyRecord? key, ResponsesConfig config)
        => new(key?.Id ?? ResponseOwner.Anonymous, key?.Team, config.Scope == ResponsesScope.Team);

    public DateTimeOffset Now => _time.GetUtcNow();

    public Task<StoredResponse?> FindAsync(string id, ResponseOwner owner)
        => Task.Run(() => _store.Value.Find(id, owner, _time.GetUtcNow()));

    public Task<IReadOnlyList<StoredResponse>> ConversationAsync(string id, ResponseOwner owner)
        => Task.Run(() => _store.Value.Conversation(id, owner, _time.GetUtcNow(), MaxConversation));

    public Task<bool> DeleteAsync(string id, ResponseOwner owner)
        => Task.Run(() => _store.Value.Delete(id, owner, _time.GetUtcNow()));

    /// <summary>
    /// Keeps a response. A store that fails is logged, not answered: the client has its answer, and its id will not be
    /// found later (which the log explains).
    /// </summary>
    public async Task SaveAsync(StoredResponse response)
    {
        try
        {
            await Task.Run(() =>
            {
                _store.Value.Save(response);
                PurgeIfDue();
            });
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            LogSaveFailed(_logger, response.Id, e);
        }
    }

    /// <summary>Logs a store that failed on a request's behalf, and returns the 500 to answer with.</summary>
    public ApiError Failed(Exception exception, string operation)
    {
        LogStoreFailed(_logger, operation, exception);
        return new ApiError(StatusCodes.Status500InternalServerError, ApiError.ServerErrorType,
            $"The gateway's response store failed while {operation}; the gateway's log has the cause. Try again, or send the conversation without previous_response_id.",
            null, "response_store_failed");
    }

    private void PurgeIfDue()
    {
        var now = _time.GetUtcNow();
        var due = Interlocked.Read(ref _nextPurge);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextPurge, (now + PurgeEvery).UtcTicks, due) != due)
        {
            return;
        }

        var purged = _store.Value.Purge(now);
        if (purged > 0)
        {
            LogPurged(_logger, purged);
        }
    }
}
