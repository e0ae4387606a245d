using Switchyard.Storage.Models;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Sql;

/// <summary>The model registry's rows, revisions and decisions, the same on SQLite and PostgreSQL.</summary>
public abstract class ModelStoreTests(StoreHarness harness) : StoreTestBase(harness)
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [StoreFact]
    public async Task Update_WithAStaleRevision_IsRefusedAndTheFirstDecisionStays()
    {
        await using var stores = await OpenAsync();
        var models = stores.Models;
        Assert.True(models.Add(Model("m", ModelStatus.Proposed), Decision("propose", ModelStatus.Proposed, ModelStatus.Proposed)));
        Assert.False(models.Add(Model("m", ModelStatus.Proposed), Decision("propose", ModelStatus.Proposed, ModelStatus.Proposed)));
        var read = models.Find("m")!;

        Assert.True(models.Update(read with { Status = ModelStatus.Approved }, Decision("approve", ModelStatus.Proposed, ModelStatus.Approved)));
        Assert.False(models.Update(read with { Status = ModelStatus.Rejected }, Decision("reject", ModelStatus.Proposed, ModelStatus.Rejected)));

        var now = models.Find("m")!;
        Assert.Equal((ModelStatus.Approved, 2), (now.Status, now.Revision));
        Assert.Equal(["propose", "approve"], models.Decisions("m").Select(d => d.Action));
        Assert.Equal(["model.propose", "model.approve"], stores.Audit.Entries("m").Select(e => e.Action));
        Assert.Empty(models.Tampered());
    }

    [StoreFact]
    public async Task List_ByStatus_SortsByIdBytewise()
    {
        await using var stores = await OpenAsync();
        foreach (var id in new[] { "b-model", "A-model", "a-model", "_model" })
        {
            stores.Models.Add(Model(id, ModelStatus.Approved), Decision("approve", ModelStatus.Proposed, ModelStatus.Approved));
        }

        stores.Models.Add(Model("z-model", ModelStatus.Revoked), Decision("revoke", ModelStatus.Approved, ModelStatus.Revoked));

        // Byte order (uppercase before underscore before lowercase), whatever the database's locale would say.
        Assert.Equal(["A-model", "_model", "a-model", "b-model"], stores.Models.List(ModelStatus.Approved).Select(m => m.Id));
        Assert.Equal(ModelStatus.Revoked, stores.Models.Statuses()["z-model"]);
    }

    [StoreFact]
    public async Task Statuses_WordNoDecisionWrites_ReadsAsRejected()
    {
        await using var stores = await OpenAsync();
        stores.Models.Add(Model("m", ModelStatus.Approved), Decision("approve", ModelStatus.Proposed, ModelStatus.Approved));
        await Harness.ExecuteAsync("UPDATE models SET status = 'blessed' WHERE id = 'm';");

        Assert.Equal(ModelStatus.Rejected, stores.Models.Statuses()["m"]);
        Assert.Contains("'blessed'", stores.Models.Tampered()["m"], StringComparison.Ordinal);
    }

    private static ModelRecord Model(string id, ModelStatus status) => new() { Id = id, Name = id, LicenseId = "mit", Status = status, Created = At, Updated = At };

    private static ModelDecision Decision(string action, ModelStatus from, ModelStatus to) => new(At, "cli:admin", "admin", action, from, to, "test");
}
