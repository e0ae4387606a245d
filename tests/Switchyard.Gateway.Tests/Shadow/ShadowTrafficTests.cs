using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Switchyard.Gateway.Routing;
using Switchyard.Gateway.Shadow;
using Switchyard.Gateway.Tests.Routing;
using Switchyard.Simulator;
using Switchyard.Storage.Shadow;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Gateway.Tests.Shadow;

/// <summary>
/// Shadow traffic over real sockets: a gateway in front of two simulated providers (<c>internal</c>, <c>external</c>),
/// whose own counters say what reached them. The client's answer never waits for or changes with the shadow; confidential
/// requests never reach an external candidate; the budget, the queue and the comparisons hold.
/// </summary>
public sealed partial class ShadowTrafficTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public ShadowTrafficTests() => Directory.CreateDirectory(_directory);

    private string Storage => $"storage: {{ path: \"{Path.Combine(_directory, "shadow.db")}\" }}";

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A gateway of a failed test may still hold the file; the temporary folder is cleaned by the system.
        }
    }

    [Fact]
    public async Task SlowCandidate_NeverSlowsOrChangesTheClientsAnswer()
    {
        await using var gateway = await TieredGateway.StartAsync($$"""
            {{Storage}}
            deployments:
              incumbent: { provider: internal, model: strong }
              slow: { provider: external, model: "strong@fault-slow_first_token" }
            routes:
              plain: { deployments: [incumbent] }
              shadowed: { deployments: [incumbent], shadow: { deployment: slow, share: 1 } }
            """, Models(), externalSimulator: Models());
        const int Requests = 3;

        foreach (var stream in new[] { false, true })
        {
            for (var i = 0; i < Requests; i++)
            {
                var body = $"Question {i} about the weather in Lyon.";
                var (plain, _) = await AskAsync(gateway, "plain", body, stream);
                var (shadowed, elapsed) = await AskAsync(gateway, "shadowed", body, stream);

                // The candidate waits 5 s before it answers: a client that waited for it would take that long.
                Assert.True(elapsed < TimeSpan.FromSeconds(2.5), $"the client waited {elapsed.TotalMilliseconds:0} ms");
                Assert.Equal(Normalise(plain), Normalise(shadowed));
            }
        }

        // The shadow did call the slow candidate (up to its four workers at once), after the clients had their answers.
        await gateway.External.Stats.WaitForRequestsAsync(4, TimeSpan.FromSeconds(10));
        Assert.Equal(2 * Requests, gateway.Gateway.Shadow.Stats("shadowed", "slow").Sampled);
    }

    [Fact]
    public async Task FailingCandidate_NeverChangesTheClientsAnswer_AndIsCounted()
    {
        await using var gateway = await TieredGateway.StartAsync($$"""
            {{Storage}}
            deployments:
              incumbent: { provider: internal, model: strong }
              broken: { provider: dead, model: strong }
              refusing: { provider: internal, model: "strong@fault-server_error" }
            routes:
              plain: { deployments: [incumbent] }
              broken: { deployments: [incumbent], shadow: { deployment: broken, share: 1 } }
              refusing: { deployments: [incumbent], shadow: { deployment: refusing, share: 1 } }
            """, Models());
        const int Requests = 3;

        foreach (var stream in new[] { false, true })
        {
            for (var i = 0; i < Requests; i++)
            {
                var body = $"Question {i} about the weather in Lyon.";
                var (plain, _) = await AskAsync(gateway, "plain", body, stream);
                Assert.Equal(Normalise(plain), Normalise((await AskAsync(gateway, "broken", body, stream)).Body));
                Assert.Equal(Normalise(plain), Normalise((await AskAsync(gateway, "refusing", body, stream)).Body));
            }
        }

        await gateway.Gateway.Shadow.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var route in new[] { "broken", "refusing" })
        {
            var stats = gateway.Gateway.Shadow.Stats(route, route);
            Assert.Equal(2 * Requests, stats.Sampled);
            Assert.Equal(2 * Requests, stats.Compared);
            Assert.Equal(2 * Requests, stats.CandidateFailed);
        }

        var stored = Store().Query("refusing", null);
        Assert.All(stored, c => Assert.StartsWith("it answered 500", c.CandidateError, StringComparison.Ordinal));
        Assert.All(stored, c => Assert.Null(c.Winner));
    }

    [Fact]
    public async Task Confidential_NeverReachesAnExternalCandidate_NotEvenWhenOnlyTheDetectorFindsPersonalData()
    {
        await using var gateway = await TieredGateway.StartAsync($$"""
            {{Storage}}
            deployments:
              incumbent: { provider: internal, model: strong }
              frontier: { provider: external, model: strong, hosting: external }
            routes:
              chat: { deployments: [incumbent], shadow: { deployment: frontier, share: 1 } }
            """, Models(), externalSimulator: Models());

        for (var i = 0; i < 3; i++)
        {
            using var marked = await gateway.PostAsync(TieredGateway.Chat("chat", $"Summarise memo {i}."), ("x-switchyard-confidential", "true"));
            Assert.True(marked.IsSuccessStatusCode);
        }

        using (var personal = await gateway.PostAsync(TieredGateway.Chat("chat", "Write to jane.doe@example.com about her order.")))
        {
            Assert.True(personal.IsSuccessStatusCode);
        }

        await gateway.Gateway.Shadow.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, gateway.External.Stats.Requests);
        var stats = gateway.Gateway.Shadow.Stats("chat", "frontier");
        Assert.Equal(4, stats.Sampled);
        Assert.Equal(4, stats.SkippedConfidential);
        Assert.Equal(0, stats.Compared);

        // The same route does shadow a request that is not confidential: the test can fail.
        using (var open = await gateway.PostAsync(TieredGateway.Chat("chat", "Summarise the public memo.")))
        {
            Assert.True(open.IsSuccessStatusCode);
        }

        await gateway.Gateway.Shadow.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, gateway.External.Stats.Requests);
    }

    [Fact]
    public async Task Budget_StopsTheComparisonsItCannotCover_AndIsNeverPassed()
    {
        // $1,000 per million tokens: a request of about 20 prompt tokens and max_tokens 40 reserves about $0.06.
        await using var gateway = await TieredGateway.StartAsync($$"""
            {{Storage}}
            deployments:
              incumbent: { provider: internal, model: strong }
              candidate: { provider: external, model: strong, pricing: { input: 1000, output: 1000 } }
            routes:
              chat: { deployments: [incumbent], shadow: { deployment: candidate, share: 1, budget: { usd: 0.15, per: day } } }
            """, Models(), externalSimulator: Models());
        const int Requests = 6;

        for (var i = 0; i < Requests; i++)
        {
            using var response = await gateway.PostAsync(TieredGateway.Chat("chat", $"Tell me about the weather in city number {i}.", "\"max_tokens\":40"));
            Assert.True(response.IsSuccessStatusCode);
            await gateway.Gateway.Shadow.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var stats = gateway.Gateway.Shadow.Stats("chat", "candidate");
        Assert.Equal(Requests, stats.Sampled);
        Assert.True(stats.Compared >= 1 && stats.SkippedBudget >= 1, $"compared {stats.Compared}, over budget {stats.SkippedBudget}");
        Assert.Equal(Requests, stats.Compared + stats.SkippedBudget);
        Assert.Equal(stats.Compared, gateway.External.Stats.Requests);
        var stored = Store().Query("chat", null);
        Assert.Equal(stats.Compared, stored.Count);
        Assert.True(stored.Sum(c => c.CandidateCostUsd ?? 0) <= 0.15, $"spent {stored.Sum(c => c.CandidateCostUsd ?? 0)}");
        Assert.All(stored, c => Assert.True(c.CandidateCostUsd > 0));
    }

    [Fact]
    public async Task Saturated_DropsTheNewestAndCountsThem()
    {
        await using var gateway = await TieredGateway.StartAsync($$"""
            {{Storage}}
            deployments:
              incumbent: { provider: internal, model: strong }
              slow: { provider: external, model: "strong@fault-slow_first_token" }
            routes:
              chat: { deployments: [incumbent], shadow: { deployment: slow, share: 1, max_concurrency: 1, queue: 1 } }
            """, Models(), externalSimulator: Models());

        using (var first = await gateway.PostAsync(TieredGateway.Chat("chat", "First question.")))
        {
            Assert.True(first.IsSuccessStatusCode);
        }

        // The one worker has the first comparison in flight (its candidate holds it 5 s); the queue has room for one more.
        await gateway.External.Stats.WaitForRequestsAsync(1, TimeSpan.FromSeconds(10));
        for (var i = 0; i < 4; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await gateway.PostAsync(TieredGateway.Chat("chat", $"Question {i}."));
            Assert.True(response.IsSuccessStatusCode);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2.5));
        }

        var stats = gateway.Gateway.Shadow.Stats("chat", "slow");
        Assert.Equal(5, stats.Sampled);
        Assert.Equal(3, stats.DroppedSaturated);
        Assert.Equal(2, stats.Running);
    }

    [Fact]
    public async Task Comparison_ChecksBothAnswers_JudgesThem_AndStoresWhoDidBetter()
    {
        await using var gateway = await TieredGateway.StartAsync($$"""
            {{Storage}}
            deployments:
              incumbent: { provider: internal, model: strong, pricing: { input: 2, output: 8 } }
              candidate: { provider: internal, model: weak, pricing: { input: 0.1, output: 0.2 } }
              judge: { provider: external, model: strong, hosting: external }
            routes:
              chat:
                deployments: [incumbent]
                shadow: { deployment: candidate, share: 1, seed: 7, compare: [quality, judge, agreement], judge: { deployment: judge } }
            """, Models(), externalSimulator: Models());
        string[] questions = ["How do I reset my password?", "What are your opening hours?", "Can I return a sofa?", "Do you deliver to Norway?"];

        foreach (var question in questions)
        {
            using var response = await gateway.PostAsync(TieredGateway.Chat("chat", question));
            Assert.True(response.IsSuccessStatusCode);
        }

        await gateway.Gateway.Shadow.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var stored = Store().Query("chat", null);
        Assert.Equal(questions.Length, stored.Count);
        Assert.Equal(2 * questions.Length, gateway.External.Stats.JudgeRequests);
        foreach (var comparison in stored)
        {
            Assert.Equal("incumbent", comparison.IncumbentDeployment);
            Assert.Equal("candidate", comparison.CandidateDeployment);
            Assert.Equal(1, comparison.IncumbentScore);
            Assert.True(comparison.CandidateScore < 0.8, $"the candidate (skill 0) scored {comparison.CandidateScore}");
            Assert.NotNull(comparison.CandidateFailed);
            Assert.True(comparison.IncumbentJudgeScore >= 0.8);
            Assert.NotNull(comparison.CandidateJudgeScore);
            Assert.Equal("incumbent", comparison.Winner);
            Assert.Contains(questions, q => comparison.Request!.Contains(q, StringComparison.Ordinal));
            Assert.False(string.IsNullOrEmpty(comparison.IncumbentAnswer));
            Assert.True(comparison.IncumbentCostUsd > comparison.CandidateCostUsd);
            Assert.True(comparison.IncumbentLatencyMs > 0 && comparison.CandidateLatencyMs > 0);
        }

        var counters = Assert.Single(Store().Counters("chat", null));
        Assert.Equal(questions.Length, counters.Sampled);
        Assert.Equal(questions.Length, counters.Compared);
    }

    [Fact]
    public void Sampler_PicksTheShareDeterministically_BySeedAndRequestId()
    {
        var ids = Enumerable.Range(0, 20_000).Select(i => $"req_{i:x8}").ToList();

        var picked = ids.Where(id => ShadowSampler.Picks(42, id, 0.1)).ToList();
        var again = ids.Where(id => ShadowSampler.Picks(42, id, 0.1)).ToList();
        var otherSeed = ids.Where(id => ShadowSampler.Picks(43, id, 0.1)).ToList();

        // 10% of 20,000 is 2,000; three standard deviations are 127.
        Assert.InRange(picked.Count, 1873, 2127);
        Assert.Equal(picked, again);
        Assert.InRange(picked.Intersect(otherSeed).Count(), 73, 327);
        Assert.All(ids, id => Assert.True(ShadowSampler.Picks(1, id, 1)));
        Assert.True(ids.Where(id => ShadowSampler.Picks(42, id, 0.05)).All(picked.Contains));
    }

    [Fact]
    public void RouteWithAnExternalCandidate_ScansForPersonalData()
    {
        var config = Gateway.Configuration.ConfigLoader.Parse("""
            registry: { enforce: off }
            providers:
              vllm: { kind: openai, base_url: http://localhost:8000/v1 }
              openai: { kind: openai, base_url: https://api.openai.com/v1 }
            deployments:
              llama: { provider: vllm, model: llama }
              gpt: { provider: openai, model: gpt-4o, hosting: external }
            routes:
              inside: { deployments: [llama] }
              shadowed: { deployments: [llama], shadow: { deployment: gpt } }
            """, "s.yaml", _ => null).Config!;
        using var table = new RouteTable(config, TimeProvider.System);

        Assert.True(table.TryGetRoute("inside", out var inside));
        Assert.True(table.TryGetRoute("shadowed", out var shadowed));
        Assert.False(inside.HasExternal);
        Assert.True(shadowed.HasExternal);
    }

    private SqliteShadowStore Store() => new(new SqliteStoreOptions { Path = Path.Combine(_directory, "shadow.db") }, TimeProvider.System);

    /// <summary>A strong (skill 1) and a weak (skill 0) model, answering at once, with no prompt cache (so the same request twice is answered alike).</summary>
    internal static SimulatorOptions Models()
    {
        static SimulatedModel Model(string name, double skill) => new()
        {
            Name = name,
            TimeToFirstToken = TimeSpan.FromMilliseconds(1),
            TokensPerSecond = 50_000,
            Skill = ImmutableDictionary.CreateRange(PromptKinds.All.Select(k => KeyValuePair.Create(k, skill))),
            ContextWindow = 128_000,
        };

        return new SimulatorOptions { Models = [Model("strong", 1), Model("weak", 0)] };
    }

    private static async Task<(string Body, TimeSpan Elapsed)> AskAsync(TieredGateway gateway, string route, string question, bool stream)
    {
        var watch = Stopwatch.StartNew();
        using var response = await gateway.PostAsync(TieredGateway.Chat(route, question, stream ? "\"stream\":true" : null));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return (body, watch.Elapsed);
    }

    /// <summary>The body less what differs between two answers to the same request by design: the response's id and its creation second.</summary>
    private static string Normalise(string body) => CreatedOrId().Replace(body, "");

    [GeneratedRegex("\"(id|created)\":(\"[^\"]*\"|\\d+),?")]
    private static partial Regex CreatedOrId();
}
