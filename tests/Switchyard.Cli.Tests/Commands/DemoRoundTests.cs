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
            // Not the chat route, and a failure: neither counts.
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
        // The request log's own costs: the answers' and the extras of those answered; the failure's extra is not a round's answer.
        Assert.Equal(0.0025 + 0.00125 + 0.0001 + 0.0002, round.CostUsd, 12);
        Assert.Equal(0.0025 + 0.00125 + 0.007, round.AllFrontierCostUsd, 12);
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
