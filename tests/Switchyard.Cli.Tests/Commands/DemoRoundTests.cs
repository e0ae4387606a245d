using Switchyard.Cli.Demo;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Cli.Tests.Commands;

/// <summary>The demo's round figures, against a hand-computed request log.</summary>
public sealed class DemoRoundTests
{
    private static readonly HashSet<string> External = ["gpt-4o"];

    [Fact]
    public void Measure_CountsTheRoutersChoicesEscalationsAndTheLogsCosts()
    {
        var at = DateTimeOffset.UnixEpoch;
        RequestLogEntry[] entries =
        [
            // Sent ahead by the router: 100 in, 200 out on the frontier.
            new() { Timestamp = at, RequestId = "a", Endpoint = "chat.completions", Route = "chat", Status = 200, Deployment = "gpt-4o", Rule = "router", LatencyMs = 900, InputTokens = 100, OutputTokens = 200, CostUsd = 0.0025, ExtraCostUsd = 0, BaselineCostUsd = 0.0025 },
            // Escalated: 250 ms on a poor answer, then the frontier.
            new()
            {
                Timestamp = at, RequestId = "b", Endpoint = "chat.completions", Route = "chat", Status = 200, Deployment = "gpt-4o", Rule = "default",
                LatencyMs = 1200, InputTokens = 100, OutputTokens = 100, EscalatedFrom = "llama-8b", CostUsd = 0.00125, ExtraCostUsd = 0.0001, BaselineCostUsd = 0.00125,
                AttemptsJson = """[{"deployment":"llama-8b","outcome":"below_threshold","ms":250,"input_tokens":100,"output_tokens":20},{"deployment":"gpt-4o","outcome":"ok","ms":950}]""",
            },
            // Answered in-house: 1,000 tokens at $0.20 per million.
            new() { Timestamp = at, RequestId = "c", Endpoint = "chat.completions", Route = "chat", Status = 200, Deployment = "llama-8b", Rule = "default", LatencyMs = 300, InputTokens = 400, OutputTokens = 600, CostUsd = 0.0002, ExtraCostUsd = 0, BaselineCostUsd = 0.007 },
            // Not the chat route (not counted), and a failure (its calls cost money all the same).
            new() { Timestamp = at, RequestId = "d", Endpoint = "embeddings", Route = "embeddings", Status = 200, Deployment = "llama-embed", LatencyMs = 5 },
            new() { Timestamp = at, RequestId = "e", Endpoint = "chat.completions", Route = "chat", Status = 502, LatencyMs = 5, ExtraCostUsd = 0.5 },
        ];
        var round = DemoRound.Measure(entries, External);

        Assert.Equal(3, round.Answered);
        Assert.Equal(1, round.SentAhead);
        Assert.Equal(1, round.Escalated);
        Assert.Equal(0.25, round.PoorAnswerSeconds, 6);
        Assert.Equal(120, round.PoorAnswerTokens);
        Assert.Equal(0.0001, round.PoorAnswerCostUsd, 12);
        Assert.Equal(2, round.FrontierAnswered);
        Assert.Equal([300.0, 900, 1200], round.LatenciesMs);
        // The request log's own costs over the round's requests, as `costs --route chat` sums them: the failure's too.
        Assert.Equal(0.0025 + 0.00125 + 0.0001 + 0.0002 + 0.5, round.CostUsd, 12);
        Assert.Equal(0.0025 + 0.00125 + 0.007, round.AllFrontierCostUsd, 12);
    }

    [Fact]
    public async Task Money_Spent_IsWhatCostsReportsForTheSameRequests()
    {
        var directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var at = DateTimeOffset.UtcNow.AddMinutes(-5);
            RequestLogEntry[] entries =
            [
                new() { Timestamp = at, RequestId = "a", Endpoint = "chat.completions", Route = "chat", Status = 200, Deployment = "gpt-4o", CostUsd = 0.0025, ExtraCostUsd = 0.0004, EscalatedCostUsd = 0.0004, ChecksCostUsd = 0, FailedCostUsd = 0, BaselineCostUsd = 0.0025,
                    CostParts = [new() { Kind = CostKind.Escalated, Deployment = "llama-8b", InputTokens = 100, OutputTokens = 50, CostUsd = 0.0004 }] },
                new() { Timestamp = at, RequestId = "b", Endpoint = "chat.completions", Route = "chat", Status = 200, Deployment = "llama-8b", CostUsd = 0.0002, ExtraCostUsd = 0, BaselineCostUsd = 0.007 },
                // A stream cut after its first chunk: no answer, but its tokens were paid for.
                new() { Timestamp = at, RequestId = "c", Endpoint = "chat.completions", Route = "chat", Status = 502, Deployment = "llama-8b", ExtraCostUsd = 0.0003, EscalatedCostUsd = 0, ChecksCostUsd = 0, FailedCostUsd = 0.0003, CostEstimated = true,
                    CostParts = [new() { Kind = CostKind.Failed, Deployment = "llama-8b", InputTokens = 100, OutputTokens = 2, CostUsd = 0.0003, Estimated = true }] },
            ];
            await using var store = new Storage.Sqlite.SqliteRequestLogStore(new Storage.Sqlite.SqliteStoreOptions { Path = Path.Combine(directory, "switchyard.db") }, TimeProvider.System);
            await store.InitializeAsync(CancellationToken.None);
            await store.WriteBatchAsync(entries, CancellationToken.None);
            var config = Gateway.Configuration.ConfigLoader.Parse("""
                providers:
                  vllm: { kind: openai, base_url: http://localhost:8000/v1 }
                deployments:
                  llama-8b: { provider: vllm, model: llama }
                routes:
                  chat: { deployments: [llama-8b] }
                """, "demo.yaml", _ => null).Config!;

            var line = DemoMoney.Describe(entries, config, "switchyard costs").First();
            var reported = Assert.Single(store.SummarizeCosts([], null, null)).Spent;

            Assert.Contains(FormattableString.Invariant($"cost ${reported:0.0000};"), line, StringComparison.Ordinal);
            Assert.Contains("2 answers (and 1 failed requests)", line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(null, 0, 0)]
    [InlineData("not json", 0, 0)]
    [InlineData("""[{"outcome":"below_threshold","ms":10.5,"input_tokens":30,"output_tokens":12},{"outcome":"server_error","ms":3,"input_tokens":99},{"outcome":"below_threshold","ms":4}]""", 14.5, 42)]
    public void PoorAttempts_SumsOnlyTheAnswersTheGateTurnedDown(string? json, double ms, long tokens)
    {
        var (foundMs, foundTokens) = DemoRound.PoorAttempts(json);

        Assert.Equal(ms, foundMs, 6);
        Assert.Equal(tokens, foundTokens);
    }

    [Fact]
    public void DescribeSentAhead_CountsTheKindsByTheWorkloadsRequestIds()
    {
        var at = DateTimeOffset.UnixEpoch;
        // Positions 3, 10 and 14 of the workload are medical prompts, 7 a math one.
        var entries = new[] { 3, 10, 14, 7 }
            .Select(i => new RequestLogEntry { Timestamp = at, RequestId = DemoWorkload.RequestId("ab12cd", 2, i), Endpoint = "chat.completions", Route = "chat", Status = 200, Rule = "router" })
            .Append(new RequestLogEntry { Timestamp = at, RequestId = DemoWorkload.RequestId("ab12cd", 2, 0), Endpoint = "chat.completions", Route = "chat", Status = 200, Rule = "default" })
            .Append(new RequestLogEntry { Timestamp = at, RequestId = "req_other", Endpoint = "chat.completions", Route = "chat", Status = 200, Rule = "router" })
            .ToList();

        Assert.Equal("3 medical, 1 math", DemoRound.DescribeSentAhead(entries));
        Assert.True(DemoWorkload.TryParseRequestId("demo-ab12cd-r2-14", out var round, out var index));
        Assert.Equal((2, 14), (round, index));
        Assert.False(DemoWorkload.TryParseRequestId("demo-x-2-14", out _, out _));
    }
}
