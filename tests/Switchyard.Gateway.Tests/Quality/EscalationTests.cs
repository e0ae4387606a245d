using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Switchyard.Gateway.Tests.Functional;
using Switchyard.Gateway.Tests.Routing;
using Switchyard.Simulator;

namespace Switchyard.Gateway.Tests.Quality;

/// <summary>
/// The quality gate end to end over sockets: the company's open model (<c>internal</c>) answers poorly for the kinds of
/// prompt it has no skill in, the frontier API (<c>external</c>) answers well, and a poor answer escalates.
/// </summary>
public sealed class EscalationTests
{
    /// <summary>
    /// <c>weak</c> fails every prompt (a refusal, a truncated or empty answer, or broken JSON), <c>strong</c> passes every one,
    /// <c>code-weak</c> fails only code prompts.
    /// </summary>
    private static readonly SimulatorOptions Models = new()
    {
        Models =
        [
            Model("strong", 1, 1),
            Model("weak", 0, 0),
            Model("code-weak", 1, 0),
        ],
    };

    private const string Deployments = """
        deployments:
          llama: { provider: internal, model: weak }
          llama-good: { provider: internal, model: strong }
          gpt: { provider: external, model: strong, hosting: external }
          gpt-weak: { provider: external, model: weak, hosting: external }
          gpt-dead: { provider: dead, model: strong, hosting: external, timeouts: { connect: 1s } }
        """;

    [Fact]
    public async Task Post_PoorAnswer_EscalatesToTheNextTierAndTheClientGetsItsAnswer()
    {
        await using var gateway = await StartAsync("chat: { quality: {}, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Tell me about the weather in Lyon."));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gpt", response.Header("x-switchyard-deployment"));
        Assert.Equal("frontier", response.Header("x-switchyard-tier"));
        Assert.Equal("true", response.Header("x-switchyard-escalated"));
        Assert.StartsWith("llama; score=", response.Header("x-switchyard-escalated-from"), StringComparison.Ordinal);
        Assert.Equal("1", response.Header("x-switchyard-quality-score"));
        Assert.Null(response.Header("x-switchyard-quality-failed"));
        Assert.Equal("2", response.Header("x-switchyard-attempts"));
        using (var answer = JsonDocument.Parse(body))
        {
            Assert.Equal("stop", answer.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        }

        // One row, the frontier's usage; both calls in its attempts, the poor one with its score.
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal("gpt", entry.Deployment);
        Assert.Equal(2, entry.Attempts);
        Assert.Equal(gateway.External.Stats.CompletionTokens, (long)entry.OutputTokens!);
        Assert.Equal(1, entry.QualityScore);
        Assert.Null(entry.QualityFailed);
        Assert.Equal("llama", entry.EscalatedFrom);
        var record = entry.Escalation!;
        Assert.Equal("llama", record.CheapDeployment);
        Assert.Equal("open", record.CheapTier);
        Assert.Equal("gpt", record.FinalDeployment);
        Assert.Equal(1, record.FinalScore);
        Assert.True(record.CheapScore < 0.8);
        Assert.NotNull(record.CheapFailed);
        Assert.Contains("weather in Lyon", record.Request, StringComparison.Ordinal);
        using (var answer = JsonDocument.Parse(body))
        {
            Assert.Equal(answer.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), record.FinalAnswer);
        }

        Assert.Equal(entry.OutputTokens, record.FinalOutputTokens);
        using var attempts = JsonDocument.Parse(entry.AttemptsJson!);
        var calls = attempts.RootElement.EnumerateArray().ToList();
        Assert.Equal(["below_threshold", "ok"], calls.Select(a => a.GetProperty("outcome").GetString()!));
        Assert.True(calls[0].GetProperty("quality").GetDouble() < 0.8);
        Assert.Equal(1, calls[1].GetProperty("quality").GetDouble());
    }

    [Fact]
    public async Task Post_RouteThatKeepsNoText_RecordsNoEscalation()
    {
        await using var gateway = await StartAsync("chat: { quality: { record_escalations: false }, deployments: [llama, gpt] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Tell me about the weather in Lyon."));

        Assert.Equal("true", response.Header("x-switchyard-escalated"));
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal("llama", entry.EscalatedFrom);
        Assert.Null(entry.Escalation);
    }

    [Fact]
    public async Task Post_Stream_Buffered_RecordsTheStreamedAnswersText()
    {
        await using var gateway = await StartAsync("chat: { quality: { streaming: buffer }, deployments: [llama, gpt] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Tell me a story.", "\"stream\":true"));
        var events = await Sse.ReadAllAsync(response);

        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(Sse.Content(events), entry.Escalation!.FinalAnswer);
    }

    [Fact]
    public async Task Post_OutcomeSamples_KeepPassesAtTheSampledShareAndEveryUnescalatedFailure()
    {
        await using var gateway = await StartAsync("chat: { quality: { sample_passed: 1 }, deployments: [llama-good, gpt] }\n  weak: { quality: {}, deployments: [llama, gpt] }");
        using var good = await gateway.PostAsync(TieredGateway.Chat("chat", "What is a good name for a cat?"));
        using var stuck = await gateway.PostAsync(TieredGateway.Chat("weak", "Tell me about the weather in Lyon."), ("x-switchyard-confidential", "true"));

        var entries = await gateway.Log.WaitForEntriesAsync(2, TimeSpan.FromSeconds(10));
        var passed = entries.Single(e => e.Route == "chat").Sample!;
        Assert.Equal("passed", passed.Source);
        Assert.False(passed.CheapFailed);
        Assert.Equal(1, passed.CheapScore);
        Assert.Contains("good name for a cat", passed.Prompt, StringComparison.Ordinal);
        var unescalated = entries.Single(e => e.Route == "weak").Sample!;
        Assert.Equal("unescalated", unescalated.Source);
        Assert.True(unescalated.CheapFailed);
    }

    [Fact]
    public async Task Post_SamplePassedZero_KeepsNoPass()
    {
        await using var gateway = await StartAsync("chat: { quality: { sample_passed: 0 }, deployments: [llama-good, gpt] }");
        using var good = await gateway.PostAsync(TieredGateway.Chat("chat", "What is a good name for a cat?"));

        Assert.Null(Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10))).Sample);
    }

    [Fact]
    public async Task Post_GoodAnswer_IsNotEscalated()
    {
        await using var gateway = await StartAsync("chat: { quality: {}, deployments: [llama-good, gpt] }");
        for (var i = 0; i < 5; i++)
        {
            using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Question number " + i));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("llama-good", response.Header("x-switchyard-deployment"));
            Assert.Equal("false", response.Header("x-switchyard-escalated"));
            Assert.Equal("1", response.Header("x-switchyard-quality-score"));
        }

        Assert.Equal(0, gateway.External.Stats.Requests);
    }

    [Fact]
    public async Task Post_OnlyTheWeakKindOfPrompt_Escalates()
    {
        await using var gateway = await StartAsync("""
            chat: { quality: {}, deployments: [coder, gpt] }
            """, extra: "  coder: { provider: internal, model: code-weak }");
        using var general = await gateway.PostAsync(TieredGateway.Chat("chat", "What is a good name for a cat?"));
        using var code = await gateway.PostAsync(TieredGateway.Chat("chat", "Write a Python function that parses a CSV file and fix the bug in my SQL query."));

        Assert.Equal("coder", general.Header("x-switchyard-deployment"));
        Assert.Equal("gpt", code.Header("x-switchyard-deployment"));
        Assert.Equal("true", code.Header("x-switchyard-escalated"));
        Assert.Equal(1, gateway.External.Stats.Requests);
    }

    [Fact]
    public async Task Post_Stream_PassThroughByDefault_IsNeitherHeldNorEscalated()
    {
        await using var gateway = await StartAsync("chat: { quality: {}, deployments: [llama, gpt] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Tell me a story.", "\"stream\":true"));
        var events = await Sse.ReadAllAsync(response);

        Assert.Equal("llama", response.Header("x-switchyard-deployment"));
        Assert.Null(response.Header("x-switchyard-escalated"));
        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal(0, gateway.External.Stats.Requests);
    }

    [Fact]
    public async Task Post_Stream_Buffered_EscalatesAndStreamsTheBetterAnswer()
    {
        await using var gateway = await StartAsync("chat: { quality: { streaming: buffer }, deployments: [llama, gpt] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Tell me a story.", "\"stream\":true"));
        var events = await Sse.ReadAllAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("gpt", response.Header("x-switchyard-deployment"));
        Assert.Equal("true", response.Header("x-switchyard-escalated"));
        Assert.Equal("[DONE]", events[^1]);
        Assert.NotEmpty(Sse.Content(events));
        // The client did not ask for usage: the chunk the gateway asked for is not replayed either.
        Assert.DoesNotContain(events, e => e.Contains("\"usage\":{", StringComparison.Ordinal));

        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal("gpt", entry.Deployment);
        Assert.Equal(gateway.External.Stats.CompletionTokens, (long)entry.OutputTokens!);
        Assert.NotNull(entry.TimeToFirstTokenMs);
    }

    [Fact]
    public async Task Post_EveryTierPoor_TheBestScoringAnswerIsSent()
    {
        await using var gateway = await StartAsync("chat: { quality: {}, deployments: [llama, gpt-weak] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Tell me about the weather in Lyon."));
        await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true", response.Header("x-switchyard-escalated"));
        Assert.NotNull(response.Header("x-switchyard-quality-failed"));
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        using var attempts = JsonDocument.Parse(entry.AttemptsJson!);
        var scores = attempts.RootElement.EnumerateArray().Select(a => a.GetProperty("quality").GetDouble()).ToList();
        Assert.Equal(2, scores.Count);
        // The higher score wins; a tie goes to the higher tier.
        var expected = scores[0] > scores[1] ? "llama" : "gpt-weak";
        Assert.Equal(expected, response.Header("x-switchyard-deployment"));
        Assert.Equal(expected, entry.Deployment);
    }

    [Fact]
    public async Task Post_EscalationTargetFails_TheHeldAnswerIsSentRatherThanAnError()
    {
        await using var gateway = await StartAsync("chat: { quality: {}, deployments: [llama, gpt-dead] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Tell me about the weather in Lyon."));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("llama", response.Header("x-switchyard-deployment"));
        Assert.Equal("true", response.Header("x-switchyard-escalated"));
        Assert.NotNull(response.Header("x-switchyard-quality-failed"));
        Assert.Equal("gpt-dead: connect", response.Header("x-switchyard-fallback-reason"));
    }

    [Fact]
    public async Task Post_JsonModeAnswerThatIsNotJson_Escalates()
    {
        // JSON prompts have their own skill (0 for 'weak'): its answer is not one JSON object.
        await using var gateway = await StartAsync("chat: { quality: {}, deployments: [llama, gpt] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "List three colours.", "\"response_format\":{\"type\":\"json_object\"}"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("gpt", response.Header("x-switchyard-deployment"));
        using var answer = JsonDocument.Parse(body);
        var content = answer.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        using var _ = JsonDocument.Parse(content);
    }

    [Fact]
    public async Task Post_ConfidentialRequest_IsNeverEscalatedToAnExternalDeployment()
    {
        await using var gateway = await StartAsync("chat: { quality: {}, deployments: [llama, gpt] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Tell me about the weather in Lyon."), ("x-switchyard-confidential", "true"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("llama", response.Header("x-switchyard-deployment"));
        // Nothing could be called: the poor answer is sent, and says so.
        Assert.Equal("false", response.Header("x-switchyard-escalated"));
        Assert.NotNull(response.Header("x-switchyard-quality-failed"));
        Assert.Equal(0, gateway.External.Stats.Requests);
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Null(entry.EscalatedFrom);
        Assert.Equal(response.Header("x-switchyard-quality-failed"), entry.QualityFailed);
    }

    private static Task<TieredGateway> StartAsync(string route, string? extra = null)
        => TieredGateway.StartAsync(Deployments + "\n" + (extra is null ? "" : extra + "\n") + "routes:\n  " + route.Trim(), Models, externalSimulator: Models);

    private static SimulatedModel Model(string name, double general, double code) => new()
    {
        Name = name,
        TimeToFirstToken = TimeSpan.Zero,
        TokensPerSecond = double.PositiveInfinity,
        Skill = ImmutableDictionary.CreateRange(
        [
            KeyValuePair.Create(PromptKinds.General, general),
            KeyValuePair.Create(PromptKinds.Code, code),
            KeyValuePair.Create(PromptKinds.Legal, general),
            KeyValuePair.Create(PromptKinds.Medical, general),
            KeyValuePair.Create(PromptKinds.Math, general),
            KeyValuePair.Create(PromptKinds.Json, general),
        ]),
        ContextWindow = 128_000,
    };
}
