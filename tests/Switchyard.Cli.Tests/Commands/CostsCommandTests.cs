using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Switchyard.Cli.Commands;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Tests.Commands;

/// <summary><c>switchyard costs</c>: the request log's costs grouped, agreeing with the log's own rows to the cent.</summary>
public sealed partial class CostsCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public CostsCommandTests() => Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, "switchyard.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Costs_ByRouteAndDay_SumTheLogsRowsToTheCent()
    {
        var entries = await WriteLogAsync();

        var (exit, output, error) = await InvokeAsync("costs", "--db", DatabasePath, "--by", "route,day", "--format", "json", "--since", "7d");

        Assert.True(exit == 0, error);
        var rows = JsonDocument.Parse(output).RootElement.EnumerateArray().ToArray();
        Assert.Equal(["chat 2026-12-01", "chat 2026-12-02", "frontier 2026-12-02"], rows.Select(r => r.GetProperty("route").GetString() + " " + r.GetProperty("day").GetString()));
        var chatToday = rows[1];
        Assert.Equal(3, chatToday.GetProperty("requests").GetInt64());
        Assert.Equal(1, chatToday.GetProperty("uncosted").GetInt64());
        // The report's sums and the rows' sums agree to the cent (and closer).
        var today = entries.Where(e => e.Route == "chat" && e.Timestamp.Day == 2).ToArray();
        Assert.Equal(today.Sum(e => e.CostUsd ?? 0), chatToday.GetProperty("cost_usd").GetDouble(), 9);
        Assert.Equal(today.Sum(e => e.ExtraCostUsd ?? 0), chatToday.GetProperty("extra_cost_usd").GetDouble(), 9);
        var spent = today.Sum(e => (e.CostUsd ?? 0) + (e.ExtraCostUsd ?? 0));
        Assert.Equal(today.Sum(e => e.BaselineCostUsd ?? 0) - spent, chatToday.GetProperty("saved_usd").GetDouble(), 9);
        // The answers' tokens and those of the calls the extra cost paid for (t2's turned-down answer and judge).
        Assert.Equal(1000 + 3000 + 10 + 150 + 300, chatToday.GetProperty("input_tokens").GetInt64());
    }

    [Fact]
    public async Task Costs_Table_PrintsATotalAndTheSavings()
    {
        await WriteLogAsync();

        var (exit, output, error) = await InvokeAsync("costs", "--db", DatabasePath, "--by", "none", "--since", "7d");

        Assert.True(exit == 0, error);
        // Answers 0.003 + 0.004 + 0.1 + 0.2; extra 0.0004 + 0.0001; all-frontier 0.05 + 0.08 + 0.1 + 0.2 (+ 0 unknown).
        Assert.Contains("$0.3075", output, StringComparison.Ordinal);
        Assert.Contains("$0.4300", output, StringComparison.Ordinal);
        Assert.Contains("$0.1225", output, StringComparison.Ordinal);
        Assert.Contains("(1 uncosted, 2 estimated)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Costs_Csv_HasAHeaderAndARowPerGroup()
    {
        await WriteLogAsync();

        var (exit, output, _) = await InvokeAsync("costs", "--db", DatabasePath, "--by", "deployment", "--format", "csv", "--since", "7d");

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("deployment,requests,uncosted,estimated,input_tokens,output_tokens,cached_tokens,reasoning_tokens,cost_usd,escalated_cost_usd,checks_cost_usd,failed_cost_usd,extra_cost_usd,spent_usd,baseline_cost_usd,saved_usd", lines[0]);
        Assert.Equal(["gpt-4o", "judge", "llama", "mystery"], lines[1..].Select(l => l.Split(',')[0]));
    }

    [Fact]
    public async Task Costs_ByDeployment_PutsEachDollarUnderTheDeploymentThatSpentIt()
    {
        var entries = await WriteLogAsync();

        var rows = await JsonRowsAsync("--by", "deployment");

        // t2 was answered by gpt-4o after llama's answer was turned down and a judge was asked: each under its spender.
        var llama = rows["llama"];
        Assert.Equal(2, llama.GetProperty("requests").GetInt64());
        Assert.Equal(0.003 + 0.004, llama.GetProperty("cost_usd").GetDouble(), 9);
        Assert.Equal(0.0002, llama.GetProperty("escalated_cost_usd").GetDouble(), 9);
        Assert.Equal(0.0001, llama.GetProperty("failed_cost_usd").GetDouble(), 9);
        Assert.Equal(1000 + 2000 + 150 + 40, llama.GetProperty("input_tokens").GetInt64());
        var judge = rows["judge"];
        Assert.Equal(0, judge.GetProperty("requests").GetInt64());
        Assert.Equal(0.0002, judge.GetProperty("checks_cost_usd").GetDouble(), 9);
        var gpt = rows["gpt-4o"];
        Assert.Equal(0.1 + 0.2, gpt.GetProperty("cost_usd").GetDouble(), 9);
        Assert.Equal(0, gpt.GetProperty("extra_cost_usd").GetDouble(), 9);

        // Nothing counted twice: the groups add up to the log's rows.
        var inWindow = entries.Where(e => e.RequestId != "old").ToArray();
        Assert.Equal(inWindow.Sum(e => (e.CostUsd ?? 0) + (e.ExtraCostUsd ?? 0)), rows.Values.Sum(r => r.GetProperty("spent_usd").GetDouble()), 9);
        Assert.Equal(inWindow.Sum(e => e.ExtraCostUsd ?? 0), rows.Values.Sum(r => r.GetProperty("extra_cost_usd").GetDouble()), 9);
        Assert.Equal(2, rows.Values.Sum(r => r.GetProperty("estimated").GetInt64()));
    }

    [Fact]
    public async Task Costs_ByTeamAndTier_GroupsEachTeamsSpendByTheTierThatSpentIt()
    {
        await WriteLogAsync();

        var rows = await JsonRowsAsync("--by", "team,tier");

        Assert.Equal(["-|-", "search|-", "search|frontier", "search|open", "support|open"], rows.Keys.Order(StringComparer.Ordinal));
        // search's t2: answered on the frontier tier, its turned-down answer on the open one, its judge in no tier (-).
        Assert.Equal(0.1, rows["search|frontier"].GetProperty("cost_usd").GetDouble(), 9);
        Assert.Equal(1, rows["search|frontier"].GetProperty("requests").GetInt64());
        Assert.Equal(0.003, rows["search|open"].GetProperty("cost_usd").GetDouble(), 9);
        Assert.Equal(0.0002, rows["search|open"].GetProperty("escalated_cost_usd").GetDouble(), 9);
        Assert.Equal(0.0002, rows["search|-"].GetProperty("checks_cost_usd").GetDouble(), 9);
        Assert.Equal(0, rows["search|-"].GetProperty("requests").GetInt64());
        Assert.Equal(0.004 + 0.0001, rows["support|open"].GetProperty("spent_usd").GetDouble(), 9);
        Assert.Equal(1, rows["support|open"].GetProperty("estimated").GetInt64());
    }

    [Fact]
    public async Task Costs_Table_ShowsTheKindsOfExtraCostAndTheEstimatedCount()
    {
        await WriteLogAsync();

        var (exit, output, error) = await InvokeAsync("costs", "--db", DatabasePath, "--by", "deployment", "--since", "7d");

        Assert.True(exit == 0, error);
        foreach (var column in (string[])["escalated", "checks", "failed", "cached in", "reasoning out"])
        {
            Assert.Contains(column, output, StringComparison.Ordinal);
        }

        Assert.Contains("2 estimated", output, StringComparison.Ordinal);
        Assert.Contains("$0.0002", output, StringComparison.Ordinal);
    }

    /// <summary><c>costs --format json --since 7d</c> with <paramref name="args"/>, its rows by their keys joined with <c>|</c>.</summary>
    private async Task<Dictionary<string, JsonElement>> JsonRowsAsync(params string[] args)
    {
        var (exit, output, error) = await InvokeAsync(["costs", "--db", DatabasePath, "--format", "json", "--since", "7d", .. args]);
        Assert.True(exit == 0, error);
        var dimensions = args[1].Split(',');
        return JsonDocument.Parse(output).RootElement.EnumerateArray()
            .ToDictionary(r => string.Join("|", dimensions.Select(d => r.GetProperty(d).GetString())), r => r.Clone());
    }

    [Fact]
    public async Task Costs_WithTheConfiguration_ShowsTheSelfHostedPriceAtTheThroughputServed()
    {
        await WriteLogAsync();
        var config = Path.Combine(_directory, "switchyard.yaml");
        File.WriteAllText(config, """
            providers:
              vllm: { kind: openai, base_url: http://localhost:8000/v1 }
            deployments:
              llama: { provider: vllm, model: llama, pricing: { gpu_hour: 2.5, tokens_per_second: 2500, utilisation: 0.6 } }
            routes:
              chat: { deployments: [llama] }
            """);

        var (exit, output, error) = await InvokeAsync("costs", "--db", DatabasePath, "--since", "7d", "--config", config);

        Assert.True(exit == 0, error);
        // At capacity: $2.50 / (2,500 × 0.6 × 3,600) × 10^6 = $0.463 per million. Served: 3,953 tokens in 168 hours (its
        // answers' 3,700, a cut attempt's 43 and a turned-down answer's 210), so the GPU's $420 for the week over them:
        // $106,248.4189 per million.
        Assert.Contains("$0.463 ", output, StringComparison.Ordinal);
        Assert.Contains("it served 3,953 tokens (0.007 tokens/s): $106,248.4189 at that throughput", Flatten(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Costs_WithTheConfiguration_ExplainsEachDeploymentsPriceAndItsBasis()
    {
        await WriteLogAsync();
        var config = Path.Combine(_directory, "switchyard.yaml");
        File.WriteAllText(config, """
            providers:
              vllm: { kind: openai, base_url: http://localhost:8000/v1 }
              openai: { kind: openai, base_url: https://api.openai.com/v1 }
            deployments:
              llama: { provider: vllm, model: llama, pricing: { gpu_hour: 2.5, tokens_per_second: 1, basis: measured, window: 1h } }
              gpt-4o: { provider: openai, model: gpt-4o, hosting: external }
              judge: { provider: openai, model: judge, hosting: external, pricing: { input: 3, output: 15, cached_input: 0.3 } }
              mystery: { provider: vllm, model: mystery }
            routes:
              chat: { deployments: [llama, gpt-4o] }
            """);

        var (exit, output, error) = await InvokeAsync("costs", "--db", DatabasePath, "--since", "7d", "--config", config);

        Assert.True(exit == 0, error);
        // llama served 1,410 tokens in the hour before 12:00 (t1's answer, t2's turned-down one): $2.50 / 1,410 × 10^6.
        Assert.Contains("measured: 1 GPU × $2.5 an hour over the 1,410 tokens served in the last 1 h (0.392 tokens/s) = $1773.0496 per million tokens", Flatten(output), StringComparison.Ordinal);
        Assert.Contains("catalog: gpt-4o list price", Flatten(output), StringComparison.Ordinal);
        Assert.Contains("configured; cached input $0.3", Flatten(output), StringComparison.Ordinal);
        Assert.Contains("no price: set pricing", Flatten(output), StringComparison.Ordinal);
    }

    /// <summary>The table's text with its cells' wrapping undone: the "how" column wraps long explanations.</summary>
    private static string Flatten(string table) => System.Text.RegularExpressions.Regex.Replace(
        string.Join(" ", table.Split('\n').Select(line => line.Split('│').Length > 6 ? line.Split('│')[5].Trim() : "")), @"\s+", " ");

    [Theory]
    [InlineData("--by", "teams", "--by 'teams' is not a dimension")]
    [InlineData("--by", "route,route", "names 'route' twice")]
    [InlineData("--format", "xml", "xml")]
    public async Task Costs_BadOptions_SayWhatIsWrong(string option, string value, string message)
    {
        await WriteLogAsync();

        var (exit, _, error) = await InvokeAsync("costs", "--db", DatabasePath, option, value);

        Assert.NotEqual(0, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Costs_NoDatabase_SaysHowToMakeOne()
    {
        var (exit, _, error) = await InvokeAsync("costs", "--db", Path.Combine(_directory, "missing.db"));

        Assert.Equal(1, exit);
        Assert.Contains("No request log at", error, StringComparison.Ordinal);
    }

    private async Task<RequestLogEntry[]> WriteLogAsync()
    {
        var today = Now.AddHours(-1);
        RequestLogEntry[] entries =
        [
            // Yesterday: a stream answered after a first attempt was cut mid-way (an estimated failed cost).
            new() { Timestamp = today.AddDays(-1), RequestId = "y1", Endpoint = "chat.completions", Route = "chat", Deployment = "llama", Tier = "open", Team = "support", Status = 200, InputTokens = 2000, OutputTokens = 500, CostUsd = 0.004, ExtraCostUsd = 0.0001, EscalatedCostUsd = 0, ChecksCostUsd = 0, FailedCostUsd = 0.0001, BaselineCostUsd = 0.08, CostEstimated = true, CostParts = [new() { Kind = CostKind.Failed, Deployment = "llama", Tier = "open", InputTokens = 40, OutputTokens = 3, CostUsd = 0.0001, Estimated = true }] },
            new() { Timestamp = today, RequestId = "t1", Endpoint = "chat.completions", Route = "chat", Deployment = "llama", Tier = "open", Team = "search", Status = 200, InputTokens = 1000, OutputTokens = 200, CostUsd = 0.003, ExtraCostUsd = 0, BaselineCostUsd = 0.05 },
            // Escalated: llama's answer turned down after a judge (outside the tiers) scored it; gpt-4o answered.
            new() { Timestamp = today, RequestId = "t2", Endpoint = "chat.completions", Route = "chat", Deployment = "gpt-4o", Tier = "frontier", Team = "search", Status = 200, InputTokens = 3000, OutputTokens = 900, CostUsd = 0.1, ExtraCostUsd = 0.0004, EscalatedCostUsd = 0.0002, ChecksCostUsd = 0.0002, FailedCostUsd = 0, BaselineCostUsd = 0.1, EscalatedFrom = "llama", CostParts = [new() { Kind = CostKind.Escalated, Deployment = "llama", Tier = "open", InputTokens = 150, OutputTokens = 60, CostUsd = 0.0002 }, new() { Kind = CostKind.Check, Deployment = "judge", InputTokens = 300, OutputTokens = 20, CostUsd = 0.0002 }] },
            new() { Timestamp = today, RequestId = "t3", Endpoint = "chat.completions", Route = "chat", Deployment = "mystery", Status = 200, InputTokens = 10, OutputTokens = 10, UsageEstimated = true },
            new() { Timestamp = today, RequestId = "f1", Endpoint = "chat.completions", Route = "frontier", Deployment = "gpt-4o", Status = 200, InputTokens = 4000, OutputTokens = 1000, CachedTokens = 2000, ReasoningTokens = 300, CostUsd = 0.2, ExtraCostUsd = 0, BaselineCostUsd = 0.2 },
            // Older than the window: left out.
            new() { Timestamp = today.AddDays(-20), RequestId = "old", Endpoint = "chat.completions", Route = "chat", Deployment = "gpt-4o", Status = 200, CostUsd = 5, BaselineCostUsd = 5 },
        ];
        await using var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = DatabasePath }, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        await store.WriteBatchAsync(entries, CancellationToken.None);
        return entries;
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(CostsCommand.Create(new FixedTime(Now)));
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
