using Switchyard.Storage.Evaluation;
using Switchyard.Storage.Shadow;
using Switchyard.Storage.Sqlite;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Sqlite;

/// <summary>Evaluation runs and shadow comparisons in a real SQLite file: what goes in comes back, runs are found by prefix.</summary>
public sealed class SqliteEvalStoreTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();

    private SqliteStoreOptions Options => new() { Path = _directory.DatabasePath };

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Results_RoundTrip_WithTheirCostsExact()
    {
        var store = new SqliteEvalStore(Options, TimeProvider.System);
        store.AddRun(Run("run_0123456789ab", At));
        var result = new EvalResultRecord
        {
            RunId = "run_0123456789ab",
            CaseId = "math-01",
            UseCase = "math",
            Model = "chat@llama",
            RepeatIndex = 1,
            Timestamp = At,
            RequestId = "run_0123456789ab.0.0.1",
            Deployment = "llama",
            Status = 200,
            Stream = true,
            Answer = "The answer is 42.",
            Score = 1,
            Pass = true,
            ScoreDetail = "42 is 42",
            LatencyMs = 812.5,
            TimeToFirstTokenMs = 120.25,
            InputTokens = 20,
            OutputTokens = 88,
            CostUsd = 0.00001234m,
            CostEstimated = true,
            JudgeCostUsd = 0.00000456m,
            Tries = 2,
        };

        store.AddResults([result, result with { CaseId = "math-02", Pass = null, Score = null, Answer = null, Error = "502: broken", CostUsd = null }]);
        store.FinishRun("run_0123456789ab", "cancelled", At.AddMinutes(1));

        var read = store.Results("run_0123456789ab");
        Assert.Equal(result, read[0]);
        Assert.Equal("502: broken", read[1].Error);
        Assert.Null(read[1].Pass);
        var run = store.FindRun("run_0123456789ab", out _)!;
        Assert.Equal("cancelled", run.Status);
        Assert.True(run.Partial);
        Assert.Equal(At.AddMinutes(1), run.Finished);
        Assert.Equal(["chat@llama", "chat@gpt"], run.Models);
    }

    [Fact]
    public void FindRun_ByPrefixOrLatest_AndSaysWhenAPrefixIsAmbiguous()
    {
        var store = new SqliteEvalStore(Options, TimeProvider.System);
        store.AddRun(Run("run_aaaaaa111111", At));
        store.AddRun(Run("run_aaaaaa222222", At.AddHours(1)));

        Assert.Equal("run_aaaaaa222222", store.FindRun("latest", out _)!.RunId);
        Assert.Equal("run_aaaaaa111111", store.FindRun("run_aaaaaa1", out _)!.RunId);
        Assert.Null(store.FindRun("run_aaaaaa", out var ambiguous));
        Assert.True(ambiguous);
        Assert.Null(store.FindRun("run_a", out ambiguous));
        Assert.False(ambiguous);
        Assert.Equal(["run_aaaaaa222222", "run_aaaaaa111111"], store.ListRuns(10).Select(r => r.RunId));
    }

    [Fact]
    public void ShadowCounters_AddUpPerRouteCandidateAndDay()
    {
        var store = new SqliteShadowStore(Options, TimeProvider.System);
        var counters = new ShadowCounters { Route = "chat", Candidate = "qwen", Day = "2026-12-02", Sampled = 3, Compared = 2, DroppedSaturated = 1 };

        store.Add([Comparison(At)], [counters]);
        store.Add([Comparison(At.AddDays(1))], [counters with { Sampled = 4, SkippedBudget = 4, Compared = 0, DroppedSaturated = 0 }, counters with { Day = "2026-12-03" }]);

        var days = store.Counters("chat", At);
        Assert.Equal(2, days.Count);
        Assert.Equal(counters with { Sampled = 7, SkippedBudget = 4 }, days[0]);
        Assert.Single(store.Counters("chat", At.AddDays(1)));
        Assert.Equal(2, store.Query("chat", At).Count);
        var only = Assert.Single(store.Query("chat", At.AddHours(1)));
        Assert.Equal(Comparison(At.AddDays(1)), only);
        Assert.Empty(store.Query("other", null));
    }

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
        CandidateLatencyMs = 80,
        CandidateCostUsd = 0.0001,
        Agreement = 0.25,
        AgreementDetail = "word overlap 0.25 (min_similarity 0.5)",
        Winner = "tie",
    };

    private static EvalRunRecord Run(string id, DateTimeOffset started) => new()
    {
        RunId = id,
        Started = started,
        Status = "running",
        SuiteName = "s",
        SuitePath = "/tmp/s.jsonl",
        SuiteHash = new string('0', 64),
        Cases = 2,
        Models = ["chat@llama", "chat@gpt"],
        Repeats = 2,
        Target = "http://127.0.0.1:8080/",
    };
}
