using Switchyard.Storage.Responses;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Sql;

/// <summary>Stored responses of the Responses API, the same on SQLite and PostgreSQL: owners, expiry, conversations, the purge.</summary>
public abstract class ResponseStoreTests(StoreHarness harness) : StoreTestBase(harness)
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 21, 9, 30, 0, TimeSpan.Zero);
    protected static readonly ResponseOwner Alice = new("sy_alice00000", "team-a", ShareWithTeam: false);

    [StoreFact]
    public async Task Save_ThenFind_ReturnsEveryField()
    {
        var store = (await OpenAsync()).Responses;
        var saved = Response("resp_1", Alice, previous: "resp_0");

        Assert.True(store.Save(saved));

        Assert.Equal(saved, store.Find("resp_1", Alice, Start));
        Assert.False(store.Save(saved with { ResponseJson = "{}" }));
        Assert.Equal(saved.ResponseJson, store.Find("resp_1", Alice, Start)!.ResponseJson);
    }

    [StoreFact]
    public async Task Save_TextAsAnsweredAndWithoutTeam_ComesBackByteForByte()
    {
        var store = (await OpenAsync()).Responses;
        var anonymous = new ResponseOwner(ResponseOwner.Anonymous, null, ShareWithTeam: false);
        // Key order, spacing and escapes as the gateway wrote them: the text is kept, never re-serialised.
        var saved = Response("resp_1", anonymous) with { ResponseJson = """{ "output":[],"id" : "resp_1","text":"caf\u00e9 ☕ \"q\""}""" };

        store.Save(saved);

        var read = store.Find("resp_1", anonymous, Start)!;
        Assert.Equal(saved.ResponseJson, read.ResponseJson);
        Assert.Null(read.Team);
        Assert.Null(read.PreviousId);
    }

    [StoreFact]
    public async Task Find_OtherKeyOrTeam_IsNotFound_TeamScopeSharesWithinTheTeamOnly()
    {
        var store = (await OpenAsync()).Responses;
        store.Save(Response("resp_1", Alice));

        Assert.Null(store.Find("resp_1", Alice with { KeyId = "sy_bob0000000" }, Start));
        Assert.Null(store.Find("resp_1", new ResponseOwner("sy_mallory000", "team-b", ShareWithTeam: true), Start));
        Assert.NotNull(store.Find("resp_1", new ResponseOwner("sy_bob0000000", "team-a", ShareWithTeam: true), Start));
        Assert.Null(store.Find("resp_1", new ResponseOwner(ResponseOwner.Anonymous, null, ShareWithTeam: true), Start));
    }

    [StoreFact]
    public async Task Anonymous_SeesOnlyAnonymousResponses()
    {
        var store = (await OpenAsync()).Responses;
        var anonymous = new ResponseOwner(ResponseOwner.Anonymous, null, ShareWithTeam: true);
        store.Save(Response("resp_1", anonymous));

        Assert.NotNull(store.Find("resp_1", anonymous, Start));
        Assert.Null(store.Find("resp_1", Alice with { ShareWithTeam = true }, Start));
    }

    [StoreFact]
    public async Task Find_AfterExpiry_IsNotFound_AndPurgeDeletesOnlyExpired()
    {
        var store = (await OpenAsync()).Responses;
        store.Save(Response("resp_old", Alice, expires: Start.AddDays(1)));
        store.Save(Response("resp_new", Alice, expires: Start.AddDays(30)));

        Assert.NotNull(store.Find("resp_old", Alice, Start.AddDays(1).AddMilliseconds(-1)));
        Assert.Null(store.Find("resp_old", Alice, Start.AddDays(1)));
        Assert.Equal(1, store.Purge(Start.AddDays(2)));
        Assert.Equal(0, store.Purge(Start.AddDays(2)));
        Assert.NotNull(store.Find("resp_new", Alice, Start.AddDays(2)));
        Assert.False(store.Delete("resp_old", Alice, Start));
    }

    [StoreFact]
    public async Task Purge_ByManyInstancesAtOnce_DeletesEachExpiredResponseOnce_AndNothingElse()
    {
        var instances = new List<IResponseStore>();
        for (var i = 0; i < 4; i++)
        {
            instances.Add((await OpenAsync()).Responses);
        }

        for (var i = 0; i < 200; i++)
        {
            instances[i % 4].Save(Response($"resp_{i:000}", Alice, expires: i % 2 == 0 ? Start.AddDays(1) : Start.AddDays(30)));
        }

        using var go = new Barrier(instances.Count);
        var purged = await Task.WhenAll(instances.Select(store => Task.Run(() =>
        {
            go.SignalAndWait(TimeSpan.FromSeconds(10));
            return store.Purge(Start.AddDays(2)) + store.Purge(Start.AddDays(2));
        })));

        // However the purges interleave (one at a time, the others finding nothing or the lock taken), each expired row
        // is deleted once, the others stay, and no purge failed.
        Assert.Equal(100, purged.Sum());
        Assert.Equal(0, instances[0].Purge(Start.AddDays(2)));
        Assert.Equal(100L, Convert.ToInt64(await Harness.ScalarAsync("SELECT COUNT(*) FROM stored_responses;")));
    }

    [StoreFact]
    public async Task Conversation_WalksPreviousLinksOldestFirst()
    {
        var store = (await OpenAsync()).Responses;
        store.Save(Response("resp_1", Alice));
        store.Save(Response("resp_2", Alice, previous: "resp_1"));
        store.Save(Response("resp_3", Alice, previous: "resp_2"));
        store.Save(Response("resp_x", Alice, previous: "resp_1"));

        Assert.Equal(["resp_1", "resp_2", "resp_3"], store.Conversation("resp_3", Alice, Start, 100).Select(r => r.Id));
        Assert.Equal(["resp_1", "resp_x"], store.Conversation("resp_x", Alice, Start, 100).Select(r => r.Id));
        Assert.Equal(["resp_2", "resp_3"], store.Conversation("resp_3", Alice, Start, 2).Select(r => r.Id));
        Assert.Empty(store.Conversation("resp_9", Alice, Start, 100));
    }

    [StoreFact]
    public async Task Conversation_StopsAtALinkTheOwnerMayNotSeeOrThatIsGone()
    {
        var store = (await OpenAsync()).Responses;
        var bob = new ResponseOwner("sy_bob0000000", "team-b", ShareWithTeam: false);
        store.Save(Response("resp_1", bob));
        store.Save(Response("resp_2", Alice, previous: "resp_1"));
        store.Save(Response("resp_3", Alice, previous: "resp_2", expires: Start.AddDays(30)));
        store.Save(Response("resp_4", Alice, previous: "resp_3"));

        var links = store.Conversation("resp_4", Alice, Start, 100);
        Assert.Equal(["resp_2", "resp_3", "resp_4"], links.Select(r => r.Id));
        Assert.Equal("resp_1", links[0].PreviousId);

        Assert.True(store.Delete("resp_3", Alice, Start));
        links = store.Conversation("resp_4", Alice, Start, 100);
        Assert.Equal("resp_3", Assert.Single(links).PreviousId);
    }

    [StoreFact]
    public async Task Delete_OnlyTheOwnersResponse()
    {
        var store = (await OpenAsync()).Responses;
        store.Save(Response("resp_1", Alice));

        Assert.False(store.Delete("resp_1", new ResponseOwner("sy_mallory000", "team-b", ShareWithTeam: true), Start));
        Assert.NotNull(store.Find("resp_1", Alice, Start));
        Assert.True(store.Delete("resp_1", Alice, Start));
        Assert.Null(store.Find("resp_1", Alice, Start));
    }

    [StoreFact]
    public async Task SavedByOneInstance_IsFoundContinuedAndDeletedThroughAnother()
    {
        var first = (await OpenAsync()).Responses;
        var second = (await OpenAsync()).Responses;

        first.Save(Response("resp_1", Alice));
        second.Save(Response("resp_2", Alice, previous: "resp_1"));

        Assert.Equal(["resp_1", "resp_2"], first.Conversation("resp_2", Alice, Start, 100).Select(r => r.Id));
        Assert.True(second.Delete("resp_1", Alice, Start));
        Assert.Null(first.Find("resp_1", Alice, Start));
    }

    protected static StoredResponse Response(string id, ResponseOwner owner, string? previous = null, DateTimeOffset? expires = null) => new()
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
