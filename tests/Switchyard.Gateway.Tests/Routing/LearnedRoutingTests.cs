using System.Net;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Routing.Learned;

namespace Switchyard.Gateway.Tests.Routing;

/// <summary>A route with <c>router:</c>: a trained router sends what the cheap tier would fail straight to the frontier.</summary>
public sealed class LearnedRoutingTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public LearnedRoutingTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Post_PromptTheRouterExpectsToFail_GoesStraightToTheFrontier()
    {
        var model = TrainCodeRouter();
        await using var gateway = await TieredGateway.StartAsync($$"""
            registry: { enforce: off }
            deployments:
              llama: { provider: internal, model: llama }
              gpt: { provider: external, model: gpt, hosting: external }
            routes:
              chat:
                router: { model: "{{model}}" }
                tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ]
            """);

        using var hard = await gateway.PostAsync(TieredGateway.Chat("chat", "Fix the segfault in this C++ function: int* p = nullptr; *p = compile(x); return p;"));
        using var easy = await gateway.PostAsync(TieredGateway.Chat("chat", "What is a nice name for a golden retriever puppy?"));
        using var secret = await gateway.PostAsync(TieredGateway.Chat("chat", "Fix the segfault in this C++ function: int* p = nullptr; *p = compile(x);"), ("x-switchyard-confidential", "true"));

        Assert.Equal(HttpStatusCode.OK, hard.StatusCode);
        Assert.Equal("gpt", hard.Header("x-switchyard-deployment"));
        Assert.Equal("router", hard.Header("x-switchyard-rule"));
        Assert.Contains(": sent to frontier", hard.Header("x-switchyard-router"), StringComparison.Ordinal);
        Assert.Equal("llama", easy.Header("x-switchyard-deployment"));
        Assert.Contains(" < ", easy.Header("x-switchyard-router"), StringComparison.Ordinal);
        // Confidential requests stay on the plan the rules made, never sent outside by the router.
        Assert.Equal("llama", secret.Header("x-switchyard-deployment"));
        Assert.Null(secret.Header("x-switchyard-router"));
        Assert.Equal(1, gateway.External.Stats.ChatCompletionRequests);
    }

    [Fact]
    public async Task Post_SentAheadByTheRouter_IsLoggedWithItsRuleAndKeepsNoOutcomeSample()
    {
        // The cheap tier never saw the request: keeping the frontier's good answer as a "cheap tier passed" sample would
        // teach the next training run the opposite of what happened.
        var model = TrainCodeRouter();
        await using var gateway = await TieredGateway.StartAsync($$"""
            registry: { enforce: off }
            deployments:
              llama: { provider: internal, model: llama }
              gpt: { provider: external, model: gpt, hosting: external }
            routes:
              chat:
                router: { model: "{{model}}" }
                quality: { sample_passed: 1 }
                tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ]
            """);

        using var hard = await gateway.PostAsync(TieredGateway.Chat("chat", "Fix the segfault in this C++ function: int* p = nullptr; *p = compile(x); return p;"));
        using var easy = await gateway.PostAsync(TieredGateway.Chat("chat", "What is a nice name for a golden retriever puppy?"));

        Assert.Equal("gpt", hard.Header("x-switchyard-deployment"));
        var entries = await gateway.Log.WaitForEntriesAsync(2, TimeSpan.FromSeconds(10));
        var ahead = entries.Single(e => e.Deployment == "gpt");
        Assert.Equal("router", ahead.Rule);
        Assert.Null(ahead.Sample);
        var stayed = entries.Single(e => e.Deployment == "llama");
        Assert.Equal("default", stayed.Rule);
        Assert.True(ahead.RouterScore > stayed.RouterScore, $"{ahead.RouterScore} > {stayed.RouterScore}");
        Assert.False(stayed.Sample!.CheapFailed);
    }

    [Fact]
    public async Task Post_TagTheRouterLearned_SendsAheadFromTheHeaderOrMetadata()
    {
        // The prompts are alike; only a tag tells the requests the cheap tier fails from the others.
        var model = TrainTagRouter();
        await using var gateway = await TieredGateway.StartAsync($$"""
            registry: { enforce: off }
            deployments:
              llama: { provider: internal, model: llama }
              gpt: { provider: external, model: gpt, hosting: external }
            routes:
              chat:
                router: { model: "{{model}}", threshold: 0.7 }
                tags: [support]
                tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ]
            """);
        const string Prompt = "Please summarise the attached customer letter in three sentences.";

        using var plain = await gateway.PostAsync(TieredGateway.Chat("chat", Prompt));
        using var header = await gateway.PostAsync(TieredGateway.Chat("chat", Prompt), ("x-switchyard-tags", "exam, Legal"));
        using var metadata = await gateway.PostAsync(TieredGateway.Chat("chat", Prompt, "\"metadata\": {\"tags\": \"legal\"}"));

        Assert.Equal("llama", plain.Header("x-switchyard-deployment"));
        Assert.Equal("gpt", header.Header("x-switchyard-deployment"));
        Assert.Equal("router", header.Header("x-switchyard-rule"));
        Assert.Equal("gpt", metadata.Header("x-switchyard-deployment"));
    }

    [Fact]
    public async Task Post_OutcomeSample_KeepsEveryTagOfTheRequest()
    {
        await using var gateway = await TieredGateway.StartAsync("""
            registry: { enforce: off }
            deployments:
              llama: { provider: internal, model: llama }
              gpt: { provider: external, model: gpt, hosting: external }
            routes:
              chat:
                quality: { sample_passed: 1 }
                tags: [support]
                tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ]
            """);

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "Hello there", "\"metadata\": {\"tags\": \"exam\"}"), ("x-switchyard-tags", "team-a,SUPPORT"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        // The header's and metadata's tags, then the route's; a repeat (any case) once.
        Assert.Equal("team-a,SUPPORT,exam", entry.Sample!.Tags);
    }

    [Theory]
    [InlineData("router: { model: missing.router }", "cannot read the router")]
    [InlineData("router: { model: bad.router }", "is not a router this switchyard can use")]
    [InlineData("router: { model: good.router, tier: frontend }", "the route has no tier 'frontend'")]
    [InlineData("router: { model: good.router, threshold: 2 }", "must be between 0 and 1")]
    [InlineData("router: { tier: frontier }", "the trained router's file is required")]
    public void Load_RouterMistakes_AreReportedWithTheirLine(string router, string message)
    {
        File.WriteAllText(Path.Combine(_directory, "bad.router"), "not a router");
        File.Copy(TrainCodeRouter(), Path.Combine(_directory, "good.router"));
        var path = Path.Combine(_directory, "switchyard.yaml");
        File.WriteAllText(path, $$"""
            providers:
              vllm: { kind: openai, base_url: "http://127.0.0.1:9/v1" }
            deployments:
              a: { provider: vllm, model: a }
              b: { provider: vllm, model: b }
            routes:
              chat: { {{router}}, tiers: [ { name: open, deployments: [a] }, { name: frontier, deployments: [b] } ] }
            """);

        var result = ConfigLoader.Load(path);

        Assert.Null(result.Config);
        var errors = string.Join("\n", result.Errors);
        Assert.Contains("switchyard.yaml:7:", errors, StringComparison.Ordinal);
        Assert.Contains("routes.chat.router", errors, StringComparison.Ordinal);
        Assert.Contains(message, errors, StringComparison.Ordinal);
    }

    /// <summary>A router that learned the cheap tier fails requests tagged <c>legal</c>, whatever their text.</summary>
    private string TrainTagRouter()
    {
        string[] asks = ["Please summarise the attached customer letter", "Draft a polite reply to this message", "List the action items from these notes", "Rewrite this paragraph more clearly"];
        var examples = new List<RouterExample>();
        for (var i = 0; i < 400; i++)
        {
            var prompt = $"{asks[(i / 2) % asks.Length]} in {1 + (i % 5)} sentences, item {i}.";
            // Every request carries the route's tag; the failing ones also "legal", the others another team's.
            examples.Add(new RouterExample(prompt, i % 2 == 0 ? "legal,support" : $"team-{(char)('a' + (i % 3))},support", CheapFailed: i % 2 == 0, 0, 1));
        }

        var router = RouterTrainer.Train(examples, new RouterTrainingOptions { TargetShare = 0.5 });
        var path = Path.Combine(_directory, "tag.router");
        using (var file = File.Create(path))
        {
            router.Save(file);
        }

        return path;
    }

    /// <summary>A router that learned the cheap tier fails on code prompts.</summary>
    private string TrainCodeRouter()
    {
        var path = Path.Combine(_directory, "code.router");
        if (File.Exists(path))
        {
            return path;
        }

        string[] code = ["Fix the segfault in this C++ function", "Why does my Python list comprehension throw a TypeError", "Write a SQL query joining orders and customers", "Refactor this Java class to use generics", "Debug this Rust borrow checker error in my parser", "Optimise this C# LINQ query over a database"];
        string[] general = ["What is a nice name for a dog", "Suggest a holiday destination in spring", "How do I make a good cup of tea", "Tell me a fun fact about whales", "What should I cook for dinner tonight", "Recommend a novel for a long flight"];
        var examples = new List<RouterExample>();
        for (var i = 0; i < 300; i++)
        {
            examples.Add(new RouterExample($"{code[i % code.Length]} number {i}: int* p = nullptr; *p = f(x); return p;", null, CheapFailed: true, 0, 1));
            examples.Add(new RouterExample($"{general[i % general.Length]} number {i}, please?", null, CheapFailed: false, 1, 1));
        }

        var router = RouterTrainer.Train(examples, new RouterTrainingOptions { TargetShare = 0.5 });
        using (var file = File.Create(path))
        {
            router.Save(file);
        }

        return path;
    }
}
