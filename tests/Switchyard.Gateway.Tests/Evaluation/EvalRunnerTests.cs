using System.Text;
using System.Text.Json.Nodes;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Evaluation;
using Switchyard.Gateway.Evaluation.Reporting;
using Switchyard.Gateway.Tests.Functional;
using Switchyard.Simulator;
using Switchyard.Simulator.Generation;
using Switchyard.Storage.Evaluation;

namespace Switchyard.Gateway.Tests.Evaluation;

/// <summary>
/// Evaluation runs through a real gateway over HTTP in front of the simulator: the committed sample suite gives its known
/// results, each checked against the simulator's own verdict on the same request; retries, errors and cancellation.
/// </summary>
public sealed class EvalRunnerTests
{
    /// <summary>
    /// The committed sample's known results (README, "Evaluation suites"): passes per model and use case out of the cases.
    /// The simulator's answers are a function of the model and the prompt, so these hold for `switchyard simulate
    /// --profile mixed` and for the fast copy of its two models below alike.
    /// </summary>
    private static readonly Dictionary<(string Model, string UseCase), (int Passed, int Cases)> Known = new()
    {
        [("open", "math")] = (8, 12),
        [("open", "extraction")] = (7, 8),
        [("open", "support")] = (10, 10),
        [("open", "legal")] = (3, 6),
        [("frontier", "math")] = (12, 12),
        [("frontier", "extraction")] = (8, 8),
        [("frontier", "support")] = (10, 10),
        [("frontier", "legal")] = (6, 6),
    };

    [Fact]
    public void SampleSuite_MathAnswers_AreTheSimulatorsTrueAnswers()
    {
        var suite = SampleSuite();

        foreach (var @case in suite.Cases.Where(c => c.UseCase == "math"))
        {
            var question = (string)@case.Request["messages"]![0]!["content"]!;
            var expected = JsonNode.Parse(File.ReadLines(SamplePath("simulator-suite.jsonl")).Single(l => l.Contains($"\"{@case.Id}\"", StringComparison.Ordinal)))!["score"]!["expected"]!.GetValue<int>();
            Assert.Equal(FinalAnswer.TrueAnswer(Encoding.UTF8.GetBytes(question)), expected);
        }
    }

    [Fact]
    public async Task SampleSuite_ThroughTheGateway_GivesItsKnownResults_EachAsTheSimulatorJudgedIt()
    {
        await using var simulator = await SimulatorHost.StartAsync(FastMixed());
        await using var gateway = await StartSampleGatewayAsync(simulator);
        using var http = new HttpClient();
        var suite = SampleSuite();
        var results = new List<EvalResultRecord>();
        var runner = new EvalRunner(new EvalClient(http, gateway.BaseAddress, null, TimeProvider.System, retries: 0, TimeSpan.FromSeconds(30)), TimeProvider.System);

        var complete = await runner.RunAsync("run_test", suite, [new EvalModel("open", null), new EvalModel("frontier", null)], repeats: 1, concurrency: 4, results.Add, null, default);

        Assert.True(complete);
        Assert.Equal(suite.Cases.Length * 2, results.Count);
        Assert.All(results, r => Assert.Null(r.Error));
        foreach (var ((model, useCase), (passed, cases)) in Known)
        {
            var mine = results.Where(r => r.Model == model && r.UseCase == useCase).ToList();
            Assert.Equal(cases, mine.Count);
            Assert.True(passed == mine.Count(r => r.Pass == true), $"{model} {useCase}: {mine.Count(r => r.Pass == true)} passed, known {passed}: " + string.Join("; ", mine.Where(r => r.Pass != true).Select(r => $"{r.CaseId} {r.ScoreDetail}")));
        }

        // Each verdict agrees with the simulator's own on the same request (x-sim-quality), asked of it directly.
        using var direct = new HttpClient { BaseAddress = simulator.BaseAddress };
        foreach (var result in results)
        {
            var @case = suite.Cases.Single(c => c.Id == result.CaseId);
            var upstream = result.Model == "open" ? "llama-3.1-8b-instruct" : "gpt-4o";
            var body = JsonNode.Parse(@case.Body(upstream))!.AsObject();
            body.Remove("stream");
            body.Remove("stream_options");
            using var response = await direct.PostAsync("v1/chat/completions", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
            var quality = string.Join(",", response.Headers.GetValues("x-sim-quality"));
            Assert.True((quality == "good") == (result.Pass == true), $"{result.Model} {result.CaseId}: simulator says {quality}, the eval {(result.Pass == true ? "passed" : "failed")} it ({result.ScoreDetail})");
        }

        // Streamed cases measure time to first token and read the cost from the stream's comment; the others have it as a header.
        Assert.All(results.Where(r => r.Stream), r => Assert.True(r.TimeToFirstTokenMs > 0 && r.TimeToFirstTokenMs <= r.LatencyMs));
        Assert.All(results.Where(r => !r.Stream), r => Assert.Null(r.TimeToFirstTokenMs));
        Assert.All(results, r => Assert.True(r.CostUsd > 0, $"{r.Model} {r.CaseId} has no cost"));
        Assert.All(results, r => Assert.True(r.InputTokens > 0 && r.OutputTokens > 0));
        Assert.All(results.Where(r => r.UseCase == "legal"), r => Assert.True(r.JudgeCostUsd > 0));
        Assert.All(results, r => Assert.Equal(r.Model, r.Deployment));

        var report = EvalReportBuilder.Build(Run(suite, ["open", "frontier"]), results, minQuality: 0.8);
        var all = report.Cheapest.Single(p => p.UseCase == EvalReport.AllUseCases);
        Assert.Equal("frontier", all.Model);
        var open = report.Row("open", EvalReport.AllUseCases)!;
        var frontier = report.Row("frontier", EvalReport.AllUseCases)!;
        Assert.Equal(28, open.Passed);
        Assert.True(frontier.CostPer1000 > open.CostPer1000);
    }

    [Fact]
    public async Task PinnedDeployment_IsSentWithTheHeader_AndARouteThatRefusesPinningIsAnError()
    {
        await using var simulator = await SimulatorHost.StartAsync(FastMixed());
        await using var gateway = await StartSampleGatewayAsync(simulator);
        using var http = new HttpClient();
        var suite = SampleSuite();
        var runner = new EvalRunner(new EvalClient(http, gateway.BaseAddress, null, TimeProvider.System, retries: 0, TimeSpan.FromSeconds(30)), TimeProvider.System);
        var @case = suite.Cases.First(c => c.UseCase == "support");

        var pinned = await runner.RunOneAsync("run_pin", suite, @case, 0, new EvalModel("chat", "frontier"), 0, 0, default);
        var refused = await runner.RunOneAsync("run_pin", suite, @case, 0, new EvalModel("open", "frontier"), 1, 0, default);

        Assert.Null(pinned.Error);
        Assert.Equal("frontier", pinned.Deployment);
        Assert.Equal("chat@frontier", pinned.Model);
        Assert.Equal(400, refused.Status);
        Assert.False(refused.Pass);
        Assert.Contains("pinning_not_allowed", refused.Error, StringComparison.Ordinal);
        Assert.Equal(1, refused.Tries);
    }

    [Fact]
    public async Task Client_RetriesAServerError_ButNotTheClientsOwnMistake()
    {
        await using var simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
        using var http = new HttpClient();
        var client = new EvalClient(http, simulator.BaseAddress, null, TimeProvider.System, retries: 2, TimeSpan.FromSeconds(10)) { Jitter = new Random(1) };

        var recovered = await client.SendAsync(Body("fault-unavailable*1"), new EvalModel("x", null), stream: false, [], "r1", default);
        var mistake = await client.SendAsync(Body("fault-context_length_exceeded"), new EvalModel("x", null), stream: false, [], "r2", default);
        var hopeless = await client.SendAsync(Body("fault-server_error"), new EvalModel("x", null), stream: false, [], "r3", default);

        Assert.Null(recovered.Error);
        Assert.Equal(2, recovered.Tries);
        Assert.NotNull(mistake.Error);
        Assert.Equal(1, mistake.Tries);
        Assert.Contains("context_length_exceeded", mistake.Error, StringComparison.Ordinal);
        Assert.Equal(3, hopeless.Tries);
        Assert.StartsWith("500", hopeless.Error, StringComparison.Ordinal);

        static byte[] Body(string model) => Encoding.UTF8.GetBytes($$"""{"model":"{{model}}","messages":[{"role":"user","content":"Hi"}]}""");
    }

    [Fact]
    public async Task Client_AStreamCutMidWay_IsAnErrorNotAShortAnswer()
    {
        await using var simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
        using var http = new HttpClient();
        var client = new EvalClient(http, simulator.BaseAddress, null, TimeProvider.System, retries: 0, TimeSpan.FromSeconds(10));
        var body = Encoding.UTF8.GetBytes("""{"model":"fault-missing_done","messages":[{"role":"user","content":"Hi"}],"stream":true}""");

        var call = await client.SendAsync(body, new EvalModel("x", null), stream: true, [], "r", default);

        Assert.Null(call.Answer);
        Assert.Contains("without data: [DONE]", call.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Cancelled_StopsAndKeepsWhatFinished()
    {
        var slow = FastMixed() with { Models = [.. FastMixed().Models.Select(m => m with { TimeToFirstToken = TimeSpan.FromMilliseconds(50) })] };
        await using var simulator = await SimulatorHost.StartAsync(slow);
        await using var gateway = await StartSampleGatewayAsync(simulator);
        using var http = new HttpClient();
        using var cancel = new CancellationTokenSource();
        var suite = SampleSuite();
        var results = new List<EvalResultRecord>();
        var runner = new EvalRunner(new EvalClient(http, gateway.BaseAddress, null, TimeProvider.System, retries: 0, TimeSpan.FromSeconds(30)), TimeProvider.System);

        var complete = await runner.RunAsync("run_cancel", suite, [new EvalModel("open", null)], 1, concurrency: 2, r =>
        {
            results.Add(r);
            if (results.Count == 3)
            {
                cancel.Cancel();
            }
        }, null, cancel.Token);

        Assert.False(complete);
        Assert.InRange(results.Count, 3, 4);
        Assert.All(results, r => Assert.Null(r.Error));
    }

    /// <summary>The simulator's open and frontier models as `--profile mixed` serves them, without their waiting.</summary>
    internal static SimulatorOptions FastMixed()
    {
        static SimulatedModel Fast(SimulatedModel model) => model with
        {
            TimeToFirstToken = TimeSpan.FromMilliseconds(1),
            TimeToFirstTokenJitter = 0,
            TokensPerSecond = 20_000,
            TokensPerSecondJitter = 0,
        };

        return new SimulatorOptions { Models = [Fast(SimulatorOptions.OpenModel()), Fast(SimulatorOptions.FrontierModel())], Port = 0 };
    }

    /// <summary>A gateway from the committed samples/eval/simulator.yaml, pointed at <paramref name="simulator"/>.</summary>
    internal static async Task<GatewayHost> StartSampleGatewayAsync(SimulatorHost simulator)
    {
        var yaml = File.ReadAllText(SamplePath("simulator.yaml"))
            .Replace("http://127.0.0.1:9001/v1", new Uri(simulator.BaseAddress, "v1").ToString(), StringComparison.Ordinal)
            .Replace("http://127.0.0.1:8080", "http://127.0.0.1:0", StringComparison.Ordinal)
            .Replace("path: eval-sample.db", $"path: \"{Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"), "eval.db")}\"", StringComparison.Ordinal);
        var loaded = ConfigLoader.Parse(yaml, "simulator.yaml", _ => null);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        return await GatewayHost.StartAsync(loaded.Config!, new GatewayHostOptions { RequestLogStore = new MemoryRequestLogStore() });
    }

    internal static EvalSuite SampleSuite()
    {
        var read = SuiteReader.Read(SamplePath("simulator-suite.jsonl"));
        Assert.True(read.Suite is not null, string.Join("\n", read.Errors));
        return read.Suite;
    }

    internal static EvalRunRecord Run(EvalSuite suite, IReadOnlyList<string> models) => new()
    {
        RunId = "run_test",
        Started = DateTimeOffset.UnixEpoch,
        Status = "complete",
        SuiteName = suite.Name,
        SuiteHash = suite.Hash,
        Cases = suite.Cases.Length,
        Models = models,
        Repeats = 1,
    };

    internal static string SamplePath(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Switchyard.slnx")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("Switchyard.slnx not found above " + AppContext.BaseDirectory), "samples", "eval", name);
    }
}
