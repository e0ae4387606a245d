using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Shadow;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Sql;

/// <summary>Shadow comparisons and their daily counters, the same on SQLite and PostgreSQL.</summary>
public abstract class ShadowStoreTests(StoreHarness harness) : StoreTestBase(harness)
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [StoreFact]
    public async Task Counters_AddUpPerRouteCandidateAndDay()
    {
        var store = (await OpenAsync()).Shadow;
        var counters = new ShadowCounters { Route = "chat", Candidate = "qwen", Day = "2026-12-02", Sampled = 3, Compared = 2, DroppedSaturated = 1 };

        store.Add([Comparison(At)], [counters]);
        store.Add([Comparison(At.AddDays(1))], [counters with { Sampled = 4, SkippedBudget = 4, Compared = 0, DroppedSaturated = 0 }, counters with { Day = "2026-12-03" }]);

        var days = store.Counters("chat", At);
        Assert.Equal(2, days.Count);
        Assert.Equal(counters with { Sampled = 7, SkippedBudget = 4 }, days[0]);
        Assert.Single(store.Counters("chat", At.AddDays(1)));
        Assert.Empty(store.Counters("other", null));
        Assert.Equal(2, store.Query("chat", At).Count);
        var only = Assert.Single(store.Query("chat", At.AddHours(1)));
        Assert.Equal(Comparison(At.AddDays(1)), only);
        Assert.Empty(store.Query("other", null));
    }

    [StoreFact]
    public async Task Query_EveryFieldRoundTrips_AndTheWindowIsHalfOpen()
    {
        var store = (await OpenAsync()).Shadow;
        var full = Comparison(At) with
        {
            Label = "code",
            Tags = "team-a,batch",
            Confidential = "route",
            IncumbentTier = "open",
            IncumbentFailed = "refusal",
            IncumbentJudgeScore = 0.75,
            IncumbentInputTokens = 20,
            IncumbentOutputTokens = 40,
            CandidateFailed = "truncated",
            CandidateJudgeScore = 0.5,
            CandidateInputTokens = 21,
            CandidateOutputTokens = 41,
            CandidateError = "504: timed out",
            JudgeCostUsd = 0.00001234,
            Winner = "incumbent",
        };
        var bare = new ShadowComparison
        {
            Timestamp = At.AddMinutes(1),
            RequestId = "req-bare",
            Route = "chat",
            Endpoint = "completions",
            IncumbentDeployment = "llama",
            CandidateDeployment = "qwen",
        };

        store.Add([full, bare], []);

        Assert.Equal([full, bare], store.Query(null, null));
        Assert.Equal([full], store.Query("chat", At, At.AddMinutes(1)));
        Assert.Equal([bare], store.Query("chat", At.AddMinutes(1), At.AddMinutes(2)));
    }

    [StoreFact]
    public async Task Add_ByManyInstancesAtOnce_CountsEveryRequestOnce()
    {
        var instances = new List<IShadowStore>();
        for (var i = 0; i < 4; i++)
        {
            instances.Add((await OpenAsync()).Shadow);
        }

        // Every instance adds to the same two days' rows, in its own order, 25 times: the sums are exact, and no write
        // fails (PostgreSQL would abort one of two writers locking the same rows in opposite orders).
        using var go = new Barrier(instances.Count);
        await Task.WhenAll(instances.Select((store, n) => Task.Run(() =>
        {
            go.SignalAndWait(TimeSpan.FromSeconds(10));
            for (var i = 0; i < 25; i++)
            {
                ShadowCounters[] counts =
                [
                    new() { Route = "chat", Candidate = "qwen", Day = "2026-12-02", Sampled = 1, Compared = 1 },
                    new() { Route = "chat", Candidate = "qwen", Day = "2026-12-03", Sampled = 2, SkippedBudget = 1 },
                ];
                store.Add([Comparison(At.AddSeconds(i)) with { RequestId = $"req-{n}-{i}" }], n % 2 == 0 ? counts : [.. counts.Reverse()]);
            }
        })));

        var days = instances[0].Counters("chat", null);
        Assert.Equal([(100L, 100L, 0L), (200L, 0L, 100L)], days.Select(d => (d.Sampled, d.Compared, d.SkippedBudget)));
        Assert.Equal(100, instances[1].Query("chat", null).Count);
    }

    [StoreFact]
    public async Task RouteVolume_CountsTheRoutesAnsweredCompletionsInTheWindow()
    {
        await using (var stores = await OpenAsync())
        await using (var log = stores.CreateRequestLogStore())
        {
            await log.InitializeAsync(CancellationToken.None);
            await log.WriteBatchAsync(
            [
                Entry("a", At.AddMinutes(-1), "chat", 200),
                Entry("b", At.AddMinutes(1), "chat", 200),
                Entry("c", At.AddMinutes(2), "chat", 200, "completions"),
                Entry("d", At.AddMinutes(3), "chat", 502),
                Entry("e", At.AddMinutes(4), "chat", 200, "embeddings"),
                Entry("f", At.AddMinutes(5), "other", 200),
                Entry("g", At.AddHours(1), "chat", 200),
            ], CancellationToken.None);
        }

        var store = (await OpenAsync()).Shadow;

        Assert.Equal((2L, At.AddMinutes(1)), store.RouteVolume("chat", At, At.AddHours(1)));
        Assert.Equal((0L, (DateTimeOffset?)null), store.RouteVolume("nothing", At, At.AddHours(1)));
    }

    private static RequestLogEntry Entry(string id, DateTimeOffset at, string route, int status, string endpoint = "chat.completions")
        => new() { Timestamp = at, RequestId = id, Endpoint = endpoint, Route = route, Deployment = "llama", Status = status };

    private static ShadowComparison Comparison(DateTimeOffset at) => new()
    {
        Timestamp = at,
        RequestId = "req-" + at.Day,
        Route = "chat",
        Endpoint = "chat.completions",
        Request = """{"messages":[{"role":"user","content":"Hi"}]}""",
        IncumbentDeployment = "llama",
        IncumbentAnswer = "Hello.",
        IncumbentScore = 1,
        IncumbentLatencyMs = 100,
        IncumbentCostUsd = 0.0002,
        CandidateDeployment = "qwen",
        CandidateAnswer = "Hi there.",
        CandidateScore = 1,
        CandidateLatencyMs = 80.5,
        CandidateCostUsd = 0.0001,
        Agreement = 0.25,
        AgreementDetail = "word overlap 0.25 (min_similarity 0.5)",
        Winner = "tie",
    };
}
