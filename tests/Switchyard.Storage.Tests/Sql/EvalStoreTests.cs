using Switchyard.Storage.Evaluation;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Sql;

/// <summary>Evaluation runs and their results, the same on SQLite and PostgreSQL: what goes in comes back, runs are found by prefix.</summary>
public abstract class EvalStoreTests(StoreHarness harness) : StoreTestBase(harness)
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [StoreFact]
    public async Task Results_RoundTrip_WithTheirCostsExact()
    {
        var store = (await OpenAsync()).Evaluation;
        store.AddRun(Run("run_0123456789ab", At));
        var result = Result("run_0123456789ab", "math-01");

        store.AddResults([result, result with { CaseId = "math-02", Pass = null, Score = null, Answer = null, Error = "502: broken", CostUsd = null, Stream = false, CostEstimated = false }]);
        store.FinishRun("run_0123456789ab", "cancelled", At.AddMinutes(1));

        var read = store.Results("run_0123456789ab");
        Assert.Equal(result, read[0]);
        Assert.Equal("502: broken", read[1].Error);
        Assert.Null(read[1].Pass);
        Assert.False(read[1].Stream);
        Assert.Null(read[1].CostUsd);
        var run = store.FindRun("run_0123456789ab", out _)!;
        Assert.Equal("cancelled", run.Status);
        Assert.True(run.Partial);
        Assert.Equal(At.AddMinutes(1), run.Finished);
        Assert.Equal(["chat@llama", "chat@gpt"], run.Models);
        Assert.Equal(Run("run_0123456789ab", At) with { Status = "cancelled", Finished = At.AddMinutes(1), Models = run.Models }, run);
    }

    [StoreFact]
    public async Task AddResults_ATrialSeenAgain_ReplacesItsResultInItsPlace()
    {
        var store = (await OpenAsync()).Evaluation;
        store.AddRun(Run("run_0123456789ab", At));
        store.AddResults([Result("run_0123456789ab", "a"), Result("run_0123456789ab", "b")]);

        store.AddResults([Result("run_0123456789ab", "a") with { Pass = false, Score = 0, Answer = "41", Tries = 3 }]);

        var read = store.Results("run_0123456789ab");
        Assert.Equal(["a", "b"], read.Select(r => r.CaseId));
        Assert.Equal((false, "41", 3), (read[0].Pass, read[0].Answer, read[0].Tries));
        Assert.Empty(store.Results("run_nothing000"));
    }

    [StoreFact]
    public async Task FindRun_ByPrefixOrLatest_AndSaysWhenAPrefixIsAmbiguous()
    {
        var store = (await OpenAsync()).Evaluation;
        store.AddRun(Run("run_aaaaaa111111", At));
        store.AddRun(Run("run_aaaaaa222222", At.AddHours(1)));
        // Started in the same millisecond as the newest: the one added last is the latest.
        store.AddRun(Run("run_bbbbbb333333", At.AddHours(1)));

        Assert.Equal("run_bbbbbb333333", store.FindRun("latest", out _)!.RunId);
        Assert.Equal("run_aaaaaa111111", store.FindRun("run_aaaaaa1", out _)!.RunId);
        Assert.Null(store.FindRun("run_aaaaaa", out var ambiguous));
        Assert.True(ambiguous);
        Assert.Null(store.FindRun("run_a", out ambiguous));
        Assert.False(ambiguous);
        Assert.Null(store.FindRun("run_cccccc", out ambiguous));
        Assert.False(ambiguous);
        Assert.Equal(["run_bbbbbb333333", "run_aaaaaa222222", "run_aaaaaa111111"], store.ListRuns(10).Select(r => r.RunId));
        Assert.Equal(["run_bbbbbb333333"], store.ListRuns(1).Select(r => r.RunId));
    }

    private static EvalResultRecord Result(string runId, string caseId) => new()
    {
        RunId = runId,
        CaseId = caseId,
        UseCase = "math",
        Model = "chat@llama",
        RepeatIndex = 1,
        Timestamp = At,
        RequestId = runId + ".0.0.1",
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
