using Switchyard.Storage.Models;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Sql;

/// <summary>The audit trail's chain and what verify finds, the same on SQLite and PostgreSQL (one hashing code for both).</summary>
public abstract class AuditTrailTests(StoreHarness harness) : StoreTestBase(harness)
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [StoreFact]
    public async Task Verify_UntouchedTrail_IsIntactAndNamesItsHead()
    {
        await using var stores = await OpenAsync();
        for (var i = 0; i < 5; i++)
        {
            stores.Audit.Append(At.AddMinutes(i), "cli:alice", "team.update", $"team-{i}", $"detail {i} ünïcødé");
        }

        var result = stores.Audit.Verify();
        var entries = stores.Audit.Entries();

        Assert.True(result.Intact, string.Join("; ", result.Problems));
        Assert.Equal(5, result.Entries);
        Assert.Equal([1L, 2, 3, 4, 5], entries.Select(e => e.Seq));
        Assert.All(entries, e => Assert.True(e.Intact));
        Assert.True(stores.Audit.Verify(result.Head).Intact);
        Assert.Equal(["team-3"], stores.Audit.Entries("team-3").Select(e => e.Target));
    }

    [StoreFact]
    public async Task Verify_SameEntriesInEitherStore_HaveTheSameHead()
    {
        // One hashing code for both stores: the chain of the same actions is the same chain, byte for byte.
        await using var stores = await OpenAsync();
        stores.Audit.Append(At, "cli:alice", "key.create", "sy_aaaaaaaaaa", "team=search");
        stores.Audit.Append(At.AddSeconds(1), "sy_bbbbbbbbbb", "key.revoke", "sy_aaaaaaaaaa", null);

        Assert.Equal(ExpectedHead(), stores.Audit.Verify().Head);
    }

    [StoreFact]
    public async Task Verify_EditedEntry_NamesIt()
    {
        await using var stores = await OpenAsync();
        stores.Audit.Append(At, "cli:alice", "key.create", "sy_aaaaaaaaaa", "rpm=60");
        stores.Audit.Append(At.AddSeconds(1), "cli:alice", "key.create", "sy_bbbbbbbbbb", "rpm=60");
        await Harness.ExecuteAsync("UPDATE admin_audit SET detail = 'rpm=6000' WHERE seq = 1;");

        var result = stores.Audit.Verify();

        Assert.False(result.Intact);
        Assert.Contains(result.Problems, p => p.StartsWith("entry 1 (key.create sy_aaaaaaaaaa by cli:alice", StringComparison.Ordinal) && p.EndsWith("was edited: its hash does not match its fields.", StringComparison.Ordinal));
    }

    [StoreFact]
    public async Task Verify_DeletedMiddleAndTail_AreBothFound()
    {
        await using var stores = await OpenAsync();
        for (var i = 0; i < 5; i++)
        {
            stores.Audit.Append(At.AddMinutes(i), "cli:alice", "team.update", $"team-{i}", null);
        }

        await Harness.ExecuteAsync("DELETE FROM admin_audit WHERE seq IN (2, 5);");
        var result = stores.Audit.Verify();

        Assert.Contains("entries 2 are missing: deleted before entry 3.", result.Problems);
        Assert.Contains("entries 5 are missing: the newest entries were deleted.", result.Problems);
    }

    [StoreFact]
    public async Task Append_FromManyWritersAtOnce_KeepsOneUnbrokenChain()
    {
        // Two gateways (or threads) appending together must not both chain to the same head.
        await using var stores = await OpenAsync();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                stores.Audit.Append(At.AddSeconds(i), $"writer-{w}", "test.append", $"{w}-{i}", null);
            }
        })));

        var result = stores.Audit.Verify();

        Assert.True(result.Intact, string.Join("; ", result.Problems));
        Assert.Equal(80, result.Entries);
    }

    [StoreFact]
    public async Task Verify_ModelRowFlippedByHand_IsNamedWithTheTrail()
    {
        await using var stores = await OpenAsync();
        var model = new ModelRecord { Id = "llama-3-8b", Name = "Llama 3 8B", LicenseId = "llama3", Status = ModelStatus.Rejected, Created = At, Updated = At };
        Assert.True(stores.Models.Add(model, new ModelDecision(At, "cli:legal", "legal", "reject", ModelStatus.Proposed, ModelStatus.Rejected, "licence")));
        Assert.True(stores.Audit.Verify().Intact);

        await Harness.ExecuteAsync("UPDATE models SET status = 'approved' WHERE id = 'llama-3-8b';");
        var result = stores.Audit.Verify();

        Assert.Contains(result.Problems, p => p.StartsWith("model 'llama-3-8b': its row does not match its last audit entry 1", StringComparison.Ordinal));
        Assert.Contains("llama-3-8b", stores.Models.Tampered().Keys);
    }

    private static string ExpectedHead()
    {
        var first = Audit.AuditChain.Hash(Audit.AuditChain.Genesis, At.ToUnixTimeMilliseconds(), "cli:alice", "key.create", "sy_aaaaaaaaaa", "team=search");
        return Convert.ToHexStringLower(Audit.AuditChain.Hash(first, At.AddSeconds(1).ToUnixTimeMilliseconds(), "sy_bbbbbbbbbb", "key.revoke", "sy_aaaaaaaaaa", null));
    }
}
