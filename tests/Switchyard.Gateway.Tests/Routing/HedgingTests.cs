using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Switchyard.Gateway.Tests.Functional;
using Switchyard.Simulator;

namespace Switchyard.Gateway.Tests.Routing;

/// <summary>
/// <c>hedge_after</c> over real sockets: a first call that is slow to its first token gets a second one, the first answer
/// wins, the other call is cancelled (checked on the simulated provider's side), and the request is recorded once.
/// </summary>
public sealed class HedgingTests
{
    /// <summary>
    /// The company's servers (<c>internal</c>) serve <c>slow</c> (3 s to the first token), <c>medium</c> (1 s),
    /// <c>slowest</c> (30 s) and <c>fast</c> (at once); the second provider (<c>external</c>) serves the same models, so each side counts its own calls.
    /// </summary>
    private static readonly SimulatorOptions Models = new()
    {
        Models =
        [
            Model("fast", TimeSpan.Zero),
            Model("slow", TimeSpan.FromSeconds(3)),
            Model("medium", TimeSpan.FromMilliseconds(1000)),
            Model("slowest", TimeSpan.FromSeconds(30)),
        ],
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_FirstCallSlowerThanHedgeAfter_TheHedgeAnswersAndTheSlowCallIsCancelled(bool stream)
    {
        const string Config = """
            deployments:
              llama-a: { provider: internal, model: slow }
              llama-b: { provider: external, model: fast }
            routes:
              chat:
                hedge_after: 150ms
                # One tier: the hedge is the tier's other replica. The weights (and the seed) make the slow one the first pick.
                tiers: [ { name: open, deployments: [ { deployment: llama-a, weight: 1000000 }, { deployment: llama-b, weight: 1 } ] } ]
            """;
        await using var gateway = await TieredGateway.StartAsync(Config, Models, seed: 1, externalSimulator: Models);
        var clock = Stopwatch.StartNew();
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "hello", stream ? "\"stream\":true" : null));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("llama-b", response.Header("x-switchyard-deployment"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"answered after {clock.Elapsed.TotalMilliseconds:0} ms: the slow call was waited for");
        Assert.Equal("hedge; cancelled=llama-a", response.Header("x-switchyard-hedge"));
        Assert.Equal("2", response.Header("x-switchyard-attempts"));
        Assert.Equal("open", response.Header("x-switchyard-tier"));
        Assert.Equal("llama-a: hedge_lost", response.Header("x-switchyard-fallback-reason"));
        if (stream)
        {
            Assert.EndsWith("data: [DONE]", body.TrimEnd(), StringComparison.Ordinal);
        }
        else
        {
            using var answer = JsonDocument.Parse(body);
            Assert.Equal("stop", answer.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        }

        // The slow server saw its call cancelled, not finished.
        await gateway.Internal.Stats.WaitForAbortAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal(1, gateway.Internal.Stats.ChatCompletionRequests);
        Assert.Equal(1, gateway.External.Stats.ChatCompletionRequests);

        // Recorded once, with the winner's deployment and usage, and both calls in its attempts.
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal("llama-b", entry.Deployment);
        Assert.Equal(200, entry.Status);
        Assert.Equal(2, entry.Attempts);
        Assert.NotNull(entry.OutputTokens);
        Assert.Equal(gateway.External.Stats.CompletionTokens, (long)entry.OutputTokens!);
        using var attempts = JsonDocument.Parse(entry.AttemptsJson!);
        var calls = attempts.RootElement.EnumerateArray().Select(a => (a.GetProperty("deployment").GetString(), a.GetProperty("outcome").GetString(), a.TryGetProperty("hedge", out _))).ToList();
        Assert.Equal([("llama-a", "hedge_lost", false), ("llama-b", "ok", true)], calls);
    }

    [Fact]
    public async Task Post_FirstCallAnswersAfterTheHedgeStarted_TheFirstIsKeptAndTheHedgeCancelled()
    {
        const string Config = """
            deployments:
              llama-a: { provider: internal, model: slow }
              llama-b: { provider: external, model: slowest }
            routes:
              # The first call answers 3 s in, long after the hedge reached its server, even on a loaded machine.
              chat: { hedge_after: 100ms, deployments: [llama-a, llama-b] }
            """;
        await using var gateway = await TieredGateway.StartAsync(Config, Models, externalSimulator: Models);
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "hello", "\"stream\":true"));
        var events = await Sse.ReadAllAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("llama-a", response.Header("x-switchyard-deployment"));
        Assert.Equal("primary; cancelled=llama-b", response.Header("x-switchyard-hedge"));
        Assert.Null(response.Header("x-switchyard-fallback-reason"));
        Assert.Equal("[DONE]", events[^1]);

        await gateway.External.Stats.WaitForAbortAsync(1, TimeSpan.FromSeconds(10));
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal("llama-a", entry.Deployment);
        Assert.Null(entry.FallbackReason);
        Assert.Equal(gateway.Internal.Stats.CompletionTokens, (long)entry.OutputTokens!);
        using var attempts = JsonDocument.Parse(entry.AttemptsJson!);
        Assert.Equal(["ok", "hedge_lost"], attempts.RootElement.EnumerateArray().Select(a => a.GetProperty("outcome").GetString()!));
    }

    [Fact]
    public async Task Post_FirstCallWithinHedgeAfter_NoHedgeIsCalled()
    {
        const string Config = """
            deployments:
              llama-a: { provider: internal, model: fast }
              gpt: { provider: external, model: fast, hosting: external }
            routes:
              chat: { hedge_after: 1s, deployments: [llama-a, gpt] }
            """;
        await using var gateway = await TieredGateway.StartAsync(Config, Models, externalSimulator: Models);
        for (var i = 0; i < 5; i++)
        {
            using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "hello " + i, i % 2 == 0 ? "\"stream\":true" : null));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(response.Header("x-switchyard-hedge"));
            Assert.Equal("llama-a", response.Header("x-switchyard-deployment"));
        }

        Assert.Equal(0, gateway.External.Stats.Requests);
        Assert.All(await gateway.Log.WaitForEntriesAsync(5, TimeSpan.FromSeconds(10)), e => Assert.Null(e.AttemptsJson));
    }

    [Fact]
    public async Task Post_FirstCallFailsBeforeHedgeAfter_FailsOverOnceAndHedgesNothing()
    {
        const string Config = """
            deployments:
              llama-a: { provider: internal, model: "fault-unavailable" }
              llama-b: { provider: external, model: fast }
              gpt: { provider: external, model: fast, hosting: external }
            routes:
              chat: { hedge_after: 2s, deployments: [llama-a, llama-b, gpt] }
            """;
        await using var gateway = await TieredGateway.StartAsync(Config, Models, externalSimulator: Models);
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "hello"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("llama-b", response.Header("x-switchyard-deployment"));
        Assert.Equal("llama-a: server_error", response.Header("x-switchyard-fallback-reason"));
        Assert.Null(response.Header("x-switchyard-hedge"));
        Assert.Equal(1, gateway.External.Stats.Requests);
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(2, entry.Attempts);
    }

    [Fact]
    public async Task Post_HedgeFails_TheSlowFirstCallStillAnswers()
    {
        const string Config = """
            deployments:
              llama-a: { provider: internal, model: medium }
              llama-b: { provider: dead, model: fast, timeouts: { connect: 1s } }
            routes:
              chat: { hedge_after: 50ms, deployments: [llama-a, llama-b] }
            """;
        await using var gateway = await TieredGateway.StartAsync(Config, Models);
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "hello", "\"stream\":true"));
        var events = await Sse.ReadAllAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("llama-a", response.Header("x-switchyard-deployment"));
        Assert.Equal("[DONE]", events[^1]);
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal("llama-a", entry.Deployment);
        Assert.Equal(2, entry.Attempts);
        using var attempts = JsonDocument.Parse(entry.AttemptsJson!);
        Assert.Equal(["ok", "connect"], attempts.RootElement.EnumerateArray().Select(a => a.GetProperty("outcome").GetString()!));
    }

    [Fact]
    public async Task Post_BothCallsFail_ThePlanGoesOnToTheNextTier()
    {
        const string Config = """
            deployments:
              llama-a: { provider: internal, model: "fault-no_response", retry: { attempts: 0 }, timeouts: { connect: 500ms, first_token: 600ms, total: 600ms } }
              llama-b: { provider: internal, model: "fault-no_response", retry: { attempts: 0 }, timeouts: { connect: 500ms, first_token: 600ms, total: 600ms } }
              gpt: { provider: external, model: fast, hosting: external }
            routes:
              chat: { hedge_after: 100ms, tiers: [ { name: open, deployments: [llama-a, llama-b] }, { name: frontier, deployments: [gpt] } ] }
            """;
        await using var gateway = await TieredGateway.StartAsync(Config, Models, externalSimulator: Models);
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "hello"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gpt", response.Header("x-switchyard-deployment"));
        Assert.Equal("frontier", response.Header("x-switchyard-tier"));
        Assert.Equal(2, gateway.Internal.Stats.ChatCompletionRequests);
        Assert.Equal(1, gateway.External.Stats.ChatCompletionRequests);
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal("gpt", entry.Deployment);
        Assert.Equal(3, entry.Attempts);
        using var attempts = JsonDocument.Parse(entry.AttemptsJson!);
        Assert.Equal(["timeout", "timeout", "ok"], attempts.RootElement.EnumerateArray().Select(a => a.GetProperty("outcome").GetString()!));
    }

    [Fact]
    public async Task Post_ConfidentialRequest_IsNeverHedgedToAnExternalDeployment()
    {
        const string Config = """
            deployments:
              llama-a: { provider: internal, model: medium }
              gpt: { provider: external, model: fast, hosting: external }
            routes:
              chat: { hedge_after: 50ms, deployments: [llama-a, gpt] }
            """;
        await using var gateway = await TieredGateway.StartAsync(Config, Models, externalSimulator: Models);
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "hello"), ("x-switchyard-confidential", "true"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("llama-a", response.Header("x-switchyard-deployment"));
        Assert.Null(response.Header("x-switchyard-hedge"));
        Assert.Equal(0, gateway.External.Stats.Requests);
    }

    [Fact]
    public async Task Post_ManyHedgedRequestsAtOnce_EachIsAnsweredAndRecordedOnce()
    {
        const string Config = """
            deployments:
              llama-a: { provider: internal, model: medium }
              llama-b: { provider: external, model: medium }
            routes:
              chat: { hedge_after: 200ms, tiers: [ { deployments: [llama-a, llama-b] } ] }
            """;
        await using var gateway = await TieredGateway.StartAsync(Config, Models, seed: null, externalSimulator: Models);
        var requests = Enumerable.Range(0, 40).Select(async i =>
        {
            using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "hello " + i, i % 2 == 0 ? "\"stream\":true" : null));
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("stream_interrupted", body, StringComparison.Ordinal);
            return response.Header("x-switchyard-deployment");
        });
        var served = await Task.WhenAll(requests);

        Assert.All(served, d => Assert.Contains(d, new[] { "llama-a", "llama-b" }));
        var entries = await gateway.Log.WaitForEntriesAsync(40, TimeSpan.FromSeconds(10));
        Assert.Equal(40, entries.Count);
        Assert.All(entries, e => Assert.Equal(200, e.Status));
        // Every call the providers saw is in the log, and only each request's winner is billed.
        Assert.Equal(gateway.Internal.Stats.ChatCompletionRequests + gateway.External.Stats.ChatCompletionRequests, entries.Sum(e => e.Attempts));
        Assert.All(entries, e => Assert.NotNull(e.OutputTokens));
    }

    private static SimulatedModel Model(string name, TimeSpan firstToken) => new()
    {
        Name = name,
        TimeToFirstToken = firstToken,
        TokensPerSecond = double.PositiveInfinity,
        Skill = SimulatorOptions.Instant().Models[0].Skill,
        ContextWindow = 128_000,
    };
}
