using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Forwarding.Internal;
using Switchyard.Gateway.Tests.Routing;
using Switchyard.Simulator;

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
        Models = [Model("strong", 1), Model("weak", 0)],
    };

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
    public async Task Post_StreamWithoutAGate_IsCostedInTheLog()
    {
        await using var gateway = await TieredGateway.StartAsync(Deployments + "\nroutes:\n  chat: { deployments: [llama, gpt] }", Models, externalSimulator: Models);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Count to five.", "\"stream\":true"));
        _ = await response.Content.ReadAsStringAsync();

        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.True(entry.Stream);
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
        Assert.Contains("'gpt-9-ultra' is neither a deployment nor a model the price catalog knows", errors, StringComparison.Ordinal);
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
