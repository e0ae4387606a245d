using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Forwarding.Internal;
using Switchyard.Gateway.Tests.Routing;
using Switchyard.Simulator;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway.Tests.Economics;

/// <summary>Every request costed from the upstream's usage: the header, the request log, escalations and the counterfactual.</summary>
public sealed class RequestCostTests
{
    // $1 per million in, $2 out on the open model; $10 in, $40 out on the frontier: figures easy to check by hand.
    private const string Deployments = """
        registry: { enforce: off }
        deployments:
          llama: { provider: internal, model: strong, pricing: { input: 1, output: 2 } }
          llama-weak: { provider: internal, model: weak, pricing: { input: 1, output: 2 } }
          gpt: { provider: external, model: strong, hosting: external, pricing: { input: 10, output: 40 } }
        """;

    private static readonly SimulatorOptions Models = new()
    {
        Models = [Model("strong", 1), Model("weak", 0), Model("wrong", 0) with { WrongShare = 1 }],
    };

    private const string MathPrompt = "What is 17 multiplied by 23? Calculate it.";

    [Fact]
    public void ReadUsage_CachedAndReasoningTokens_AreRead()
    {
        var json = """{"id":"x","usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":256,"accepted_prediction_tokens":0}}}"""u8;

        Assert.True(UsageReader.TryRead(json, out var usage, out _));
        Assert.Equal(new Usage(1200, 300, 1024, 256), usage);
        Assert.True(UsageReader.TryRead("""{"usage":{"prompt_tokens":5,"completion_tokens":7,"prompt_tokens_details":null}}"""u8, out var plain, out _));
        Assert.Equal(new Usage(5, 7), plain);
    }

    [Fact]
    public async Task Post_Answer_CarriesItsCostInTheHeaderAndTheLog()
    {
        await using var gateway = await TieredGateway.StartAsync(Deployments + "\nroutes:\n  chat: { deployments: [llama, gpt] }", Models, externalSimulator: Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "What is a good name for a cat?"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        var expected = ((entry.InputTokens!.Value * 1.0) + (entry.OutputTokens!.Value * 2.0)) / 1e6;
        Assert.Equal(expected, entry.CostUsd!.Value, 12);
        Assert.Equal(0, entry.ExtraCostUsd);
        Assert.Equal(((entry.InputTokens.Value * 10.0) + (entry.OutputTokens.Value * 40.0)) / 1e6, entry.BaselineCostUsd!.Value, 12);
        Assert.Equal(expected, double.Parse(response.Header("x-switchyard-cost")!, CultureInfo.InvariantCulture), 8);
    }

    [Fact]
    public async Task Post_Escalated_CostsTheThrownAwayAnswerSeparately()
    {
        await using var gateway = await TieredGateway.StartAsync(Deployments + "\nroutes:\n  chat: { quality: {}, deployments: [llama-weak, gpt] }", Models, externalSimulator: Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Tell me about the weather in Lyon."));

        Assert.Equal("gpt", response.Header("x-switchyard-deployment"));
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        var cheap = entry.Escalation!;
        var answer = ((entry.InputTokens!.Value * 10.0) + (entry.OutputTokens!.Value * 40.0)) / 1e6;
        var thrownAway = ((cheap.CheapInputTokens!.Value * 1.0) + (cheap.CheapOutputTokens!.Value * 2.0)) / 1e6;
        Assert.Equal(answer, entry.CostUsd!.Value, 12);
        Assert.Equal(thrownAway, entry.ExtraCostUsd!.Value, 12);
        Assert.Equal(answer + thrownAway, double.Parse(response.Header("x-switchyard-cost")!, CultureInfo.InvariantCulture), 8);
    }

    [Fact]
    public async Task Post_Escalated_ThrownAwayAnswerIsUnderTheCheapDeploymentAndTier()
    {
        await using var gateway = await TieredGateway.StartAsync(Deployments + "\nroutes:\n  chat: { quality: {}, tiers: [ { name: open, deployments: [llama-weak] }, { name: frontier, deployments: [gpt] } ] }", Models, externalSimulator: Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Tell me about the weather in Lyon."));

        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal("gpt", entry.Deployment);
        var part = Assert.Single(entry.CostParts!);
        Assert.Equal(CostKind.Escalated, part.Kind);
        Assert.Equal(("llama-weak", "open"), (part.Deployment, part.Tier));
        Assert.Equal(((part.InputTokens * 1.0) + (part.OutputTokens * 2.0)) / 1e6, part.CostUsd!.Value, 12);
        Assert.Equal(part.CostUsd, entry.EscalatedCostUsd);
        Assert.Equal(0, entry.ChecksCostUsd);
        Assert.Equal(0, entry.FailedCostUsd);
        Assert.Equal(entry.EscalatedCostUsd, entry.ExtraCostUsd);
        Assert.False(entry.CostEstimated);

        // The escalation record says what each answer cost and how long it took, and what the checks measured.
        var record = entry.Escalation!;
        Assert.Equal(part.CostUsd, record.CheapCostUsd);
        Assert.Equal(entry.CostUsd, record.FinalCostUsd);
        Assert.Equal((part.InputTokens, part.OutputTokens), (record.CheapInputTokens, record.CheapOutputTokens));
        Assert.True(record.CheapLatencyMs > 0 && record.FinalLatencyMs > 0, $"{record.CheapLatencyMs} ms, {record.FinalLatencyMs} ms");
        Assert.True(record.CheapLatencyMs + record.FinalLatencyMs <= entry.LatencyMs + 1, "the calls took no longer than the request");
    }

    [Fact]
    public async Task Post_EscalatedOnLogprobs_TheRecordKeepsTheSignalsOfBothAnswers()
    {
        await using var gateway = await TieredGateway.StartAsync(Deployments + "\nroutes:\n  chat: { quality: { logprobs: { min_mean: -1 } }, tiers: [ { name: open, deployments: [llama-weak] }, { name: frontier, deployments: [llama] } ] }", Models, externalSimulator: Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Tell me about the weather in Lyon."));

        var record = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10))).Escalation!;
        // Visibly bad answers have logprobs near -2, good ones near -0.2 (the simulator's README).
        Assert.InRange(record.CheapSignals!["logprob_mean"], -3, -1);
        Assert.True(record.CheapSignals["logprob_min"] <= record.CheapSignals["logprob_mean"]);
        Assert.InRange(record.FinalSignals!["logprob_mean"], -1, 0);
    }

    [Fact]
    public async Task Post_Judged_TheJudgesCallIsACheckUnderTheJudgeAtItsPrice()
    {
        // The judge (gpt, $10 in, $40 out) is in none of the route's tiers; the wrong answer escalates to the frontier tier.
        await using var gateway = await TieredGateway.StartAsync(Config("""
            chat: { quality: { judge: { deployment: gpt } }, tiers: [ { name: open, deployments: [llama-wrong] }, { name: frontier, deployments: [gpt-big] } ] }
            """, "  llama-wrong: { provider: internal, model: wrong, pricing: { input: 1, output: 2 } }\n  gpt-big: { provider: external, model: strong, hosting: external, pricing: { input: 20, output: 80 } }\n"), Models, externalSimulator: Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", MathPrompt));

        Assert.Equal("gpt-big", response.Header("x-switchyard-deployment"));
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        var parts = entry.CostParts!;
        var judge = Assert.Single(parts, p => p.Kind == CostKind.Check);
        Assert.Equal(("gpt", (string?)null), (judge.Deployment, judge.Tier));
        Assert.Equal(((judge.InputTokens * 10.0) + (judge.OutputTokens * 40.0)) / 1e6, judge.CostUsd!.Value, 12);
        var cheap = Assert.Single(parts, p => p.Kind == CostKind.Escalated);
        Assert.Equal(("llama-wrong", "open"), (cheap.Deployment, cheap.Tier));
        Assert.Equal(judge.CostUsd, entry.ChecksCostUsd);
        Assert.Equal(cheap.CostUsd, entry.EscalatedCostUsd);
        Assert.Equal(((entry.InputTokens!.Value * 20.0) + (entry.OutputTokens!.Value * 80.0)) / 1e6, entry.CostUsd!.Value, 12);
        var total = entry.CostUsd + entry.ExtraCostUsd;
        Assert.Equal(total!.Value, double.Parse(response.Header("x-switchyard-cost")!, CultureInfo.InvariantCulture), 8);
    }

    [Fact]
    public async Task Post_AgreementChecked_TheSecondSampleIsACheckUnderItsDeploymentAndTier()
    {
        await using var gateway = await TieredGateway.StartAsync(Config("""
            chat: { quality: { agreement: true }, tiers: [ { name: open, deployments: [llama, llama-2] }, { name: frontier, deployments: [gpt] } ] }
            """, "  llama-2: { provider: internal, model: strong, pricing: { input: 3, output: 5 } }\n"), Models, externalSimulator: Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", MathPrompt, "\"seed\":1"));

        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        var check = Assert.Single(entry.CostParts!);
        Assert.Equal(CostKind.Check, check.Kind);
        // The second sample comes from the other replica of the tier that answered, at that replica's price.
        var (answered, other, price) = entry.Deployment == "llama" ? ("llama", "llama-2", (3.0, 5.0)) : ("llama-2", "llama", (1.0, 2.0));
        Assert.Equal((other, "open"), (check.Deployment, check.Tier));
        Assert.Equal(((check.InputTokens * price.Item1) + (check.OutputTokens * price.Item2)) / 1e6, check.CostUsd!.Value, 12);
        Assert.Equal(check.CostUsd, entry.ChecksCostUsd);
        Assert.Equal(answered, response.Header("x-switchyard-deployment"));
    }

    [Fact]
    public async Task Post_BufferedStreamCutMidWay_TheCutCallIsAnEstimatedFailedCostAndTheNextAnswers()
    {
        await using var gateway = await TieredGateway.StartAsync(Config("""
            chat: { quality: { streaming: buffer }, tiers: [ { name: open, deployments: [llama-cut] }, { name: frontier, deployments: [gpt] } ] }
            """, "  llama-cut: { provider: internal, model: strong@fault-cut_after_first_chunk, pricing: { input: 1, output: 2 } }\n"), Models, externalSimulator: Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Count to five.", "\"stream\":true"));
        _ = await response.Content.ReadAsStringAsync();

        Assert.Equal("gpt", response.Header("x-switchyard-deployment"));
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        var failed = Assert.Single(entry.CostParts!);
        Assert.Equal((CostKind.Failed, "llama-cut", "open", true), (failed.Kind, failed.Deployment, failed.Tier, failed.Estimated));
        Assert.True(failed.OutputTokens >= 1, $"{failed.OutputTokens} output tokens");
        Assert.Equal(((failed.InputTokens * 1.0) + (failed.OutputTokens * 2.0)) / 1e6, entry.FailedCostUsd!.Value, 12);
        Assert.True(entry.CostEstimated);
        Assert.Equal("true", response.Header("x-switchyard-cost-estimated"));
        Assert.Equal((entry.CostUsd + entry.FailedCostUsd)!.Value, double.Parse(response.Header("x-switchyard-cost")!, CultureInfo.InvariantCulture), 8);
    }

    [Fact]
    public async Task Post_StreamCutAfterTheClientHadAChunk_IsAFailedCostInTheLogAndTheStreamsCostComment()
    {
        await using var gateway = await TieredGateway.StartAsync(Config("""
            chat: { deployments: [llama-cut] }
            """, "  llama-cut: { provider: internal, model: strong@fault-cut_after_first_chunk, pricing: { input: 1, output: 2 } }\n"), Models, externalSimulator: Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Count to five.", "\"stream\":true"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("stream_interrupted", body, StringComparison.Ordinal);
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(502, entry.Status);
        Assert.Null(entry.CostUsd);
        var failed = Assert.Single(entry.CostParts!);
        Assert.Equal((CostKind.Failed, "llama-cut", true), (failed.Kind, failed.Deployment, failed.Estimated));
        Assert.Equal(entry.FailedCostUsd!.Value, StreamCost(body)!.Value, 8);
        Assert.Contains(": x-switchyard-cost-estimated: true", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Stream_CarriesItsCostInACommentBeforeDone()
    {
        await using var gateway = await TieredGateway.StartAsync(Deployments + "\nroutes:\n  chat: { deployments: [llama, gpt] }", Models, externalSimulator: Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Count to five.", "\"stream\":true"));
        var body = await response.Content.ReadAsStringAsync();

        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(entry.CostUsd!.Value, StreamCost(body)!.Value, 8);
        Assert.EndsWith("\n\ndata: [DONE]\n\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("estimated", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_CachedAndReasoningTokens_ArePricedAtTheirOwnPricesInTheAnswerTheBaselineAndTheLog()
    {
        // o4: $2 in, $0.50 cached, $8 out, $12 reasoning; the baseline (gpt) $10 in, $2.50 cached, $40 out.
        var models = Models with { Models = [.. Models.Models, Model("o4", 1) with { PrefixCacheBlockTokens = 16, ReasoningTokens = 100 }] };
        await using var gateway = await TieredGateway.StartAsync(Config(
            "chat: { baseline: gpt-cached, deployments: [o4] }",
            "  o4: { provider: internal, model: o4, pricing: { input: 2, cached_input: 0.5, output: 8, reasoning: 12 } }\n  gpt-cached: { provider: external, model: strong, hosting: external, pricing: { input: 10, cached_input: 2.5, output: 40 } }\n"), models, externalSimulator: models);
        var prompt = TieredGateway.Chat("chat", "Summarise the rules of chess in a paragraph, then name the three most famous openings and say who plays them.");

        using var first = await gateway.PostAsync(prompt);
        using var second = await gateway.PostAsync(prompt);

        var entries = await gateway.Log.WaitForEntriesAsync(2, TimeSpan.FromSeconds(10));
        Assert.Equal(0, entries[0].CachedTokens);
        var entry = entries[1];
        var (input, output, cached, reasoning) = (entry.InputTokens!.Value, entry.OutputTokens!.Value, entry.CachedTokens!.Value, entry.ReasoningTokens!.Value);
        Assert.True(cached > 0 && reasoning > 0, $"cached {cached}, reasoning {reasoning}");
        var expected = (((input - cached) * 2.0) + (cached * 0.5) + ((output - reasoning) * 8.0) + (reasoning * 12.0)) / 1e6;
        Assert.Equal(expected, entry.CostUsd!.Value, 12);
        Assert.Equal(expected, double.Parse(second.Header("x-switchyard-cost")!, CultureInfo.InvariantCulture), 8);
        // The counterfactual reads the same prompt from the baseline's cache, at its cached price (reasoning at its output price).
        Assert.Equal((((input - cached) * 10.0) + (cached * 2.5) + (output * 40.0)) / 1e6, entry.BaselineCostUsd!.Value, 12);
    }

    [Fact]
    public async Task Post_JudgeReadsItsInstructionsFromTheCache_TheCheckIsPricedAtTheCachedPrice()
    {
        // The judge's instructions are the same system message every time: its second call reads them from the cache.
        var models = Models with { Models = [.. Models.Models, Model("judge-model", 1) with { PrefixCacheBlockTokens = 16 }] };
        await using var gateway = await TieredGateway.StartAsync(Config(
            "chat: { quality: { judge: { deployment: judge } }, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }",
            "  judge: { provider: external, model: judge-model, hosting: external, pricing: { input: 4, cached_input: 1, output: 16 } }\n"), models, externalSimulator: models);

        using var first = await gateway.PostAsync(TieredGateway.Chat("chat", MathPrompt));
        using var second = await gateway.PostAsync(TieredGateway.Chat("chat", "What is 12 multiplied by 31? Calculate it."));

        var entry = (await gateway.Log.WaitForEntriesAsync(2, TimeSpan.FromSeconds(10)))[1];
        var judge = Assert.Single(entry.CostParts!);
        Assert.Equal(CostKind.Check, judge.Kind);
        Assert.True(judge.CachedTokens > 0, "the judge's instructions came from its cache");
        Assert.Equal((((judge.InputTokens - judge.CachedTokens) * 4.0) + (judge.CachedTokens * 1.0) + (judge.OutputTokens * 16.0)) / 1e6, judge.CostUsd!.Value, 12);
        Assert.Equal((entry.CostUsd + judge.CostUsd)!.Value, double.Parse(second.Header("x-switchyard-cost")!, CultureInfo.InvariantCulture), 8);
    }

    [Fact]
    public async Task Post_MeasuredBasis_ChargesTheHardwareOverTheTokensItServedInTheWindow()
    {
        var directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            // In the last hour llama served 3,000,000 tokens of answers and 600,000 of an answer turned down: 1,000
            // tokens/s, so its $3.60 an hour is $1 per million. llama-idle served nothing: its floor, 1% of 1,000 tokens/s,
            // makes $100 per million.
            var db = Path.Combine(directory, "switchyard.db");
            var before = DateTimeOffset.UtcNow.AddMinutes(-10);
            await using (var store = new Storage.Sqlite.SqliteRequestLogStore(new Storage.Sqlite.SqliteStoreOptions { Path = db }, TimeProvider.System))
            {
                await store.InitializeAsync(CancellationToken.None);
                await store.WriteBatchAsync(
                [
                    new() { Timestamp = before, RequestId = "a", Endpoint = "chat.completions", Route = "chat", Deployment = "llama", Status = 200, InputTokens = 2_000_000, OutputTokens = 1_000_000 },
                    new() { Timestamp = before, RequestId = "b", Endpoint = "chat.completions", Route = "chat", Deployment = "gpt", Status = 200, InputTokens = 10, OutputTokens = 10, ExtraCostUsd = 0, EscalatedCostUsd = 0, ChecksCostUsd = 0, FailedCostUsd = 0,
                        CostParts = [new() { Kind = CostKind.Escalated, Deployment = "llama", InputTokens = 500_000, OutputTokens = 100_000 }] },
                    // Older than the window: not counted.
                    new() { Timestamp = before.AddHours(-2), RequestId = "c", Endpoint = "chat.completions", Route = "chat", Deployment = "llama", Status = 200, InputTokens = 9_000_000, OutputTokens = 0 },
                ], CancellationToken.None);
            }

            await using var simulator = await SimulatorHost.StartAsync(Models with { Port = 0 });
            var config = Switchyard.Gateway.Configuration.ConfigLoader.Parse($$"""
                server: { listen: "http://127.0.0.1:0" }
                storage: { kind: sqlite, path: "{{db}}" }
                request_log: { flush_interval: 20ms }
                registry: { enforce: off }
                providers:
                  internal: { kind: openai, base_url: "{{new Uri(simulator.BaseAddress, "v1")}}" }
                deployments:
                  llama: { provider: internal, model: strong, pricing: { gpu_hour: 3.6, tokens_per_second: 1000, basis: measured, min_utilisation: 0.01 } }
                  llama-idle: { provider: internal, model: strong, pricing: { gpu_hour: 3.6, tokens_per_second: 1000, basis: measured, min_utilisation: 0.01 } }
                routes:
                  chat: { deployments: [llama] }
                  idle: { deployments: [llama-idle] }
                """, "measured.yaml", _ => null);
            Assert.True(config.Succeeded, string.Join("\n", config.Errors));
            await using var gateway = await GatewayHost.StartAsync(config.Config!, new GatewayHostOptions());
            using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };

            using var busy = await client.PostAsync("chat/completions", new StringContent(TieredGateway.Chat("chat", "Hello"), System.Text.Encoding.UTF8, "application/json"));
            using var idle = await client.PostAsync("chat/completions", new StringContent(TieredGateway.Chat("idle", "Hello"), System.Text.Encoding.UTF8, "application/json"));
            await gateway.FlushRequestLogAsync();
            await using var log = new Storage.Sqlite.SqliteRequestLogStore(new Storage.Sqlite.SqliteStoreOptions { Path = db }, TimeProvider.System);
            var entries = await log.QueryAsync(new RequestLogQuery { Limit = 2 }, CancellationToken.None);

            var chat = entries.Single(e => e.Route == "chat");
            Assert.Equal((chat.InputTokens + chat.OutputTokens)!.Value * 1.0 / 1e6, chat.CostUsd!.Value, 9);
            Assert.Equal(chat.CostUsd.Value, double.Parse(busy.Header("x-switchyard-cost")!, CultureInfo.InvariantCulture), 8);
            var quiet = entries.Single(e => e.Route == "idle");
            Assert.Equal((quiet.InputTokens + quiet.OutputTokens)!.Value * 100.0 / 1e6, quiet.CostUsd!.Value, 9);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The test deployments, plus <paramref name="extra"/> (YAML lines), and <paramref name="routes"/> under <c>routes:</c>.</summary>
    private static string Config(string routes, string extra = "")
        => Deployments.Replace("deployments:\n", "deployments:\n" + extra, StringComparison.Ordinal) + "\nroutes:\n  " + routes.Trim();

    /// <summary>The cost an event stream carries in its <c>: x-switchyard-cost: N</c> comment, if it has one.</summary>
    internal static double? StreamCost(string body)
    {
        const string Prefix = ": x-switchyard-cost: ";
        var at = body.IndexOf(Prefix, StringComparison.Ordinal);
        return at < 0 ? null : double.Parse(body.AsSpan(at + Prefix.Length, body.IndexOf('\n', at) - at - Prefix.Length), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Post_StreamWithoutAGate_IsCostedInTheLog()
    {
        await using var gateway = await TieredGateway.StartAsync(Deployments + "\nroutes:\n  chat: { deployments: [llama, gpt] }", Models, externalSimulator: Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Count to five.", "\"stream\":true"));
        _ = await response.Content.ReadAsStringAsync();

        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.True(entry.Stream);
        // The stream's usage chunk was read (the gateway asked for it): the cost is the upstream's count, not an estimate.
        Assert.False(entry.UsageEstimated);
        Assert.False(entry.CostEstimated);
        Assert.Equal(((entry.InputTokens!.Value * 1.0) + (entry.OutputTokens!.Value * 2.0)) / 1e6, entry.CostUsd!.Value, 12);
        // A stream's headers leave before its usage: the cost is in the log only.
        Assert.Null(response.Header("x-switchyard-cost"));
    }

    [Theory]
    [InlineData("baseline: gpt", 10.0, 40.0)]           // a deployment of the configuration
    [InlineData("baseline: claude-opus-4", 15.0, 75.0)] // a model of the price catalog, not deployed here
    public async Task Post_ConfiguredBaseline_PricesTheCounterfactual(string baseline, double input, double output)
    {
        await using var gateway = await TieredGateway.StartAsync(Deployments + "\nroutes:\n  chat: { " + baseline + ", deployments: [llama] }", Models, externalSimulator: Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "What is a good name for a cat?"));

        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(((entry.InputTokens!.Value * input) + (entry.OutputTokens!.Value * output)) / 1e6, entry.BaselineCostUsd!.Value, 12);
    }

    [Fact]
    public void Config_UnknownBaseline_IsReportedWithItsLine()
    {
        var result = Switchyard.Gateway.Configuration.ConfigLoader.Parse("""
            providers:
              vllm: { kind: openai, base_url: http://localhost:8000/v1 }
            deployments:
              llama: { provider: vllm, model: llama }
            routes:
              chat: { baseline: gpt-9-ultra, deployments: [llama] }
            """, "switchyard.yaml", _ => null);

        var errors = string.Join("\n", result.Errors);
        Assert.Contains("switchyard.yaml:6:", errors, StringComparison.Ordinal);
        Assert.Contains("'gpt-9-ultra' is neither a deployment nor a model the price catalog or prices: knows", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UnpricedDeployment_IsNotCosted()
    {
        await using var gateway = await TieredGateway.StartAsync("""
            registry: { enforce: off }
            deployments:
              llama: { provider: internal, model: strong }
            routes:
              chat: { deployments: [llama] }
            """, Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Hello"));

        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Null(entry.CostUsd);
        Assert.Null(entry.BaselineCostUsd);
        Assert.Null(response.Header("x-switchyard-cost"));
    }

    private static SimulatedModel Model(string name, double skill) => new()
    {
        Name = name,
        TimeToFirstToken = TimeSpan.Zero,
        TokensPerSecond = double.PositiveInfinity,
        Skill = ImmutableDictionary.CreateRange(PromptKinds.All.Select(k => KeyValuePair.Create(k, skill))),
        ContextWindow = 128_000,
    };
}
