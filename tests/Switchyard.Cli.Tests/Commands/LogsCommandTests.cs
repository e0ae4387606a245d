using System.CommandLine;
using System.Text.Json;
using Switchyard.Cli.Commands;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Tests.Commands;

public sealed class LogsCommandTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public LogsCommandTests() => Directory.CreateDirectory(_directory);

    private string DatabasePath => Path.Combine(_directory, "switchyard.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Invoke_DatabaseMissing_SaysToRunServeOrDemoFirstAndCreatesNothing()
    {
        var (exit, output, error) = await InvokeAsync("logs", "--db", DatabasePath);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Contains(DatabasePath, error, StringComparison.Ordinal);
        Assert.Contains("switchyard serve", error, StringComparison.Ordinal);
        Assert.Contains("switchyard demo", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task Invoke_Json_PrintsOneObjectPerRequestNewestFirst()
    {
        await SeedAsync();

        var (exit, output, _) = await InvokeAsync("logs", "--db", DatabasePath, "--json");

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var documents = lines.Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(["req-2", "req-1", "req-0"], documents.Select(d => d.GetProperty("request_id").GetString()));
        var failed = documents[1];
        Assert.Equal("2026-11-21T10:00:01.000Z", failed.GetProperty("timestamp").GetString());
        Assert.Equal("code", failed.GetProperty("route").GetString());
        Assert.Equal(503, failed.GetProperty("status").GetInt32());
        Assert.Equal(2, failed.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("ttft_ms").ValueKind);
        Assert.Equal("upstream_error", failed.GetProperty("error_type").GetString());
        Assert.Equal(0.00002, failed.GetProperty("failed_cost_usd").GetDouble());
        Assert.True(failed.GetProperty("cost_estimated").GetBoolean());
        var part = Assert.Single(failed.GetProperty("cost_parts").EnumerateArray());
        Assert.Equal(("failed", "llama-vllm", "open", 43), (part.GetProperty("kind").GetString(), part.GetProperty("deployment").GetString(), part.GetProperty("tier").GetString(), part.GetProperty("input_tokens").GetInt32() + part.GetProperty("output_tokens").GetInt32()));
        Assert.Equal(45.5, documents[0].GetProperty("ttft_ms").GetDouble());
        Assert.Equal(12, documents[0].GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task Invoke_Filters_ReachTheQuery()
    {
        await SeedAsync();

        var (exit, output, _) = await InvokeAsync(
            "logs", "--db", DatabasePath, "--json", "--errors", "--route", "code", "--since", "2026-11-21T10:00:01Z", "--limit", "5");

        Assert.Equal(0, exit);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal("req-1", JsonDocument.Parse(line).RootElement.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task Invoke_Table_ShowsEveryColumnAndRow()
    {
        await SeedAsync();

        var (exit, output, _) = await InvokeAsync("logs", "--db", DatabasePath);

        Assert.Equal(0, exit);
        foreach (var expected in new[]
        {
            "time (UTC)", "request id", "route", "deployment", "attempts", "status", "latency ms", "TTFT ms", "tokens in/out", "error",
            "2026-11-21 10:00:02.000", "req-0", "req-1", "req-2", "llama-vllm", "503", "12/34", "upstream_error: upstream answered 503",
            "3 request(s), newest first.",
        })
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }

        Assert.True(output.IndexOf("req-2", StringComparison.Ordinal) < output.IndexOf("req-0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invoke_NothingMatches_SaysSo()
    {
        await SeedAsync();

        var (exit, output, _) = await InvokeAsync("logs", "--db", DatabasePath, "--status", "418");

        Assert.Equal(0, exit);
        Assert.Contains("No requests match.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_SinceUnreadable_ReportsTheOptionAndFails()
    {
        await SeedAsync();

        var (exit, _, error) = await InvokeAsync("logs", "--db", DatabasePath, "--since", "yesterday");

        Assert.NotEqual(0, exit);
        Assert.Contains("--since 'yesterday'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30s", "2026-11-21T11:59:30Z")]
    [InlineData("15m", "2026-11-21T11:45:00Z")]
    [InlineData("2h", "2026-11-21T10:00:00Z")]
    [InlineData("7d", "2026-11-14T12:00:00Z")]
    [InlineData("2026-11-21T10:00:00Z", "2026-11-21T10:00:00Z")]
    [InlineData("2026-11-21T12:00:00+02:00", "2026-11-21T10:00:00Z")]
    [InlineData("2026-11-21T10:00:00", "2026-11-21T10:00:00Z")]
    public void TryParseSince_DurationOrTime_ReturnsTheInstant(string text, string expected)
    {
        var now = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

        Assert.True(LogsCommand.TryParseSince(text, now, out var since));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), since);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("15x")]
    [InlineData("-5m")]
    [InlineData("yesterday")]
    public void TryParseSince_Unreadable_ReturnsFalse(string text)
    {
        Assert.False(LogsCommand.TryParseSince(text, Start, out _));
    }

    private async Task SeedAsync()
    {
        await using var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = DatabasePath }, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        await store.WriteBatchAsync(
            [
                new RequestLogEntry
                {
                    Timestamp = Start, RequestId = "req-0", Endpoint = "chat.completions", Route = "chat", Deployment = "llama-vllm",
                    Attempts = 1, Status = 200, LatencyMs = 120.4, InputTokens = 12, OutputTokens = 34,
                },
                new RequestLogEntry
                {
                    Timestamp = Start.AddSeconds(1), RequestId = "req-1", Endpoint = "chat.completions", Route = "code", Deployment = "llama-vllm",
                    Attempts = 2, Status = 503, LatencyMs = 900, ErrorType = "upstream_error", ErrorMessage = "upstream answered 503",
                    ExtraCostUsd = 0.00002, EscalatedCostUsd = 0, ChecksCostUsd = 0, FailedCostUsd = 0.00002, CostEstimated = true,
                    CostParts = [new() { Kind = CostKind.Failed, Deployment = "llama-vllm", Tier = "open", InputTokens = 40, OutputTokens = 3, CostUsd = 0.00002, Estimated = true }],
                },
                new RequestLogEntry
                {
                    Timestamp = Start.AddSeconds(2), RequestId = "req-2", Endpoint = "chat.completions", Route = "chat", Deployment = "gpt-4o",
                    Attempts = 1, Status = 200, Stream = true, LatencyMs = 300, TimeToFirstTokenMs = 45.5, InputTokens = 12, OutputTokens = 80,
                },
            ],
            CancellationToken.None);
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(LogsCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
