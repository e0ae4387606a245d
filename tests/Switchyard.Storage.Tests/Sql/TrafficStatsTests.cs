using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Sql;

/// <summary>The request log as time series, the same on SQLite and PostgreSQL.</summary>
public abstract class TrafficStatsTests(StoreHarness harness) : StoreTestBase(harness)
{
    [StoreFact]
    public async Task Summarize_GroupsByBucketRouteTierAndDeployment_AndAddsUpCountsTokensAndCosts()
    {
        var start = TestEntries.Start;
        await WriteAsync(
            Entry(start.AddSeconds(1), "open", "llama", 200, cost: 0.001, baseline: 0.01),
            Entry(start.AddSeconds(2), "open", "llama", 200, cost: 0.002, baseline: 0.02) with { FallbackReason = "llama-a: timeout" },
            Entry(start.AddSeconds(3), "open", "llama", 503),
            Entry(start.AddSeconds(9.999), "frontier", "gpt", 200, cost: 0.01, baseline: 0.01) with { EscalatedFrom = "llama", ExtraCostUsd = 0.0005 },
            Entry(start.AddSeconds(10), "frontier", "gpt", 200, cost: 0.02, baseline: 0.02),
            Entry(start.AddSeconds(25), "open", "llama", 200) with { Route = "code" },
            Entry(start.AddSeconds(-0.001), "open", "llama", 200, cost: 1, baseline: 1),    // before the window
            Entry(start.AddSeconds(30), "open", "llama", 200, cost: 1, baseline: 1));       // after it

        var summary = (await StatsAsync()).Summarize(start, TimeSpan.FromSeconds(10), 3);

        Assert.Equal(start, summary.Start);
        Assert.Equal(3, summary.Buckets);
        Assert.Equal(
            [(0, "chat", "frontier", "gpt", 1L), (0, "chat", "open", "llama", 3L), (1, "chat", "frontier", "gpt", 1L), (2, "code", "open", "llama", 1L)],
            summary.Groups.Select(g => (g.Bucket, g.Route!, g.Tier!, g.Deployment!, g.Requests)));
        var open = summary.Groups[1];
        Assert.Equal((2L, 1L, 0L, 1L), (open.Answered, open.Errors, open.Escalated, open.Failovers));
        Assert.Equal(0.003, open.Cost, 12);
        Assert.Equal(0.03, open.BaselineCost, 12);
        Assert.Equal(2 * 50L, open.InputTokens);   // the failed request's tokens are not counted
        var escalated = summary.Groups[0];
        Assert.Equal((1L, 0.0005), (escalated.Escalated, escalated.ExtraCost));
    }

    [StoreFact]
    public async Task Summarize_Percentiles_AreNearestRankOverAnsweredRequests_PerBucketAndOverall()
    {
        var start = TestEntries.Start;
        // Bucket 0: latencies 1..100 ms; bucket 2: one request of 500 ms; failed requests never count.
        var entries = Enumerable.Range(1, 100).Select(i => Entry(start.AddMilliseconds(i), "open", "llama", 200) with { LatencyMs = 101 - i }).ToList();
        entries.Add(Entry(start.AddSeconds(25), "open", "llama", 200) with { LatencyMs = 500 });
        entries.Add(Entry(start.AddSeconds(26), "open", "llama", 502) with { LatencyMs = 99_999 });
        await WriteAsync([.. entries]);

        var summary = (await StatsAsync()).Summarize(start, TimeSpan.FromSeconds(10), 3);

        Assert.Equal([new LatencyPercentiles(0, 100, 50, 95, 99), new LatencyPercentiles(2, 1, 500, 500, 500)], summary.Latency);
        // 101 answered: ranks 51, 96 and 100.
        Assert.Equal(new LatencyPercentiles(-1, 101, 51, 96, 100), summary.OverallLatency);
    }

    [StoreFact]
    public async Task Summarize_EscalationChecks_CountsRecordsByTheChecksTheirPoorAnswersFailed()
    {
        var start = TestEntries.Start;
        await WriteAsync(
            Escalated(start.AddSeconds(1), "a", "refusal"),
            Escalated(start.AddSeconds(2), "b", "refusal"),
            Escalated(start.AddSeconds(3), "c", "refusal,truncated"),
            Escalated(start.AddSeconds(4), "d", null),
            Escalated(start.AddSeconds(-4), "e", "json"));

        var summary = (await StatsAsync()).Summarize(start, TimeSpan.FromSeconds(10), 1);

        Assert.Equal([("refusal", 2L), (null, 1L), ("refusal,truncated", 1L)], summary.EscalationChecks);
    }

    [StoreFact]
    public async Task Summarize_RequestsWithoutRouteOrDeployment_GroupFirstInTheirBucket()
    {
        // A request refused before routing has no route, tier or deployment; both stores list its group first.
        var start = TestEntries.Start;
        await WriteAsync(
            Entry(start.AddSeconds(1), "open", "llama", 200),
            Entry(start.AddSeconds(2), "open", "llama", 400) with { Route = null, Tier = null, Deployment = null },
            Entry(start.AddSeconds(3), "open", "llama", 200) with { Tier = null });

        var summary = (await StatsAsync()).Summarize(start, TimeSpan.FromSeconds(10), 1);

        Assert.Equal([(null, null, null), ("chat", null, "llama"), ("chat", "open", "llama")], summary.Groups.Select(g => (g.Route, g.Tier, g.Deployment)));
    }

    [StoreFact]
    public async Task Summarize_EmptyWindow_HasNoGroupsAndNoPercentiles()
    {
        await WriteAsync();

        var summary = (await StatsAsync()).Summarize(TestEntries.Start, TimeSpan.FromMinutes(1), 60);

        Assert.Empty(summary.Groups);
        Assert.Empty(summary.Latency);
        Assert.Null(summary.OverallLatency);
    }

    [StoreFact]
    public async Task Summarize_StepOrBucketsOutOfRange_Throws()
    {
        var stats = await StatsAsync();
        foreach (var (stepMs, buckets) in new[] { (0, 10), (1000, 0), (1000, TrafficSummary.MaxBuckets + 1) })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => stats.Summarize(TestEntries.Start, TimeSpan.FromMilliseconds(stepMs), buckets));
        }
    }

    private static RequestLogEntry Entry(DateTimeOffset at, string tier, string deployment, int status, double? cost = null, double? baseline = null) => new()
    {
        Timestamp = at,
        RequestId = Guid.NewGuid().ToString("N"),
        Endpoint = "chat.completions",
        Route = "chat",
        Tier = tier,
        Deployment = deployment,
        Status = status,
        LatencyMs = 10,
        InputTokens = 50,
        OutputTokens = 20,
        CostUsd = cost,
        BaselineCostUsd = baseline,
    };

    private static RequestLogEntry Escalated(DateTimeOffset at, string id, string? failed) => Entry(at, "frontier", "gpt", 200) with
    {
        RequestId = id,
        EscalatedFrom = "llama",
        Escalation = EscalationStoreTests.Record(id, at) with { CheapFailed = failed },
    };

    private async Task WriteAsync(params RequestLogEntry[] entries)
    {
        await using var stores = await OpenAsync();
        await using var store = stores.CreateRequestLogStore();
        await store.InitializeAsync(CancellationToken.None);
        await store.WriteBatchAsync(entries, CancellationToken.None);
    }

    private async Task<ITrafficStats> StatsAsync() => (await OpenAsync()).Traffic;
}
