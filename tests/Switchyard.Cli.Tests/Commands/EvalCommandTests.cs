using System.Collections.Immutable;
using System.CommandLine;
using System.Text.Json;
using Switchyard.Cli.Commands;
using Switchyard.Gateway;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;
using Switchyard.Storage.Evaluation;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Tests.Commands;

/// <summary><c>switchyard eval</c> end to end: a real gateway in front of the simulator, a real SQLite file.</summary>
public sealed class EvalCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public EvalCommandTests() => Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, "eval.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Run_ThroughAGateway_StoresTheRunAndReportsIt_InEveryFormat()
    {
        await using var simulator = await SimulatorHost.StartAsync(TwoModels());
        await using var gateway = await StartGatewayAsync(simulator);

        var (exit, stdout, error) = await InvokeAsync("eval", "run", "--suite", SamplePath("simulator-suite.jsonl"), "--models", "open,frontier", "--gateway", gateway.BaseAddress.ToString(),
            "--db", DatabasePath, "--format", "json", "--concurrency", "6");

        Assert.True(exit == 0, error);
        Assert.Contains("Run run_", error, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal("complete", report.RootElement.GetProperty("status").GetString());
        Assert.Equal(72, report.RootElement.GetProperty("trials_recorded").GetInt32());
        var rows = report.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(10, rows.Count);
        var frontier = rows.Single(r => r.GetProperty("model").GetString() == "frontier" && r.GetProperty("use_case").GetString() == "(all)");
        Assert.Equal(36, frontier.GetProperty("trials").GetInt32());
        Assert.True(frontier.GetProperty("cost_per_1000_usd").GetDecimal() > 0);

        var runId = report.RootElement.GetProperty("run_id").GetString()!;
        var store = new SqliteEvalStore(new SqliteStoreOptions { Path = DatabasePath }, TimeProvider.System);
        Assert.Equal(72, store.Results(runId).Count);
        var html = Path.Combine(_directory, "report.html");
        Assert.Equal(0, (await InvokeAsync("eval", "report", runId[..10], "--db", DatabasePath, "-o", html)).Exit);
        Assert.Contains("<svg", File.ReadAllText(html), StringComparison.Ordinal);
        var (tableExit, table, _) = await InvokeAsync("eval", "report", "latest", "--db", DatabasePath, "--min-quality", "0.5");
        Assert.Equal(0, tableExit);
        Assert.Contains("Cheapest at quality 0.5", table, StringComparison.Ordinal);
        var (markdownExit, markdown, _) = await InvokeAsync("eval", "report", runId, "--db", DatabasePath, "--format", "markdown");
        Assert.Equal(0, markdownExit);
        Assert.Contains("## Use case: math", markdown, StringComparison.Ordinal);
        Assert.Contains(runId, (await InvokeAsync("eval", "list", "--db", DatabasePath)).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ABadSuite_ListsEveryErrorAndRunsNothing()
    {
        var suite = Path.Combine(_directory, "bad.jsonl");
        File.WriteAllText(suite, """
            {"id": "a", "messages": [{"role": "user", "content": "Hi"}], "score": {"type": "regex", "pattern": "("}}
            {"id": "b", "messages": [], "score": {"type": "exact", "expected": "x"}}
            """);

        var (exit, _, error) = await InvokeAsync("eval", "run", "--suite", suite, "--models", "chat", "--gateway", "http://127.0.0.1:9", "--db", DatabasePath);

        Assert.Equal(2, exit);
        Assert.Contains("has 2 error(s); nothing was run", error, StringComparison.Ordinal);
        Assert.Contains("bad.jsonl:1: score.pattern", error, StringComparison.Ordinal);
        Assert.Contains("bad.jsonl:2: messages", error, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath));
    }

    [Theory]
    [InlineData("--models", "chat@", "--models: 'chat@' is not a model")]
    [InlineData("--models", "chat,chat", "'chat' is listed twice")]
    public async Task Run_BadModels_SaySo(string option, string value, string message)
    {
        var (exit, _, error) = await InvokeAsync("eval", "run", "--suite", SamplePath("simulator-suite.jsonl"), option, value, "--gateway", "http://127.0.0.1:9", "--db", DatabasePath);

        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NeitherGatewayNorConfig_IsRefused()
    {
        var (exit, _, error) = await InvokeAsync("eval", "run", "--suite", SamplePath("simulator-suite.jsonl"), "--models", "chat");

        Assert.NotEqual(0, exit);
        Assert.Contains("Give either --gateway URL", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GatewayAndConfig_EvaluatesTheGateway_AndStoresWhereTheConfigurationSays()
    {
        await using var simulator = await SimulatorHost.StartAsync(TwoModels());
        await using var gateway = await StartGatewayAsync(simulator);
        var config = Path.Combine(_directory, "runs.yaml");
        File.WriteAllText(config, SimulatorConfig(simulator, $"storage: {{ kind: sqlite, path: \"{DatabasePath}\" }}"));

        var (exit, stdout, error) = await InvokeAsync("eval", "run", "--suite", SamplePath("simulator-suite.jsonl"), "--models", "frontier", "--gateway", gateway.BaseAddress.ToString(),
            "--config", config, "--format", "json");

        Assert.True(exit == 0, error);
        Assert.Contains($"results in SQLite file {DatabasePath}", error, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(stdout);
        var runId = report.RootElement.GetProperty("run_id").GetString()!;
        var (listed, list, listError) = await InvokeAsync("eval", "list", "--config", config);
        Assert.True(listed == 0, listError);
        Assert.Contains(runId, list, StringComparison.Ordinal);
        // The gateway at the URL answered; none was started from the configuration.
        var run = new SqliteEvalStore(new SqliteStoreOptions { Path = DatabasePath }, TimeProvider.System).FindRun(runId, out _)!;
        Assert.Equal(gateway.BaseAddress.ToString(), run.Target);
    }

    [Theory]
    [InlineData("list")]
    [InlineData("report", "latest")]
    [InlineData("compare", "run_a", "run_b")]
    public async Task ReadingCommands_NoDatabase_SayHowRunsAreStored_AndCreateNothing(params string[] command)
    {
        var (exit, _, error) = await InvokeAsync(["eval", .. command, "--db", DatabasePath]);

        Assert.Equal(2, exit);
        Assert.Contains($"No database at {DatabasePath}: no evaluation run was stored there.", error, StringComparison.Ordinal);
        Assert.Contains("Run `switchyard eval run` first", error, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task Compare_ARegression_ExitsOne_AndNamesIt()
    {
        var store = new SqliteEvalStore(new SqliteStoreOptions { Path = DatabasePath }, TimeProvider.System);
        Seed(store, "run_aaaaaaaaaaaa", passed: 20);
        Seed(store, "run_bbbbbbbbbbbb", passed: 12);
        Seed(store, "run_cccccccccccc", passed: 19);

        var (exit, stdout, _) = await InvokeAsync("eval", "compare", "run_aaaaaaaaaaaa", "run_bbbbbbbbbbbb", "--db", DatabasePath, "--format", "markdown");
        var (same, sameOutput, _) = await InvokeAsync("eval", "compare", "run_aaaaaaaaaaaa", "run_cccccccccccc", "--db", DatabasePath);
        var (missing, _, missingError) = await InvokeAsync("eval", "compare", "run_aaaaaaaaaaaa", "run_nope", "--db", DatabasePath);

        Assert.Equal(1, exit);
        Assert.Contains("REGRESSION", stdout, StringComparison.Ordinal);
        Assert.Contains("2 regressions.", stdout, StringComparison.Ordinal);
        Assert.Equal(0, same);
        Assert.Contains("No regressions.", sameOutput, StringComparison.Ordinal);
        Assert.Equal(2, missing);
        Assert.Contains("No run 'run_nope'", missingError, StringComparison.Ordinal);
    }

    private static void Seed(SqliteEvalStore store, string runId, int passed)
    {
        store.AddRun(new EvalRunRecord
        {
            RunId = runId,
            Started = DateTimeOffset.UnixEpoch,
            Status = "complete",
            SuiteName = "s",
            SuiteHash = new string('a', 64),
            Cases = 20,
            Models = ["m"],
            Repeats = 1,
        });
        store.AddResults([.. Enumerable.Range(0, 20).Select(i => new EvalResultRecord
        {
            RunId = runId,
            CaseId = "c" + i,
            UseCase = "u",
            Model = "m",
            Timestamp = DateTimeOffset.UnixEpoch,
            Pass = i < passed,
            Score = i < passed ? 1 : 0,
            LatencyMs = 100,
            CostUsd = 0.001m,
        })]);
    }

    /// <summary>The simulator's two models of the sample suite: an open one, weaker at most things, and a strong one.</summary>
    internal static SimulatorOptions TwoModels() => new() { Models = [Model("llama-3.1-8b-instruct", 0.65), Model("gpt-4o", 0.96)], Port = 0 };

    /// <summary>The sample gateway configuration (samples/eval/simulator.yaml) in front of <paramref name="simulator"/>, on port 0 and the given store.</summary>
    internal static string SimulatorConfig(SimulatorHost simulator, string storageYaml) => File.ReadAllText(SamplePath("simulator.yaml"))
        .Replace("http://127.0.0.1:9001/v1", new Uri(simulator.BaseAddress, "v1").ToString(), StringComparison.Ordinal)
        .Replace("http://127.0.0.1:8080", "http://127.0.0.1:0", StringComparison.Ordinal)
        .Replace("storage: { kind: sqlite, path: eval-sample.db }", storageYaml, StringComparison.Ordinal);

    /// <summary>A simulated model with the given skill at every kind of prompt, answering at once.</summary>
    private static SimulatedModel Model(string name, double skill) => new()
    {
        Name = name,
        TimeToFirstToken = TimeSpan.FromMilliseconds(1),
        TokensPerSecond = 20_000,
        Skill = ImmutableDictionary.CreateRange(PromptKinds.All.Select(k => KeyValuePair.Create(k, skill))),
        ContextWindow = 128_000,
    };

    private Task<GatewayHost> StartGatewayAsync(SimulatorHost simulator)
        => StartGatewayAsync(SimulatorConfig(simulator, $"storage: {{ kind: sqlite, path: \"{Path.Combine(_directory, "gateway.db")}\" }}"));

    internal static async Task<GatewayHost> StartGatewayAsync(string yaml)
    {
        var loaded = ConfigLoader.Parse(yaml, "simulator.yaml", _ => null);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        return await GatewayHost.StartAsync(loaded.Config!, new GatewayHostOptions());
    }

    internal static string SamplePath(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Switchyard.slnx")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory!.FullName, "samples", "eval", name);
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(EvalCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
