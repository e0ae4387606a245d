using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Switchyard.Cli.Commands;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Tests.Commands;

/// <summary><c>switchyard costs</c>: the request log's costs grouped, agreeing with the log's own rows to the cent.</summary>
public sealed class CostsCommandTests : IDisposable
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
        Assert.Equal(1000 + 3000 + 10, chatToday.GetProperty("input_tokens").GetInt64());
    }

    [Fact]
    public async Task Costs_Table_PrintsATotalAndTheSavings()
    {
        await WriteLogAsync();

        var (exit, output, error) = await InvokeAsync("costs", "--db", DatabasePath, "--by", "none", "--since", "7d");

        Assert.True(exit == 0, error);
        // Answers 0.003 + 0.004 + 0.1 + 0.2; extra 0.0005; all-frontier 0.05 + 0.08 + 0.1 + 0.2 (+ 0 unknown).
        Assert.Contains("$0.3075", output, StringComparison.Ordinal);
        Assert.Contains("$0.4300", output, StringComparison.Ordinal);
        Assert.Contains("$0.1225", output, StringComparison.Ordinal);
        Assert.Contains("(1 uncosted)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Costs_Csv_HasAHeaderAndARowPerGroup()
    {
        await WriteLogAsync();

        var (exit, output, _) = await InvokeAsync("costs", "--db", DatabasePath, "--by", "deployment", "--format", "csv", "--since", "7d");

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("deployment,requests,uncosted,input_tokens,output_tokens,cost_usd,extra_cost_usd,spent_usd,baseline_cost_usd,saved_usd", lines[0]);
        Assert.Equal(["gpt-4o", "llama", "mystery"], lines[1..].Select(l => l.Split(',')[0]));
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
        // At capacity: $2.50 / (2,500 × 0.6 × 3,600) × 10^6 = $0.463 per million. Served: 3,700 tokens in 168 hours, so the
        // GPU's $420 for the week over them: $113,513.5135 per million.
        Assert.Contains("$0.463/M", output, StringComparison.Ordinal);
        Assert.Contains("3,700", output, StringComparison.Ordinal);
        Assert.Contains("$113,513.5135/M", output, StringComparison.Ordinal);
    }

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
            new() { Timestamp = today.AddDays(-1), RequestId = "y1", Endpoint = "chat.completions", Route = "chat", Deployment = "llama", Status = 200, InputTokens = 2000, OutputTokens = 500, CostUsd = 0.004, ExtraCostUsd = 0, BaselineCostUsd = 0.08 },
            new() { Timestamp = today, RequestId = "t1", Endpoint = "chat.completions", Route = "chat", Deployment = "llama", Status = 200, InputTokens = 1000, OutputTokens = 200, CostUsd = 0.003, ExtraCostUsd = 0, BaselineCostUsd = 0.05 },
            new() { Timestamp = today, RequestId = "t2", Endpoint = "chat.completions", Route = "chat", Deployment = "gpt-4o", Status = 200, InputTokens = 3000, OutputTokens = 900, CostUsd = 0.1, ExtraCostUsd = 0.0005, BaselineCostUsd = 0.1, EscalatedFrom = "llama" },
            new() { Timestamp = today, RequestId = "t3", Endpoint = "chat.completions", Route = "chat", Deployment = "mystery", Status = 200, InputTokens = 10, OutputTokens = 10 },
            new() { Timestamp = today, RequestId = "f1", Endpoint = "chat.completions", Route = "frontier", Deployment = "gpt-4o", Status = 200, InputTokens = 4000, OutputTokens = 1000, CostUsd = 0.2, ExtraCostUsd = 0, BaselineCostUsd = 0.2 },
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
