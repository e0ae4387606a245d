using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Switchyard.Gateway.Tests.Routing;
using Switchyard.Simulator;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway.Tests.Quality;

/// <summary>
/// The checks that call a model, end to end over sockets: a judge deployment on the frontier simulator scores the open
/// model's answers, and a second sample of the open tier is compared with the first. The providers' own counters say
/// which calls were made.
/// </summary>
public sealed class ModelCheckEscalationTests
{
    private const string MathPrompt = "What is 17 multiplied by 23? Calculate it.";

    /// <summary>
    /// <c>strong</c> answers everything well; <c>weak</c> visibly fails everything (refusals and the like); <c>wrong</c> gives
    /// plausible, complete answers that are wrong (a wrong final number in math, off topic elsewhere).
    /// </summary>
    private static readonly SimulatorOptions Models = new()
    {
        Models = [Model("strong", 1, wrongShare: 0), Model("weak", 0, wrongShare: 0), Model("wrong", 0, wrongShare: 1)],
    };

    private const string Deployments = """
        deployments:
          llama: { provider: internal, model: strong }
          llama-2: { provider: internal, model: strong }
          llama-weak: { provider: internal, model: weak }
          llama-wrong: { provider: internal, model: wrong }
          gpt: { provider: external, model: strong, hosting: external }
          judge-local: { provider: internal, model: strong }
          judge-dead: { provider: dead, model: strong, hosting: external, timeouts: { connect: 1s } }
        """;

    [Fact]
    public async Task Judge_WrongAnswerThatPassesTheCheapChecks_Escalates()
    {
        await using var gateway = await StartAsync("chat: { quality: { judge: { deployment: gpt } }, tiers: [ { name: open, deployments: [llama-wrong] }, { name: frontier, deployments: [gpt] } ] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", MathPrompt));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gpt", response.Header("x-switchyard-deployment"));
        Assert.Equal("true", response.Header("x-switchyard-escalated"));
        Assert.Contains("failed=judge", response.Header("x-switchyard-escalated-from"), StringComparison.Ordinal);
        Assert.Equal(1, gateway.External.Stats.JudgeRequests);

        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(2, entry.Attempts);
        var record = entry.Escalation!;
        Assert.Equal("judge", record.CheapFailed);
        Assert.Equal(0.2, record.CheapJudgeScore);
        Assert.Contains("judge gpt 2/10", record.CheapReasons, StringComparison.Ordinal);
        var calls = Attempts(entry);
        Assert.Equal(["below_threshold", "judge", "ok"], calls.Select(c => c.GetProperty("outcome").GetString()!));
        var judge = calls[1];
        Assert.Equal("gpt", judge.GetProperty("deployment").GetString());
        Assert.True(judge.GetProperty("input_tokens").GetInt32() > 0);
        Assert.True(judge.GetProperty("output_tokens").GetInt32() > 0);
        // Both the judge's call and the escalated answer reached the frontier simulator; the request's usage is the answer's.
        Assert.Equal(gateway.External.Stats.CompletionTokens, (long)(entry.OutputTokens!.Value + judge.GetProperty("output_tokens").GetInt32()));
        Assert.DoesNotContain("<conversation>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Judge_GoodAnswer_IsServedWithTheJudgesVerdict()
    {
        await using var gateway = await StartAsync("chat: { quality: { judge: { deployment: gpt } }, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", MathPrompt));

        Assert.Equal("llama", response.Header("x-switchyard-deployment"));
        Assert.Equal("false", response.Header("x-switchyard-escalated"));
        Assert.Equal("1", response.Header("x-switchyard-quality-score"));
        Assert.StartsWith("gpt ", response.Header("x-switchyard-quality-judge"), StringComparison.Ordinal);
        Assert.Equal(1, gateway.External.Stats.JudgeRequests);
        Assert.Equal(1, gateway.External.Stats.Requests);
    }

    [Fact]
    public async Task Judge_IsNotCalled_WhenTheCheapChecksAlreadyFailed()
    {
        await using var gateway = await StartAsync("chat: { quality: { judge: { deployment: judge-local } }, tiers: [ { name: open, deployments: [llama-weak] }, { name: frontier, deployments: [gpt] } ] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Tell me about the weather in Lyon."));

        Assert.Equal("true", response.Header("x-switchyard-escalated"));
        // The only internal call is the weak answer: no judge was asked about an answer that was escalating anyway.
        Assert.Equal(1, gateway.Internal.Stats.Requests);
        Assert.DoesNotContain(Attempts(Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)))), c => c.GetProperty("outcome").GetString()!.StartsWith("judge", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Judge_IsNotCalled_OnTheLastTier()
    {
        await using var gateway = await StartAsync("chat: { quality: { judge: { deployment: gpt } }, deployments: [llama] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", MathPrompt));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Header("x-switchyard-quality-judge"));
        Assert.Equal(0, gateway.External.Stats.Requests);
    }

    [Fact]
    public async Task Judge_External_IsNeverShownAConfidentialPrompt()
    {
        await using var gateway = await StartAsync("chat: { quality: { judge: { deployment: gpt } }, tiers: [ { name: open, deployments: [llama] }, { name: more, deployments: [llama-2] } ] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", MathPrompt), ("x-switchyard-confidential", "true"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("llama", response.Header("x-switchyard-deployment"));
        Assert.Equal(0, gateway.External.Stats.Requests);
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Contains(Attempts(entry), c => c.GetProperty("outcome").GetString() == "judge_skipped:confidential");
    }

    [Fact]
    public async Task Judge_External_IsNeverShownPersonalData_OnARouteWhoseTiersAreAllInHouse()
    {
        // The route's tiers never leave, so nothing but the judge could take the prompt outside: the prompt must still be
        // scanned for personal data, and an external judge passed over when it holds some.
        await using var gateway = await StartAsync("chat: { quality: { judge: { deployment: gpt } }, tiers: [ { name: open, deployments: [llama] }, { name: more, deployments: [llama-2] } ] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Please e-mail jane.doe@example.com the invoice total: what is 17 times 23?"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("pii: email=1", response.Header("x-switchyard-confidential"));
        Assert.Equal(0, gateway.External.Stats.Requests);
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Contains(Attempts(entry), c => c.GetProperty("outcome").GetString() == "judge_skipped:confidential");
    }

    [Fact]
    public async Task Judge_BudgetSpent_TheAnswerIsScoredWithoutIt()
    {
        await using var gateway = await StartAsync("chat: { quality: { judge: { deployment: judge-local, budget: { tokens: 10, per: 1h } } }, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", MathPrompt));

        Assert.Equal("llama", response.Header("x-switchyard-deployment"));
        Assert.Null(response.Header("x-switchyard-quality-judge"));
        Assert.Equal(1, gateway.Internal.Stats.Requests);
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Contains(Attempts(entry), c => c.GetProperty("outcome").GetString() == "judge_skipped:budget");
    }

    [Fact]
    public async Task Judge_Unreachable_SkipsByDefault_AndFailsWhenConfiguredTo()
    {
        await using var gateway = await StartAsync("""
            skip: { quality: { judge: { deployment: judge-dead, timeout: 2s } }, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }
              fail: { quality: { judge: { deployment: judge-dead, timeout: 2s, on_error: fail } }, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }
            """);
        using var skipped = await gateway.PostAsync(TieredGateway.Chat("skip", MathPrompt));
        using var failed = await gateway.PostAsync(TieredGateway.Chat("fail", MathPrompt));

        Assert.Equal(HttpStatusCode.OK, skipped.StatusCode);
        Assert.Equal("llama", skipped.Header("x-switchyard-deployment"));
        Assert.Equal("false", skipped.Header("x-switchyard-escalated"));
        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        Assert.Equal("gpt", failed.Header("x-switchyard-deployment"));
        Assert.Contains("failed=judge", failed.Header("x-switchyard-escalated-from"), StringComparison.Ordinal);
        var entries = await gateway.Log.WaitForEntriesAsync(2, TimeSpan.FromSeconds(10));
        Assert.All(entries, e => Assert.Contains(Attempts(e), c => c.GetProperty("outcome").GetString() == "judge_error"));
    }

    [Fact]
    public async Task Judge_SlowerThanItsTimeout_SkipsByDefault_AndFailsWhenConfiguredTo()
    {
        // A judge that answers, but only after 5 s: the request must not wait for it past its 300 ms timeout.
        await using var slow = await SimulatorHost.StartAsync(new SimulatorOptions { Models = [Model("strong", 1, wrongShare: 0) with { TimeToFirstToken = TimeSpan.FromSeconds(5) }] });
        await using var gateway = await TieredGateway.StartAsync(Deployments + "\n" + """
              judge-slow: { provider: other, model: strong, hosting: external }
            routes:
              skip: { quality: { judge: { deployment: judge-slow, timeout: 300ms } }, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }
              fail: { quality: { judge: { deployment: judge-slow, timeout: 300ms, on_error: fail } }, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }
            """, Models, externalSimulator: Models, otherUpstream: new Uri(slow.BaseAddress, "v1"));

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var skipped = await gateway.PostAsync(TieredGateway.Chat("skip", MathPrompt));
        using var failed = await gateway.PostAsync(TieredGateway.Chat("fail", MathPrompt));
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);

        Assert.Equal(HttpStatusCode.OK, skipped.StatusCode);
        Assert.Equal("llama", skipped.Header("x-switchyard-deployment"));
        Assert.Equal("false", skipped.Header("x-switchyard-escalated"));
        Assert.Null(skipped.Header("x-switchyard-quality-judge"));
        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        Assert.Equal("gpt", failed.Header("x-switchyard-deployment"));
        Assert.Contains("failed=judge", failed.Header("x-switchyard-escalated-from"), StringComparison.Ordinal);
        // Neither request waited for the judge's answer.
        Assert.True(elapsed < TimeSpan.FromSeconds(4), $"took {elapsed}");
        Assert.Equal(2, slow.Stats.ChatCompletionRequests);

        var entries = await gateway.Log.WaitForEntriesAsync(2, TimeSpan.FromSeconds(10));
        foreach (var entry in entries)
        {
            var judge = Assert.Single(Attempts(entry), c => c.GetProperty("deployment").GetString() == "judge-slow");
            Assert.Equal("judge_error", judge.GetProperty("outcome").GetString());
            Assert.Equal("judge judge-slow could not judge the answer: no answer within 300ms", judge.GetProperty("error").GetString());
        }

        var escalation = entries.Single(e => e.Route == "fail").Escalation!;
        Assert.Contains("no answer within 300ms (on_error: fail)", escalation.CheapReasons, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agreement_TwoWrongSamplesDisagree_AndTheRequestEscalates()
    {
        await using var gateway = await StartAsync("chat: { quality: { agreement: { compare: number } }, tiers: [ { name: open, deployments: [llama-wrong] }, { name: frontier, deployments: [gpt] } ] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", MathPrompt));

        Assert.Equal("gpt", response.Header("x-switchyard-deployment"));
        Assert.Contains("failed=agreement", response.Header("x-switchyard-escalated-from"), StringComparison.Ordinal);
        Assert.Equal(2, gateway.Internal.Stats.ChatCompletionRequests);
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(2, entry.Attempts);
        Assert.Contains("a second sample from llama-wrong disagrees (final numbers", entry.Escalation!.CheapReasons, StringComparison.Ordinal);
        Assert.Equal(["below_threshold", "agreement", "ok"], Attempts(entry).Select(c => c.GetProperty("outcome").GetString()!));
    }

    [Fact]
    public async Task Agreement_RightAnswersAgree_FromAnotherReplica()
    {
        await using var gateway = await StartAsync("chat: { quality: { agreement: true }, tiers: [ { name: open, deployments: [llama, llama-2] }, { name: frontier, deployments: [gpt] } ] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", MathPrompt, "\"seed\":5"));

        Assert.Equal("false", response.Header("x-switchyard-escalated"));
        Assert.Equal(0, gateway.External.Stats.Requests);
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        var calls = Attempts(entry);
        Assert.Equal(["ok", "agreement"], calls.Select(c => c.GetProperty("outcome").GetString()!));
        // The second sample came from the other replica.
        Assert.NotEqual(calls[0].GetProperty("deployment").GetString(), calls[1].GetProperty("deployment").GetString());
        Assert.Equal(1, calls[1].GetProperty("quality").GetDouble());
    }

    private static List<JsonElement> Attempts(RequestLogEntry entry)
    {
        using var attempts = JsonDocument.Parse(entry.AttemptsJson!);
        return [.. attempts.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static Task<TieredGateway> StartAsync(string routes)
        => TieredGateway.StartAsync(Deployments + "\nroutes:\n  " + routes.Trim(), Models, externalSimulator: Models);

    private static SimulatedModel Model(string name, double skill, double wrongShare) => new()
    {
        Name = name,
        TimeToFirstToken = TimeSpan.Zero,
        TokensPerSecond = double.PositiveInfinity,
        Skill = ImmutableDictionary.CreateRange(PromptKinds.All.Select(kind => KeyValuePair.Create(kind, skill))),
        WrongShare = wrongShare,
        ContextWindow = 128_000,
    };
}
