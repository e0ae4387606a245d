using Switchyard.Gateway.Tests.Routing;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Gateway.Tests.Shadow;

/// <summary>Shadow traffic of several gateway instances on one PostgreSQL: their comparisons in one table, their counters added up.</summary>
public sealed class PostgresShadowTrafficTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly PostgresHarness _store = new();

    public Task InitializeAsync() => _store.InitializeAsync();

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [StoreFact]
    public async Task TwoInstances_StoreEveryComparisonInOneTable_AndTheDaysCountersAddUp()
    {
        var routes = $$"""
            {{_store.StorageYaml}}
            deployments:
              incumbent: { provider: internal, model: strong, pricing: { input: 2, output: 8 } }
              candidate: { provider: internal, model: weak, pricing: { input: 0.1, output: 0.2 } }
            routes:
              chat: { deployments: [incumbent], shadow: { deployment: candidate, share: 1, seed: 7 } }
            """;
        await using var first = await TieredGateway.StartAsync(routes, ShadowTrafficTests.Models());
        await using var second = await TieredGateway.StartAsync(routes, ShadowTrafficTests.Models());
        string[] questions = ["How do I reset my password?", "What are your opening hours?", "Can I return a sofa?", "Do you deliver to Norway?", "Is the sofa in stock?"];

        for (var i = 0; i < questions.Length; i++)
        {
            using var response = await (i % 2 == 0 ? first : second).PostAsync(TieredGateway.Chat("chat", questions[i]));
            Assert.True(response.IsSuccessStatusCode);
        }

        await first.Gateway.Shadow.WhenIdleAsync().WaitAsync(Patience);
        await second.Gateway.Shadow.WhenIdleAsync().WaitAsync(Patience);
        await using var stores = await _store.OpenAsync();
        var stored = stores.Shadow.Query("chat", null);
        var counters = Assert.Single(stores.Shadow.Counters("chat", null));

        Assert.Equal(questions.Order(StringComparer.Ordinal), stored.Select(c => questions.Single(q => c.Request!.Contains(q, StringComparison.Ordinal))).Order(StringComparer.Ordinal));
        Assert.All(stored, c => Assert.Equal(("incumbent", "candidate", "incumbent"), (c.IncumbentDeployment, c.CandidateDeployment, c.Winner)));
        Assert.Equal((5L, 5L), (counters.Sampled, counters.Compared));
        // Each instance compared its own requests: the incumbent's call and the candidate's, on its own provider.
        Assert.Equal((6L, 4L), (first.Internal.Stats.ChatCompletionRequests, second.Internal.Stats.ChatCompletionRequests));
    }
}
