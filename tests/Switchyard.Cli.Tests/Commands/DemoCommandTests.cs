using System.Diagnostics;
using Switchyard.Cli.Commands;
using Switchyard.Cli.Demo;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Tests.Commands;

/// <summary>The README's first command, run as a user runs it: the built CLI in its own process.</summary>
public sealed class DemoCommandTests : IDisposable
{
    private static readonly HashSet<string> External = ["gpt-4o", "text-embedding-3-small"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public DemoCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Demo_Once_SendsTwoRoundsTrainsTheRouterBetweenThemAndRecordsEveryRequest()
    {
        var db = Path.Combine(_directory, "demo.db");

        var (exit, output) = await RunAsync("demo", "--once", "--fast", "--requests", "40", "--port", "0", "--db", db);

        Assert.True(exit == 0, output);
        Assert.Contains("Requests by deployment", output, StringComparison.Ordinal);
        Assert.Contains("llama-8b", output, StringComparison.Ordinal);
        Assert.Contains("Router trained on round 1's", output, StringComparison.Ordinal);
        Assert.Contains("The loop closed", output, StringComparison.Ordinal);
        Assert.Contains("sent straight to the frontier by the router", output, StringComparison.Ordinal);
        Assert.Contains("Sent 80 requests", output, StringComparison.Ordinal);
        Assert.Contains("Money: ", output, StringComparison.Ordinal);
        Assert.Contains("Break-even for this traffic", output, StringComparison.Ordinal);
        Assert.Contains("curl -s http://127.0.0.1:", output, StringComparison.Ordinal);
        // The dashboard's address and the auditor key to sign in with, before round 1 starts.
        var dashboard = System.Text.RegularExpressions.Regex.Match(output, @"dashboard +http://127\.0\.0\.1:\d+/ui/ .*\n *dashboard key +(sy_[a-z2-7]{10}_\S+) ");
        Assert.True(dashboard.Success, output);
        Assert.True(dashboard.Index < output.IndexOf("Round 1", StringComparison.Ordinal), output);
        var key = new SqliteKeyStore(new SqliteStoreOptions { Path = db }, TimeProvider.System).Find(dashboard.Groups[1].Value[..13]);
        Assert.Equal(("auditor", DemoDashboard.Team), (key?.Role, key?.Team));
        Assert.True(Switchyard.Gateway.Auth.ApiKeys.Matches(dashboard.Groups[1].Value, key!.Hash));
        Assert.Contains("/metrics  (Prometheus text format", output, StringComparison.Ordinal);

        await using var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = db }, TimeProvider.System);
        var entries = await store.QueryAsync(new RequestLogQuery { Limit = 1000 }, CancellationToken.None);
        Assert.Equal(80, entries.Count);
        Assert.Contains(entries, e => e.Endpoint == "embeddings");
        Assert.Contains(entries, e => e.Stream && e.TimeToFirstTokenMs is not null);
        Assert.Contains(entries, e => e.EscalatedFrom is not null);
        // Every answer is costed from the demo configuration's price book: self-hosted GPUs and gpt-4o's list price.
        Assert.All(entries.Where(e => e.Status == 200), e => Assert.NotNull(e.CostUsd));
        Assert.Contains(entries, e => e.Deployment == "gpt-4o" && e.CostUsd > 0);
        // Round 2 ran with the router trained on round 1: it scored every chat request, and sent some straight ahead.
        Assert.Contains(entries, e => e.Rule == "router" && e.Deployment == "gpt-4o");
        Assert.True(File.Exists(Path.Combine(_directory, "demo.router")));
        // The registry step: the research-only model is shown rejected, and nothing the demo served came from a model
        // that is not approved (external APIs name none).
        var ministral = output.Split('\n').Single(line => line.Contains("ministral-8b-instruct-2410", StringComparison.Ordinal) && line.Contains("│", StringComparison.Ordinal));
        Assert.Contains("Forbidden", ministral, StringComparison.Ordinal);
        Assert.Contains("rejected", ministral, StringComparison.Ordinal);
        var deployments = Switchyard.Gateway.Configuration.ConfigLoader.Parse(DemoCommand.ReadDemoYaml(), "demo.yaml", _ => null).Config!.Deployments.ToDictionary(d => d.Name);
        var registry = new SqliteModelStore(new SqliteStoreOptions { Path = db }, TimeProvider.System);
        Assert.Equal(Switchyard.Storage.Models.ModelStatus.Rejected, registry.Find("ministral-8b-instruct-2410")!.Status);
        Assert.All(entries.Where(e => e.Deployment is not null), e =>
        {
            var model = deployments[e.Deployment!].RegistryModel;
            Assert.NotEqual("ministral-8b-instruct-2410", model);
            Assert.True(model is null || registry.Find(model)!.Status == Switchyard.Storage.Models.ModelStatus.Approved, $"{e.Deployment} served {model}");
        });
        var dataset = File.ReadAllLines(Path.Combine(_directory, "demo-dataset.jsonl"));
        Assert.NotEmpty(dataset);
        Assert.All(dataset, line => Assert.Null(Switchyard.Gateway.Quality.Datasets.DatasetExporter.Validate(line, Switchyard.Gateway.Quality.Datasets.DatasetFormat.OpenAI)));

        // What the router changed, read from the request log: each request's id names its round and place in the workload.
        var rounds = entries
            .Select(e => (Entry: e, Known: DemoWorkload.TryParseRequestId(e.RequestId, out var round, out var index), Round: round, Index: index))
            .ToList();
        Assert.All(rounds, r => Assert.True(r.Known, r.Entry.RequestId));
        var first = DemoRound.Measure([.. rounds.Where(r => r.Round == 1).Select(r => r.Entry)], External);
        var second = DemoRound.Measure([.. rounds.Where(r => r.Round == 2).Select(r => r.Entry)], External);
        // Round 2 throws away fewer cheap answers, and spends less time, and fewer tokens, on them.
        Assert.True(second.Escalated < first.Escalated, $"escalations: round 1 {first.Escalated}, round 2 {second.Escalated}");
        Assert.True(second.PoorAnswerSeconds < first.PoorAnswerSeconds, $"time on thrown-away answers: round 1 {first.PoorAnswerSeconds} s, round 2 {second.PoorAnswerSeconds} s");
        Assert.True(second.PoorAnswerTokens < first.PoorAnswerTokens, $"tokens thrown away: round 1 {first.PoorAnswerTokens}, round 2 {second.PoorAnswerTokens}");
        // What the router sent ahead is mostly the hard kind: the medical questions the open model is poor at.
        var kinds = rounds.Where(r => r.Round == 2 && r.Entry.Rule == "router").Select(r => DemoWorkload.KindOf(r.Index)).ToList();
        Assert.True(kinds.Count(k => k == "medical") > kinds.Count / 2, $"sent ahead: {string.Join(", ", kinds)}");
        // The demo says so too, with the figures it read back.
        Assert.Contains("What the router saved, round 2 against round 1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_WriteConfig_WritesAFileThatValidates()
    {
        var path = Path.Combine(_directory, "switchyard.yaml");

        var (written, _) = await RunAsync("demo", "--write-config", path);
        var (valid, output) = await RunAsync("config", "validate", "--config", path);

        Assert.Equal(0, written);
        Assert.True(valid == 0, output);
        Assert.Contains("is valid", output, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "switchyard.dll");
        var start = new ProcessStartInfo("dotnet", [cli, .. args])
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
