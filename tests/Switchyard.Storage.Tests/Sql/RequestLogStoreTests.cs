using System.Data.Common;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Sql;

/// <summary>The request log store's behaviour (writes, listings, cost summaries), the same on SQLite and PostgreSQL.</summary>
public abstract class RequestLogStoreTests(StoreHarness harness) : StoreTestBase(harness)
{
    [StoreFact]
    public async Task WriteBatchAsync_EveryField_RoundTrips()
    {
        await using var store = await OpenLogAsync();
        var full = new RequestLogEntry
        {
            Timestamp = new DateTimeOffset(2026, 11, 21, 10, 15, 30, 123, TimeSpan.Zero),
            RequestId = "req-full",
            Endpoint = "chat.completions",
            Route = "chat",
            Deployment = "llama-vllm",
            Attempts = 3,
            Status = 502,
            Stream = true,
            LatencyMs = 1234.5678,
            TimeToFirstTokenMs = 87.25,
            InputTokens = 1500,
            OutputTokens = 321,
            ErrorType = "upstream_error",
            ErrorMessage = "every deployment of route 'chat' failed: 'quoted', ünïcødé",
            Tier = "frontier",
            Label = "code",
            Confidential = "pii: email",
            FallbackReason = "llama-a: timeout",
            AttemptsJson = "[{\"deployment\":\"llama-a\"}]",
            QualityScore = 0.25,
            QualityFailed = "refusal,truncated",
            EscalatedFrom = "llama-a",
            Rule = "router",
            RouterScore = 0.8125,
            CostUsd = 0.0012345,
            ExtraCostUsd = 0.00004,
            BaselineCostUsd = 0.0123,
            UsageEstimated = true,
        };
        var sparse = new RequestLogEntry
        {
            Timestamp = full.Timestamp.AddSeconds(1),
            RequestId = "req-sparse",
            Endpoint = "embeddings",
        };

        await store.WriteBatchAsync([full, sparse], CancellationToken.None);
        var read = await store.QueryAsync(new RequestLogQuery(), CancellationToken.None);

        Assert.Equal([sparse, full], read);
    }

    [StoreFact]
    public async Task WriteBatchAsync_SplitCostsAndTheirParts_RoundTrip()
    {
        await using var store = await OpenLogAsync();
        RequestCostPart[] parts =
        [
            new() { Kind = CostKind.Escalated, Deployment = "llama", Tier = "open", InputTokens = 120, OutputTokens = 40, CachedTokens = 64, CostUsd = 0.0002 },
            new() { Kind = CostKind.Check, Deployment = "judge", InputTokens = 300, OutputTokens = 20, ReasoningTokens = 12, CostUsd = 0.0003 },
            new() { Kind = CostKind.Failed, Deployment = "llama-b", Tier = "open", InputTokens = 120, OutputTokens = 3, Estimated = true },
        ];
        var entry = new RequestLogEntry
        {
            Timestamp = new DateTimeOffset(2026, 11, 21, 10, 15, 30, 123, TimeSpan.Zero),
            RequestId = "req-parts",
            Endpoint = "chat.completions",
            Route = "chat",
            Deployment = "gpt",
            Status = 200,
            InputTokens = 120,
            OutputTokens = 80,
            CachedTokens = 100,
            ReasoningTokens = 30,
            CostUsd = 0.001,
            ExtraCostUsd = 0.0005,
            EscalatedCostUsd = 0.0002,
            ChecksCostUsd = 0.0003,
            FailedCostUsd = 0,
            CostEstimated = true,
            CostParts = parts,
        };

        await store.WriteBatchAsync([entry, TestEntries.Create(1)], CancellationToken.None);
        var read = (await store.QueryAsync(new RequestLogQuery { Route = "chat" }, CancellationToken.None)).Single(e => e.RequestId == "req-parts");

        Assert.Equal(parts, read.CostParts);
        Assert.Equal(entry with { CostParts = null }, read with { CostParts = null });
    }

    [StoreFact]
    public async Task SummarizeCosts_PartsCountUnderTheirDeploymentAndRowsBeforeTheSplitUnderTheAnswering()
    {
        await using var store = await OpenLogAsync();
        var at = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        await store.WriteBatchAsync(
        [
            new() { Timestamp = at, RequestId = "new", Endpoint = "chat.completions", Route = "chat", Deployment = "gpt", Tier = "frontier", Status = 200, InputTokens = 100, OutputTokens = 10, CostUsd = 0.01, ExtraCostUsd = 0.003, EscalatedCostUsd = 0.002, ChecksCostUsd = 0.001, FailedCostUsd = 0, BaselineCostUsd = 0.01,
                CostParts = [new() { Kind = CostKind.Escalated, Deployment = "llama", Tier = "open", InputTokens = 100, OutputTokens = 30, CostUsd = 0.002 }, new() { Kind = CostKind.Check, Deployment = "judge", InputTokens = 200, OutputTokens = 5, CostUsd = 0.001 }] },
            // Logged before costs were split: its extra has no kind and stays under the deployment that answered.
            new() { Timestamp = at, RequestId = "old", Endpoint = "chat.completions", Route = "chat", Deployment = "gpt", Tier = "frontier", Status = 200, InputTokens = 50, OutputTokens = 5, CostUsd = 0.005, ExtraCostUsd = 0.0007, BaselineCostUsd = 0.005 },
        ], CancellationToken.None);

        var byDeployment = store.SummarizeCosts([CostDimension.Deployment], null, null).ToDictionary(r => r.Keys[0]);
        var total = Assert.Single(store.SummarizeCosts([], null, null));

        Assert.Equal(["gpt", "judge", "llama"], byDeployment.Keys);
        Assert.Equal((2L, 0.015, 0.0007), (byDeployment["gpt"].Requests, byDeployment["gpt"].Cost, byDeployment["gpt"].UnsplitExtraCost));
        Assert.Equal((0L, 0.002, 130L), (byDeployment["llama"].Requests, byDeployment["llama"].EscalatedCost, byDeployment["llama"].InputTokens + byDeployment["llama"].OutputTokens));
        Assert.Equal(0.001, byDeployment["judge"].ChecksCost, 12);
        Assert.Equal(0.015 + 0.003 + 0.0007, total.Spent, 12);
        Assert.Equal(total.Spent, byDeployment.Values.Sum(r => r.Spent), 12);
        Assert.Equal(2, total.Requests);
    }

    [StoreFact]
    public async Task WriteBatchAsync_NonUtcOffsetAndSubMillisecond_StoresUtcMilliseconds()
    {
        await using var store = await OpenLogAsync();
        var local = new DateTimeOffset(2026, 11, 21, 12, 0, 0, 5, TimeSpan.FromHours(2)).AddTicks(4321);

        await store.WriteBatchAsync([TestEntries.Create(0) with { Timestamp = local }], CancellationToken.None);
        var read = Assert.Single(await store.QueryAsync(new RequestLogQuery(), CancellationToken.None));

        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 0, 0, 5, TimeSpan.Zero), read.Timestamp);
        Assert.Equal(TimeSpan.Zero, read.Timestamp.Offset);
    }

    [StoreFact]
    public async Task QueryAsync_NoFilter_ReturnsNewestFirstAndSameMillisecondByInsertionOrder()
    {
        await using var store = await OpenLogAsync();
        // Written out of time order, and two entries in the same millisecond.
        var sameTime = TestEntries.Create(5) with { RequestId = "req-5b" };
        await store.WriteBatchAsync([TestEntries.Create(3), TestEntries.Create(5), TestEntries.Create(1)], CancellationToken.None);
        await store.WriteBatchAsync([sameTime, TestEntries.Create(2)], CancellationToken.None);

        var read = await store.QueryAsync(new RequestLogQuery(), CancellationToken.None);

        Assert.Equal(["req-5b", "req-5", "req-3", "req-2", "req-1"], read.Select(e => e.RequestId));
    }

    [StoreFact]
    public async Task QueryAsync_Limit_ReturnsThatManyNewest()
    {
        await using var store = await OpenLogAsync();
        await store.WriteBatchAsync([.. Enumerable.Range(0, 20).Select(n => TestEntries.Create(n))], CancellationToken.None);

        var read = await store.QueryAsync(new RequestLogQuery { Limit = 3 }, CancellationToken.None);

        Assert.Equal(["req-19", "req-18", "req-17"], read.Select(e => e.RequestId));
    }

    [StoreFact]
    public async Task QueryAsync_RouteFilter_ReturnsOnlyThatRoute()
    {
        await using var store = await SeedAsync();

        var read = await store.QueryAsync(new RequestLogQuery { Route = "code" }, CancellationToken.None);

        Assert.Equal(["req-5", "req-4", "req-1"], read.Select(e => e.RequestId));
    }

    [StoreFact]
    public async Task QueryAsync_DeploymentFilter_ReturnsOnlyThatDeployment()
    {
        await using var store = await SeedAsync();

        var read = await store.QueryAsync(new RequestLogQuery { Deployment = "gpt" }, CancellationToken.None);

        Assert.Equal(["req-5", "req-2"], read.Select(e => e.RequestId));
    }

    [StoreFact]
    public async Task QueryAsync_ErrorsOnly_ReturnsStatus400AndAbove()
    {
        await using var store = await SeedAsync();

        var read = await store.QueryAsync(new RequestLogQuery { ErrorsOnly = true }, CancellationToken.None);

        Assert.Equal(["req-4", "req-3"], read.Select(e => e.RequestId));
    }

    [StoreFact]
    public async Task QueryAsync_EscalatedOnly_ReturnsRequestsThatEscalated()
    {
        await using var store = await OpenLogAsync();
        var at = new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
        await store.WriteBatchAsync(
        [
            new RequestLogEntry { Timestamp = at, RequestId = "kept", Endpoint = "chat.completions", QualityScore = 1 },
            new RequestLogEntry { Timestamp = at.AddSeconds(1), RequestId = "escalated", Endpoint = "chat.completions", QualityScore = 1, EscalatedFrom = "llama" },
            new RequestLogEntry { Timestamp = at.AddSeconds(2), RequestId = "ungated", Endpoint = "chat.completions" },
        ], CancellationToken.None);

        var read = await store.QueryAsync(new RequestLogQuery { EscalatedOnly = true }, CancellationToken.None);

        Assert.Equal(["escalated"], read.Select(e => e.RequestId));
    }

    [StoreFact]
    public async Task QueryAsync_Status_ReturnsOnlyThatStatus()
    {
        await using var store = await SeedAsync();

        var read = await store.QueryAsync(new RequestLogQuery { Status = 429 }, CancellationToken.None);

        Assert.Equal("req-3", Assert.Single(read).RequestId);
    }

    [StoreFact]
    public async Task QueryAsync_Since_IncludesTheBoundAndLater()
    {
        await using var store = await SeedAsync();

        var read = await store.QueryAsync(new RequestLogQuery { Since = TestEntries.Start.AddSeconds(3) }, CancellationToken.None);

        Assert.Equal(["req-5", "req-4", "req-3"], read.Select(e => e.RequestId));
    }

    [StoreFact]
    public async Task QueryAsync_SinceInAnotherOffset_ComparesInstants()
    {
        await using var store = await SeedAsync();
        var sinceInParis = TestEntries.Start.AddSeconds(4).ToOffset(TimeSpan.FromHours(1));

        var read = await store.QueryAsync(new RequestLogQuery { Since = sinceInParis }, CancellationToken.None);

        Assert.Equal(["req-5", "req-4"], read.Select(e => e.RequestId));
    }

    [StoreFact]
    public async Task QueryAsync_FiltersCombined_AppliesAll()
    {
        await using var store = await SeedAsync();

        var read = await store.QueryAsync(
            new RequestLogQuery { Route = "code", ErrorsOnly = true, Since = TestEntries.Start.AddSeconds(2) },
            CancellationToken.None);

        Assert.Equal("req-4", Assert.Single(read).RequestId);
    }

    [StoreFact]
    public async Task QueryAsync_FilterValueLooksLikeSql_IsTreatedAsAValue()
    {
        await using var store = await SeedAsync();

        var read = await store.QueryAsync(new RequestLogQuery { Route = "chat' OR '1'='1" }, CancellationToken.None);

        Assert.Empty(read);
    }

    [StoreFact]
    public async Task QueryAsync_LimitZero_Throws()
    {
        await using var store = await OpenLogAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.QueryAsync(new RequestLogQuery { Limit = 0 }, CancellationToken.None));
    }

    [StoreFact]
    public async Task WriteBatchAsync_OneRowFails_KeepsNoRowOfTheBatch()
    {
        await using var store = await OpenLogAsync();
        RequestLogEntry broken = TestEntries.Create(2) with { RequestId = null! };

        await Assert.ThrowsAnyAsync<DbException>(
            () => store.WriteBatchAsync([TestEntries.Create(0), TestEntries.Create(1), broken], CancellationToken.None));
        await store.WriteBatchAsync([TestEntries.Create(3)], CancellationToken.None);

        var read = await store.QueryAsync(new RequestLogQuery(), CancellationToken.None);
        Assert.Equal("req-3", Assert.Single(read).RequestId);
    }

    /// <summary>The test's request log store (and its reports), initialised; disposed with the test's stores.</summary>
    protected async Task<TestLog> OpenLogAsync()
    {
        var stores = await OpenAsync();
        var store = stores.CreateRequestLogStore();
        await store.InitializeAsync(CancellationToken.None);
        return new TestLog(store);
    }

    // req-0 chat/llama 200, req-1 code/llama 200, req-2 chat/gpt 200, req-3 chat/llama 429, req-4 code/llama 503, req-5 code/gpt 200
    private async Task<TestLog> SeedAsync()
    {
        var store = await OpenLogAsync();
        await store.WriteBatchAsync(
            [
                TestEntries.Create(0),
                TestEntries.Create(1, route: "code"),
                TestEntries.Create(2, deployment: "gpt"),
                TestEntries.Create(3, status: 429),
                TestEntries.Create(4, route: "code", status: 503),
                TestEntries.Create(5, route: "code", deployment: "gpt"),
            ],
            CancellationToken.None);
        return store;
    }

}
