using System.Data.Common;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Sql;

/// <summary>The key store's behaviour, the same on SQLite and PostgreSQL.</summary>
public abstract class KeyStoreTests(StoreHarness harness) : StoreTestBase(harness)
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [StoreFact]
    public async Task Add_WithAnActor_StoresTheKeyAndItsAuditEntryTogether()
    {
        await using var stores = await OpenAsync();
        var keys = stores.Keys;

        Assert.True(keys.Add(Key("sy_aaaaaaaaaa"), At, "cli:alice"));
        Assert.True(keys.Revoke("sy_aaaaaaaaaa", At.AddMinutes(1), "sy_bbbbbbbbbb"));

        var trail = keys.Trail.Entries();
        Assert.Equal(["key.create", "key.revoke"], trail.Select(e => e.Action));
        Assert.Equal(["cli:alice", "sy_bbbbbbbbbb"], trail.Select(e => e.Actor));
        Assert.Equal("team=search; role=client; routes=chat; rpm=60; tpm=-; max_concurrency=-; budget=25/month; expires=-; confidential=no", trail[0].Detail);
        Assert.All(trail, e => Assert.Equal("sy_aaaaaaaaaa", e.Target));
        Assert.True(stores.Audit.Verify().Intact);
    }

    [StoreFact]
    public async Task Add_WhenTheAuditEntryCannotBeWritten_StoresNoKey()
    {
        // A key without its audit entry would be an unrecorded admin action: both are written, or neither.
        await using var stores = await OpenAsync();
        var keys = stores.Keys;
        await Harness.ExecuteAsync(Harness.FailInserts("admin_audit"));

        Assert.ThrowsAny<DbException>(() => keys.Add(Key("sy_aaaaaaaaaa"), At, "cli:alice"));
        Assert.Null(keys.Find("sy_aaaaaaaaaa"));

        await Harness.ExecuteAsync(Harness.RestoreInserts("admin_audit"));
        Assert.True(keys.Add(Key("sy_aaaaaaaaaa"), At, "cli:alice"));
        await Harness.ExecuteAsync(Harness.FailInserts("admin_audit"));
        Assert.ThrowsAny<DbException>(() => keys.Revoke("sy_aaaaaaaaaa", At, "cli:alice"));
        Assert.Null(keys.Find("sy_aaaaaaaaaa")!.Revoked);
    }

    [StoreFact]
    public async Task Find_EveryTerm_RoundTrips()
    {
        await using var stores = await OpenAsync();
        var key = Key("sy_cccccccccc") with
        {
            Hash = [.. Enumerable.Range(0, 32).Select(i => (byte)(255 - i))],
            Name = "nightly batch",
            TokensPerMinute = 90_000,
            MaxConcurrency = 4,
            Confidential = true,
            Role = "operator",
            Tags = ["code", "batch"],
            Metadata = new Dictionary<string, string> { ["owner"] = "ana", ["ticket"] = "OPS-12" },
            BudgetUsd = 12.5,
            Expires = At.AddDays(30),
        };

        Assert.True(stores.Keys.Add(key));
        Assert.False(stores.Keys.Add(key with { Team = "other" }));
        var read = stores.Keys.Find(key.Id)!;

        Assert.Equal(key.Hash, read.Hash);
        Assert.Equal(key.Routes, read.Routes);
        Assert.Equal(key.Tags, read.Tags);
        Assert.Equal(key.Metadata, read.Metadata);
        Assert.Equal(key with { Hash = read.Hash, Routes = read.Routes, Tags = read.Tags, Metadata = read.Metadata }, read);
    }

    [StoreFact]
    public async Task List_OneTeam_NewestFirstThenById()
    {
        await using var stores = await OpenAsync();
        stores.Keys.Add(Key("sy_bbbbbbbbbb"));
        stores.Keys.Add(Key("sy_aaaaaaaaaa"));
        stores.Keys.Add(Key("sy_dddddddddd") with { Created = At.AddHours(1) });
        stores.Keys.Add(Key("sy_eeeeeeeeee") with { Team = "other" });

        Assert.Equal(["sy_dddddddddd", "sy_aaaaaaaaaa", "sy_bbbbbbbbbb"], stores.Keys.List("search").Select(k => k.Id));
        Assert.Equal(4, stores.Keys.List().Count);
    }

    [StoreFact]
    public async Task Revoke_Twice_SecondIsRefusedAndTheFirstTimeStays()
    {
        await using var stores = await OpenAsync();
        stores.Keys.Add(Key("sy_aaaaaaaaaa"));

        Assert.True(stores.Keys.Revoke("sy_aaaaaaaaaa", At.AddMinutes(5)));
        Assert.False(stores.Keys.Revoke("sy_aaaaaaaaaa", At.AddMinutes(9)));
        Assert.False(stores.Keys.Revoke("sy_nosuchkey0", At));

        Assert.Equal(At.AddMinutes(5), stores.Keys.Find("sy_aaaaaaaaaa")!.Revoked);
    }

    private static ApiKeyRecord Key(string id) => new()
    {
        Id = id,
        Hash = new byte[32],
        Team = "search",
        Routes = ["chat"],
        RequestsPerMinute = 60,
        BudgetUsd = 25,
        BudgetPeriod = "month",
        Created = At,
    };
}
