using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Api.Responses;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Tests.Support;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Responses;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Gateway.Tests.Api.Responses;

/// <summary>The gateway's side of stored responses: owners, the purge of expired ones, and a store that fails.</summary>
public sealed class ResponseStorageTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 9, 30, 0, TimeSpan.Zero);
    private static readonly ResponseOwner Owner = new("sy_alice00000", "team-a", ShareWithTeam: false);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));
    private readonly ManualClock _clock = new(Start);
    private readonly LogCapture _log = new();

    public void Dispose()
    {
        _log.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void OwnerOf_KeyTeamOrAnonymous()
    {
        var key = new ApiKeyRecord { Id = "sy_alice00000", Hash = new byte[32], Team = "team-a", Created = Start };

        Assert.Equal(Owner, ResponseStorage.OwnerOf(key, new ResponsesConfig()));
        Assert.Equal(Owner with { ShareWithTeam = true }, ResponseStorage.OwnerOf(key, new ResponsesConfig { Scope = ResponsesScope.Team }));
        Assert.Equal(new ResponseOwner("anonymous", null, false), ResponseStorage.OwnerOf(null, new ResponsesConfig()));
    }

    [Fact]
    public async Task SaveAsync_PurgesExpiredResponses_AtMostOnceAMinute()
    {
        var store = new SqliteResponseStore(new SqliteStoreOptions { Path = Path.Combine(_directory, "switchyard.db") }, _clock);
        var storage = new ResponseStorage(() => store, _clock, _log.CreateLogger("test"));
        await storage.SaveAsync(Response("resp_short", TimeSpan.FromSeconds(30)));

        _clock.Advance(TimeSpan.FromSeconds(40));
        await storage.SaveAsync(Response("resp_a", TimeSpan.FromDays(30)));
        // Not a minute since the first purge: the expired one is still in the file (though never served).
        Assert.NotNull(store.Find("resp_short", Owner, Start));
        Assert.Null(await storage.FindAsync("resp_short", Owner));

        _clock.Advance(TimeSpan.FromSeconds(30));
        await storage.SaveAsync(Response("resp_b", TimeSpan.FromDays(30)));
        Assert.Null(store.Find("resp_short", Owner, Start));
        Assert.NotNull(await storage.FindAsync("resp_a", Owner));
    }

    [Fact]
    public async Task SaveAsync_StoreFails_IsLoggedNotThrown_AndTheStoreIsOpenedAgainNextTime()
    {
        var opened = 0;
        var storage = new ResponseStorage(() => ++opened == 1 ? throw new IOException("disk full") : new FailingStore(), _clock, _log.CreateLogger("test"));

        await storage.SaveAsync(Response("resp_a", TimeSpan.FromDays(1)));
        await storage.SaveAsync(Response("resp_b", TimeSpan.FromDays(1)));

        Assert.Equal(2, opened);
        Assert.Equal(2, _log.Messages(1200).Count);
        Assert.Contains("resp_a", _log.Messages(1200)[0], StringComparison.Ordinal);
        await Assert.ThrowsAsync<IOException>(() => storage.FindAsync("resp_a", Owner));
    }

    private StoredResponse Response(string id, TimeSpan keep) => new()
    {
        Id = id,
        KeyId = Owner.KeyId,
        Team = Owner.Team,
        Created = _clock.GetUtcNow(),
        Expires = _clock.GetUtcNow() + keep,
        InputItemsJson = "[]",
        ResponseJson = "{\"output\":[]}",
    };

    private sealed class FailingStore : IResponseStore
    {
        public bool Save(StoredResponse response) => throw new IOException("disk full");

        public StoredResponse? Find(string id, ResponseOwner owner, DateTimeOffset now) => throw new IOException("disk full");

        public IReadOnlyList<StoredResponse> Conversation(string id, ResponseOwner owner, DateTimeOffset now, int maxLength) => throw new IOException("disk full");

        public bool Delete(string id, ResponseOwner owner, DateTimeOffset now) => throw new IOException("disk full");

        public int Purge(DateTimeOffset now) => throw new IOException("disk full");
    }
}
