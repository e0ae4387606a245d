using Switchyard.Storage.Escalations;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Sql;

/// <summary>Escalation records and outcome samples, the same on SQLite and PostgreSQL.</summary>
public abstract class EscalationStoreTests(StoreHarness harness) : StoreTestBase(harness)
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [StoreFact]
    public async Task WriteBatchAsync_EntryWithEscalation_StoresTheRecordWithTheRow()
    {
        var record = Record("req-1", At, route: "chat");
        await WriteAsync(record);

        await using var stores = await OpenAsync();
        var store = stores.Escalations;
        var read = Assert.Single(store.Query(new EscalationQuery()));

        Assert.Equal(record, read);
        Assert.Equal(record, store.Get("req-1"));
        Assert.Null(store.Get("nope"));
    }

    [StoreFact]
    public async Task WriteBatchAsync_EntryWithTags_KeepsThemWithTheRecordAndTheSample()
    {
        await using (var opened = await OpenAsync())
        await using (var log = opened.CreateRequestLogStore())
        {
            await log.InitializeAsync(CancellationToken.None);
            var tagged = Record("req-1", At) with { Tags = "team-a,support" };
            var untagged = Record("req-2", At, route: "other");
            var sample = new OutcomeSample { Timestamp = At, Source = "passed", Route = "chat", Label = "code", Tags = "team-a,support", Prompt = "Hi", CheapFailed = false, CheapScore = 1 };
            await log.WriteBatchAsync(
                [
                    new RequestLogEntry { Timestamp = At, RequestId = "req-1", Endpoint = "chat.completions", Route = "chat", Escalation = tagged },
                    new RequestLogEntry { Timestamp = At, RequestId = "req-2", Endpoint = "chat.completions", Route = "other", Escalation = untagged },
                    new RequestLogEntry { Timestamp = At, RequestId = "req-3", Endpoint = "chat.completions", Route = "chat", Sample = sample },
                ],
                CancellationToken.None);
        }

        await using var stores = await OpenAsync();
        var store = stores.Escalations;

        Assert.Equal("team-a,support", store.Get("req-1")!.Tags);
        Assert.Null(store.Get("req-2")!.Tags);
        Assert.Equal("team-a,support", Assert.Single(store.QuerySamples()).Tags);
    }

    [StoreFact]
    public async Task Review_SetsAndClearsTheVerdict()
    {
        await WriteAsync(Record("req-1", At), Record("req-2", At.AddSeconds(1)));
        var clock = new ManualTimeProvider(At.AddHours(1));
        await using var stores = await OpenAsync(clock);
        var store = stores.Escalations;

        Assert.True(store.Review("req-1", "good", "the frontier got it right"));
        Assert.False(store.Review("missing", "bad", null));
        Assert.Throws<ArgumentException>(() => store.Review("req-1", "meh", null));

        var good = Assert.Single(store.Query(new EscalationQuery { Review = "good" }));
        Assert.Equal("the frontier got it right", good.ReviewNote);
        Assert.Equal(At.AddHours(1), good.ReviewedAt);
        Assert.Equal(["req-2"], store.Query(new EscalationQuery { Review = "unreviewed" }).Select(r => r.RequestId));

        Assert.True(store.Review("req-1", null, null));
        Assert.Equal(2, store.Query(new EscalationQuery { Review = "unreviewed" }).Count);
    }

    [StoreFact]
    public async Task Query_Filters_ApplyTogetherNewestFirst()
    {
        await WriteAsync(
            Record("a", At, route: "chat", finalScore: 1),
            Record("b", At.AddMinutes(1), route: "code", finalScore: 1),
            Record("c", At.AddMinutes(2), route: "chat", finalScore: 0.5),
            Record("d", At.AddMinutes(3), route: "chat", finalScore: 0.9));
        await using var stores = await OpenAsync();
        var store = stores.Escalations;

        Assert.Equal(["d", "c", "a"], store.Query(new EscalationQuery { Route = "chat" }).Select(r => r.RequestId));
        Assert.Equal(["d", "a"], store.Query(new EscalationQuery { Route = "chat", MinScore = 0.8 }).Select(r => r.RequestId));
        Assert.Equal(["c", "b"], store.Query(new EscalationQuery { Since = At.AddMinutes(1), Until = At.AddMinutes(3) }).Select(r => r.RequestId));
        Assert.Equal(["d"], store.Query(new EscalationQuery { Limit = 1 }).Select(r => r.RequestId));
    }

    [StoreFact]
    public async Task Query_JudgeScores_RoundTripAndFilter()
    {
        await WriteAsync(
            Record("a", At) with { CheapJudgeScore = 0.2, FinalJudgeScore = 0.9 },
            Record("b", At.AddMinutes(1)) with { CheapJudgeScore = 0.6 },
            Record("c", At.AddMinutes(2)));
        await using var stores = await OpenAsync();
        var store = stores.Escalations;

        var a = store.Get("a")!;
        Assert.Equal(0.2, a.CheapJudgeScore);
        Assert.Equal(0.9, a.FinalJudgeScore);
        Assert.Null(store.Get("c")!.CheapJudgeScore);
        Assert.Equal(["a"], store.Query(new EscalationQuery { MaxJudgeScore = 0.3 }).Select(r => r.RequestId));
        Assert.Equal(["b", "a"], store.Query(new EscalationQuery { MinJudgeScore = 0 }).Select(r => r.RequestId));
        Assert.Equal(["b"], store.Query(new EscalationQuery { MinJudgeScore = 0.5, MaxJudgeScore = 0.7 }).Select(r => r.RequestId));
    }

    [StoreFact]
    public async Task Query_CostsTimesAndSignals_RoundTrip()
    {
        await WriteAsync(
            Record("a", At) with
            {
                CheapCostUsd = 0.0000123,
                CheapLatencyMs = 412.25,
                CheapSignals = new Dictionary<string, double> { ["logprob_mean"] = -2.1, ["judge"] = 0.2 },
                FinalCostUsd = 0.00042,
                FinalLatencyMs = 1830.5,
                FinalSignals = new Dictionary<string, double> { ["judge"] = 0.9 },
            },
            Record("b", At.AddMinutes(1)));
        await using var stores = await OpenAsync();
        var store = stores.Escalations;

        var a = store.Get("a")!;
        Assert.Equal((0.0000123, 412.25, 0.00042, 1830.5), (a.CheapCostUsd, a.CheapLatencyMs, a.FinalCostUsd, a.FinalLatencyMs));
        Assert.Equal([("judge", 0.2), ("logprob_mean", -2.1)], a.CheapSignals!.Select(p => (p.Key, p.Value)).Order());
        Assert.Equal([("judge", 0.9)], a.FinalSignals!.Select(p => (p.Key, p.Value)));
        var b = store.Get("b")!;
        Assert.Null(b.CheapCostUsd);
        Assert.Null(b.CheapSignals);
        Assert.Null(b.FinalLatencyMs);
    }

    [StoreFact]
    public async Task Delete_RemovesOnlyThatRecordAndKeepsTheRequestLog()
    {
        await WriteAsync(Record("a", At), Record("b", At.AddSeconds(1)));
        await using var stores = await OpenAsync();
        var store = stores.Escalations;

        Assert.True(store.Delete("a"));
        Assert.False(store.Delete("a"));

        Assert.Equal(["b"], store.Query(new EscalationQuery()).Select(r => r.RequestId));
        await using var log = stores.CreateRequestLogStore();
        Assert.Equal(2, (await log.QueryAsync(new RequestLogQuery(), CancellationToken.None)).Count);
    }

    private async Task WriteAsync(params EscalationRecord[] records)
    {
        await using var stores = await OpenAsync();
        await using var store = stores.CreateRequestLogStore();
        await store.InitializeAsync(CancellationToken.None);
        await store.WriteBatchAsync(
            [.. records.Select(r => new RequestLogEntry { Timestamp = r.Timestamp, RequestId = r.RequestId, Endpoint = "chat.completions", Route = r.Route, EscalatedFrom = r.CheapDeployment, Escalation = r })],
            CancellationToken.None);
    }

    internal static EscalationRecord Record(string id, DateTimeOffset at, string route = "chat", double finalScore = 1) => new()
    {
        RequestId = id,
        Timestamp = at,
        Route = route,
        Endpoint = "chat.completions",
        Label = "code",
        Confidential = null,
        Request = """{"model":"chat","messages":[{"role":"user","content":"Write a haiku about ünïcødé."}]}""",
        CheapDeployment = "llama",
        CheapTier = "open",
        CheapAnswer = "I'm sorry, but I can't help with that.",
        CheapScore = 0.33,
        CheapFailed = "refusal",
        CheapReasons = "the answer opens with a refusal ('i'm sorry, but i can't')",
        CheapInputTokens = 12,
        CheapOutputTokens = 9,
        FinalDeployment = "gpt",
        FinalTier = "frontier",
        FinalAnswer = "Bytes wear accents\nquietly crossing the wire\nstill the same letters",
        FinalScore = finalScore,
        FinalFailed = finalScore < 1 ? "logprobs" : null,
        FinalInputTokens = 12,
        FinalOutputTokens = 17,
    };
}
