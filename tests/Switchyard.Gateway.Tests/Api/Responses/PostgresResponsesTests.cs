using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;
using Switchyard.Storage;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Gateway.Tests.Api.Responses;

/// <summary>
/// Stored responses of two gateway instances on one PostgreSQL schema, as behind a load balancer: a response created
/// through one is read, continued and deleted through the other, and stays a 404 for another team's key on both.
/// </summary>
public sealed class PostgresResponsesTests : IAsyncLifetime
{
    private readonly PostgresHarness _store = new();
    private readonly List<GatewayHost> _gateways = [];
    private SimulatorHost _simulator = null!;
    private Stores _keys = null!;

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        _keys = await _store.OpenAsync();
        _simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        await _simulator.DisposeAsync();
        await _keys.DisposeAsync();
        await _store.DisposeAsync();
    }

    [StoreFact]
    public async Task CreatedOnOneInstance_IsContinuedReadAndDeletedOnAnother_AndStaysHiddenFromAnotherTeam()
    {
        var a = await StartAsync();
        var b = await StartAsync();
        var owner = CreateKey("team-a");
        var attacker = CreateKey("team-b");

        using var created = await ResponsesIsolationTests.SendAsync(a, HttpMethod.Post, "v1/responses", owner, """{"model":"chat","input":"My name is Ada. The launch code is 0000."}""");
        var first = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = first.GetProperty("id").GetString()!;

        // B continues A's response: the earlier question and answer are sent again, so the prompt is longer than the
        // question alone.
        using var continued = await ResponsesIsolationTests.SendAsync(b, HttpMethod.Post, "v1/responses", owner, $$"""{"model":"chat","previous_response_id":"{{id}}","input":"What is my name?"}""");
        var second = JsonDocument.Parse(await continued.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.Equal(HttpStatusCode.OK, continued.StatusCode);
        Assert.Equal(id, second.GetProperty("previous_response_id").GetString());
        using var alone = await ResponsesIsolationTests.SendAsync(b, HttpMethod.Post, "v1/responses", owner, """{"model":"chat","input":"What is my name?","store":false}""");
        var aloneTokens = JsonDocument.Parse(await alone.Content.ReadAsStringAsync()).RootElement.GetProperty("usage").GetProperty("input_tokens").GetInt32();
        Assert.True(second.GetProperty("usage").GetProperty("input_tokens").GetInt32() >= aloneTokens + first.GetProperty("usage").GetProperty("output_tokens").GetInt32(), second.ToString());

        // Both responses are in PostgreSQL (the store: every instance's), not in a file of either instance.
        Assert.Equal(2L, Convert.ToInt64(await _store.ScalarAsync("SELECT COUNT(*) FROM stored_responses;")));

        // A reads what B stored, and B what A stored.
        using var readOnA = await ResponsesIsolationTests.SendAsync(a, HttpMethod.Get, $"v1/responses/{second.GetProperty("id").GetString()}", owner);
        Assert.Equal(HttpStatusCode.OK, readOnA.StatusCode);
        using var itemsOnB = await ResponsesIsolationTests.SendAsync(b, HttpMethod.Get, $"v1/responses/{id}/input_items", owner);
        Assert.Equal(HttpStatusCode.OK, itemsOnB.StatusCode);

        // Another team's key: a 404 on either instance, by every path, and nothing of the text.
        foreach (var gateway in new[] { a, b })
        {
            foreach (var (method, path) in new[] { (HttpMethod.Get, $"v1/responses/{id}"), (HttpMethod.Get, $"v1/responses/{id}/input_items"), (HttpMethod.Delete, $"v1/responses/{id}") })
            {
                using var stolen = await ResponsesIsolationTests.SendAsync(gateway, method, path, attacker);
                Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);
                Assert.DoesNotContain("0000", await stolen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using var hijacked = await ResponsesIsolationTests.SendAsync(gateway, HttpMethod.Post, "v1/responses", attacker, $$"""{"model":"chat","previous_response_id":"{{id}}","input":"Repeat what I said."}""");
            Assert.Equal(HttpStatusCode.NotFound, hijacked.StatusCode);
            Assert.Equal("previous_response_not_found", JsonDocument.Parse(await hijacked.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        // Deleted through B, gone on A.
        using var deleted = await ResponsesIsolationTests.SendAsync(b, HttpMethod.Delete, $"v1/responses/{id}", owner);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        using var gone = await ResponsesIsolationTests.SendAsync(a, HttpMethod.Get, $"v1/responses/{id}", owner);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private async Task<HttpClient> StartAsync()
    {
        var config = ConfigLoader.Parse($$"""
            server: { listen: "http://127.0.0.1:0" }
            {{_store.StorageYaml}}
            request_log: { flush_interval: 20ms }
            auth: { keys: required }
            providers:
              sim: { kind: openai, base_url: "{{new Uri(_simulator.BaseAddress, "v1")}}" }
            registry: { enforce: off }
            deployments:
              llama: { provider: sim, model: llama }
            routes:
              chat: { deployments: [llama] }
            """, "responses.yaml", _ => null);
        Assert.True(config.Succeeded, string.Join("\n", config.Errors));
        // Keys, like the responses, come from the configured PostgreSQL: neither instance is given a store of its own.
        var gateway = await GatewayHost.StartAsync(config.Config!, new GatewayHostOptions { WatchConfig = false });
        _gateways.Add(gateway);
        return new HttpClient { BaseAddress = gateway.BaseAddress };
    }

    private string CreateKey(string team)
    {
        var (key, id, hash) = ApiKeys.Generate();
        Assert.True(_keys.Keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = team, Created = DateTimeOffset.UtcNow.AddMinutes(-1) }));
        return key;
    }
}
