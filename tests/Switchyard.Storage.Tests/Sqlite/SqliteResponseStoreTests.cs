using Switchyard.Storage.Responses;
using Switchyard.Storage.Sqlite;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Sqlite;

public sealed class SqliteResponseStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 9, 30, 0, TimeSpan.Zero);
    private static readonly ResponseOwner Alice = new("sy_alice00000", "team-a", ShareWithTeam: false);

    private readonly TempDirectory _directory = new();
    private readonly SqliteResponseStore _store;

    public SqliteResponseStoreTests() => _store = new SqliteResponseStore(new SqliteStoreOptions { Path = _directory.DatabasePath }, new ManualTimeProvider(Start));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Save_ThenFind_ReturnsEveryField()
    {
        var saved = Response("resp_1", Alice, previous: "resp_0");

        Assert.True(_store.Save(saved));

        Assert.Equal(saved, _store.Find("resp_1", Alice, Start));
        Assert.False(_store.Save(saved with { ResponseJson = "{}" }));
        Assert.Equal(saved.ResponseJson, _store.Find("resp_1", Alice, Start)!.ResponseJson);
    }

    [Fact]
    public void Find_OtherKeyOrTeam_IsNotFound_TeamScopeSharesWithinTheTeamOnly()
    {
        _store.Save(Response("resp_1", Alice));

        Assert.Null(_store.Find("resp_1", Alice with { KeyId = "sy_bob0000000" }, Start));
        Assert.Null(_store.Find("resp_1", new ResponseOwner("sy_mallory000", "team-b", ShareWithTeam: true), Start));
        Assert.NotNull(_store.Find("resp_1", new ResponseOwner("sy_bob0000000", "team-a", ShareWithTeam: true), Start));
        Assert.Null(_store.Find("resp_1", new ResponseOwner(ResponseOwner.Anonymous, null, ShareWithTeam: true), Start));
    }

    [Fact]
    public void Anonymous_SeesOnlyAnonymousResponses()
    {
        var anonymous = new ResponseOwner(ResponseOwner.Anonymous, null, ShareWithTeam: true);
        _store.Save(Response("resp_1", anonymous));

        Assert.NotNull(_store.Find("resp_1", anonymous, Start));
        Assert.Null(_store.Find("resp_1", Alice with { ShareWithTeam = true }, Start));
    }

    [Fact]
    public void Find_AfterExpiry_IsNotFound_AndPurgeDeletesOnlyExpired()
    {
        _store.Save(Response("resp_old", Alice, expires: Start.AddDays(1)));
        _store.Save(Response("resp_new", Alice, expires: Start.AddDays(30)));

        Assert.NotNull(_store.Find("resp_old", Alice, Start.AddDays(1).AddMilliseconds(-1)));
        Assert.Null(_store.Find("resp_old", Alice, Start.AddDays(1)));
        Assert.Equal(1, _store.Purge(Start.AddDays(2)));
        Assert.Equal(0, _store.Purge(Start.AddDays(2)));
        Assert.NotNull(_store.Find("resp_new", Alice, Start.AddDays(2)));
        Assert.False(_store.Delete("resp_old", Alice, Start));
    }

    [Fact]
    public void Conversation_WalksPreviousLinksOldestFirst()
    {
        _store.Save(Response("resp_1", Alice));
        _store.Save(Response("resp_2", Alice, previous: "resp_1"));
        _store.Save(Response("resp_3", Alice, previous: "resp_2"));
        _store.Save(Response("resp_x", Alice, previous: "resp_1"));

        Assert.Equal(["resp_1", "resp_2", "resp_3"], _store.Conversation("resp_3", Alice, Start, 100).Select(r => r.Id));
        Assert.Equal(["resp_1", "resp_x"], _store.Conversation("resp_x", Alice, Start, 100).Select(r => r.Id));
        Assert.Equal(["resp_2", "resp_3"], _store.Conversation("resp_3", Alice, Start, 2).Select(r => r.Id));
        Assert.Empty(_store.Conversation("resp_9", Alice, Start, 100));
    }

    [Fact]
    public void Conversation_StopsAtALinkTheOwnerMayNotSeeOrThatIsGone()
    {
        var bob = new ResponseOwner("sy_bob0000000", "team-b", ShareWithTeam: false);
        _store.Save(Response("resp_1", bob));
        _store.Save(Response("resp_2", Alice, previous: "resp_1"));
        _store.Save(Response("resp_3", Alice, previous: "resp_2", expires: Start.AddDays(30)));
        _store.Save(Response("resp_4", Alice, previous: "resp_3"));

        var links = _store.Conversation("resp_4", Alice, Start, 100);
        Assert.Equal(["resp_2", "resp_3", "resp_4"], links.Select(r => r.Id));
        Assert.Equal("resp_1", links[0].PreviousId);

        Assert.True(_store.Delete("resp_3", Alice, Start));
        links = _store.Conversation("resp_4", Alice, Start, 100);
        Assert.Equal("resp_3", Assert.Single(links).PreviousId);
    }

    [Fact]
    public void Delete_OnlyTheOwnersResponse()
    {
        _store.Save(Response("resp_1", Alice));

        Assert.False(_store.Delete("resp_1", new ResponseOwner("sy_mallory000", "team-b", ShareWithTeam: true), Start));
        Assert.NotNull(_store.Find("resp_1", Alice, Start));
        Assert.True(_store.Delete("resp_1", Alice, Start));
        Assert.Null(_store.Find("resp_1", Alice, Start));
    }

    private static StoredResponse Response(string id, ResponseOwner owner, string? previous = null, DateTimeOffset? expires = null) => new()
    {
        Id = id,
        KeyId = owner.KeyId,
        Team = owner.Team,
        Created = Start,
        Expires = expires ?? Start.AddDays(30),
        PreviousId = previous,
        InputItemsJson = $$"""[{"type":"message","id":"msg_{{id}}","role":"user","content":[{"type":"input_text","text":"Hi"}],"status":"completed"}]""",
        ResponseJson = $$"""{"id":"{{id}}","object":"response","output":[]}""",
    };
}
