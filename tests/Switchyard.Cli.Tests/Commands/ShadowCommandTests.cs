using System.Collections.Immutable;
using System.CommandLine;
using System.Text;
using System.Text.Json;
using Switchyard.Cli.Commands;
using Switchyard.Gateway;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;

namespace Switchyard.Cli.Tests.Commands;

/// <summary>
/// <c>switchyard shadow report</c> and <c>switchyard dataset export --source shadow</c> over what a real gateway stored:
/// its request log and its shadow comparisons, in one SQLite file.
/// </summary>
public sealed class ShadowCommandTests : IDisposable
{
    internal const int Requests = 6;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public ShadowCommandTests() => Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, "switchyard.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Report_SaysHowTheCandidateDid_AndWhatSwitchingWouldSave()
    {
        await RunTrafficAsync();

        var (exit, stdout, error) = await InvokeAsync("shadow", "report", "--db", DatabasePath, "--format", "json");

        Assert.True(exit == 0, error);
        using var report = JsonDocument.Parse(stdout);
        var row = Assert.Single(report.RootElement.GetProperty("rows").EnumerateArray());
        Assert.Equal("chat", row.GetProperty("route").GetString());
        Assert.Equal("weak", row.GetProperty("candidate").GetString());
        Assert.Equal(Requests, row.GetProperty("sampled").GetInt64());
        Assert.Equal(Requests, row.GetProperty("compared").GetInt32());
        Assert.Equal(Requests, row.GetProperty("losses").GetInt32());
        Assert.Equal(0, row.GetProperty("at_least_as_good").GetProperty("estimate").GetDouble());
        var incumbent = row.GetProperty("incumbent_cost_usd").GetDecimal();
        var candidate = row.GetProperty("candidate_cost_usd").GetDecimal();
        Assert.True(incumbent > candidate);
        // Six requests in the window, which started at the first of them: under an hour, counted as an hour.
        var monthly = row.GetProperty("monthly_requests").GetDouble();
        Assert.Equal(Requests * 24 * 30.4375, monthly, 0);
        Assert.Equal((double)((incumbent - candidate) * (decimal)monthly), (double)row.GetProperty("monthly_saving_usd").GetDecimal(), 4);

        var (tableExit, table, _) = await InvokeAsync("shadow", "report", "--db", DatabasePath, "--route", "chat");
        Assert.Equal(0, tableExit);
        Assert.Contains("chat -> weak: 6 comparisons; the candidate did at least as well in 0.0% [0.0–39.0]", table, StringComparison.Ordinal);
        Assert.Contains("switching would save $", table, StringComparison.Ordinal);
        var (_, none, _) = await InvokeAsync("shadow", "report", "--db", DatabasePath, "--route", "other");
        Assert.Contains("No shadow comparisons", none, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatasetExport_FromShadow_TeachesTheIncumbentsAnswers()
    {
        await RunTrafficAsync();
        var output = Path.Combine(_directory, "shadow.jsonl");

        var (exit, stdout, error) = await InvokeAsync("dataset", "export", "--db", DatabasePath, "--source", "shadow", "-o", output, "--validation-share", "0");
        var (allExit, allStdout, _) = await InvokeAsync("dataset", "export", "--db", DatabasePath, "--source", "all", "-o", Path.Combine(_directory, "all.jsonl"), "--validation-share", "0");
        var (goodExit, goodStdout, _) = await InvokeAsync("dataset", "export", "--db", DatabasePath, "--source", "all", "--review", "good", "-o", Path.Combine(_directory, "good.jsonl"), "--validation-share", "0");

        Assert.True(exit == 0, error);
        Assert.Contains($"{Requests} shadow comparisons the incumbent won read; {Requests} train", stdout, StringComparison.Ordinal);
        var lines = File.ReadAllLines(output);
        Assert.Equal(Requests, lines.Length);
        foreach (var line in lines)
        {
            using var example = JsonDocument.Parse(line);
            var messages = example.RootElement.GetProperty("messages").EnumerateArray().ToList();
            Assert.StartsWith("Question ", messages[0].GetProperty("content").GetString(), StringComparison.Ordinal);
            Assert.Equal("assistant", messages[^1].GetProperty("role").GetString());
            Assert.False(string.IsNullOrWhiteSpace(messages[^1].GetProperty("content").GetString()));
        }

        Assert.Equal(0, allExit);
        Assert.Contains($"{Requests} escalation records and shadow comparisons the incumbent won read", allStdout, StringComparison.Ordinal);
        Assert.Equal(0, goodExit);
        Assert.Contains("0 escalation records and shadow comparisons the incumbent won read", goodStdout, StringComparison.Ordinal);
    }

    private Task RunTrafficAsync() => RunTrafficAsync($"storage: {{ kind: sqlite, path: \"{DatabasePath}\" }}");

    /// <summary>
    /// <see cref="Requests"/> requests through a gateway on <paramref name="storageYaml"/> whose chat route answers from a
    /// strong model and shadows every request to a weak, cheaper one; back when the log and the comparisons are stored.
    /// </summary>
    internal static async Task RunTrafficAsync(string storageYaml)
    {
        static SimulatedModel Model(string name, double skill) => new()
        {
            Name = name,
            TimeToFirstToken = TimeSpan.FromMilliseconds(1),
            TokensPerSecond = 50_000,
            Skill = ImmutableDictionary.CreateRange(PromptKinds.All.Select(k => KeyValuePair.Create(k, skill))),
            ContextWindow = 128_000,
        };

        await using var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Models = [Model("strong", 1), Model("weak", 0)], Port = 0 });
        var loaded = ConfigLoader.Parse($$"""
            server: { listen: "http://127.0.0.1:0" }
            {{storageYaml}}
            request_log: { flush_interval: 20ms }
            auth: { keys: off }
            registry: { enforce: off }
            providers:
              sim: { kind: openai, base_url: "{{new Uri(simulator.BaseAddress, "v1")}}" }
            deployments:
              strong: { provider: sim, model: strong, pricing: { input: 2.5, output: 10 } }
              weak: { provider: sim, model: weak, pricing: { input: 0.1, output: 0.2 } }
            routes:
              chat: { deployments: [strong], shadow: { deployment: weak, share: 1 } }
            """, "shadow.yaml", _ => null);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        await using var gateway = await GatewayHost.StartAsync(loaded.Config!, new GatewayHostOptions());
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };
        for (var i = 0; i < Requests; i++)
        {
            using var response = await client.PostAsync("chat/completions", new StringContent($$"""{"model":"chat","messages":[{"role":"user","content":"Question {{i}}: what are your opening hours?"}]}""", Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode);
        }

        await gateway.FlushRequestLogAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await gateway.Shadow.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(ShadowCommand.Create());
        root.Subcommands.Add(DatasetCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
