using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Tests.Support;
using Switchyard.Simulator;
using Switchyard.Storage;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Models;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Gateway.Tests.Functional;

/// <summary>
/// A gateway on PostgreSQL, beside another instance's stores on the same schema: changes made elsewhere reach it at once
/// (its clock is frozen, so its one-second caches never expire by themselves), and an outage of PostgreSQL never stops it
/// serving.
/// </summary>
public sealed class PostgresGatewayTests : IAsyncLifetime
{
    private const string Chat = """{"model":"chat","messages":[{"role":"user","content":"Hi"}]}""";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly PostgresHarness _store = new();
    private SimulatorHost _simulator = null!;
    private Stores _elsewhere = null!;

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        // Another gateway instance's stores: what it writes, this test's gateway must hear of.
        _elsewhere = await _store.OpenAsync();
        _simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
    }

    public async Task DisposeAsync()
    {
        await _simulator.DisposeAsync();
        await _elsewhere.DisposeAsync();
        await _store.DisposeAsync();
    }

    [StoreFact]
    public async Task KeyRevokedOnAnotherInstance_IsRefusedAtOnce_NotWhenTheCacheExpires()
    {
        var (key, id) = CreateKey(_elsewhere.Keys);
        await using var gateway = await StartAsync(_store.StorageYaml, "auth: { keys: required }", new StillClock(DateTimeOffset.UtcNow));
        using var client = Client(gateway, key);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("v1/chat/completions", Json(Chat))).StatusCode);

        Assert.True(_elsewhere.Keys.Revoke(id, DateTimeOffset.UtcNow, "cli:elsewhere"));

        // The gateway's clock does not move: only the notification can drop the key it cached a moment ago.
        var refused = await UntilAsync(async () => (await client.PostAsync("v1/chat/completions", Json(Chat))).StatusCode == HttpStatusCode.Unauthorized);
        Assert.True(refused < TimeSpan.FromSeconds(1), $"refused after {refused.TotalMilliseconds:0} ms");
    }

    [StoreFact]
    public async Task ModelRevokedOnAnotherInstance_LeavesRoutingAtOnce()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var model in (string[])["llama-approved", "qwen-approved"])
        {
            Assert.True(_elsewhere.Models.Add(new ModelRecord { Id = model, Name = model, Status = ModelStatus.Approved, Created = now, Updated = now }, new ModelDecision(now, "test", "security", "approve", ModelStatus.Approved, ModelStatus.Approved, "test")));
        }

        await using var gateway = await StartAsync(_store.StorageYaml, "registry: { enforce: on }", new StillClock(now), """
            deployments:
              llama: { provider: sim, model: llama, registry_model: llama-approved }
              qwen: { provider: sim, model: qwen, registry_model: qwen-approved }
            routes:
              chat: { tiers: [ { name: first, deployments: [llama] }, { name: second, deployments: [qwen] } ] }
            """);
        using var client = Client(gateway, null);
        Assert.Equal("llama", await DeploymentAsync(client));

        var llama = _elsewhere.Models.Find("llama-approved")!;
        Assert.True(_elsewhere.Models.Update(llama with { Status = ModelStatus.Revoked }, new ModelDecision(now, "test", "security", "revoke", ModelStatus.Approved, ModelStatus.Revoked, "licence withdrawn")));

        // The registry gate's one-second timer never fires on this clock: only the notification reads the revocation.
        var withdrawn = await UntilAsync(async () => await DeploymentAsync(client) == "qwen");
        Assert.True(withdrawn < TimeSpan.FromSeconds(1), $"withdrawn after {withdrawn.TotalMilliseconds:0} ms");
    }

    [StoreFact]
    public async Task PostgresCutMidLoad_EveryRequestIsServed_AndItsRowReachesTheTableOnceItIsBack()
    {
        var server = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString);
        await using var proxy = new TcpProxy(server.Host!, server.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(_store.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;
        var spill = Path.Combine(_store.Folder, "gateway.spill");
        await using var gateway = await StartAsync($"storage: {{ kind: postgres, connection_string: \"{throughProxy}\", spill: {{ path: \"{spill}\" }} }}", "", TimeProvider.System);
        using var client = Client(gateway, null);

        await SendAsync(client, 20);
        await gateway.FlushRequestLogAsync();
        proxy.Cut();
        await SendAsync(client, 30);
        await gateway.FlushRequestLogAsync();
        var down = await HealthAsync(client);
        var metrics = await client.GetStringAsync("metrics");
        proxy.Restore();
        var back = await UntilAsync(async () => (await HealthAsync(client)).GetProperty("spill").GetProperty("pending_rows").GetInt64() == 0);

        Assert.Equal("degraded", down.GetProperty("status").GetString());
        Assert.Equal(("unavailable", 30L), (down.GetProperty("spill").GetProperty("postgres").GetString(), down.GetProperty("spill").GetProperty("pending_rows").GetInt64()));
        Assert.Contains("switchyard_request_log_spill_rows 30", metrics.Split('\n'));
        Assert.True(back < Patience);
        var after = await HealthAsync(client);
        Assert.Equal(("ok", 50L, 0L), (after.GetProperty("status").GetString(), after.GetProperty("written").GetInt64(), after.GetProperty("spill").GetProperty("lost").GetInt64()));
        Assert.Equal(50L, Convert.ToInt64(await _store.ScalarAsync("SELECT COUNT(DISTINCT request_id) FROM request_log;")));
        Assert.Equal(50L, Convert.ToInt64(await _store.ScalarAsync("SELECT COUNT(*) FROM request_log;")));
    }

    [StoreFact]
    public async Task BudgetSpentThroughOneInstance_IsWhereTheNextInstanceStarts()
    {
        const string Budget = "budgets:\n  daily: { limit: 10, per: day }";
        await using (var first = await StartAsync(_store.StorageYaml, Budget, TimeProvider.System))
        {
            using var client = Client(first, null);
            await SendAsync(client, 5);
            await first.FlushRequestLogAsync();
        }

        var spent = Convert.ToDouble(await _store.ScalarAsync("SELECT SUM(cost_usd) FROM request_log;"), System.Globalization.CultureInfo.InvariantCulture);
        await using var second = await StartAsync(_store.StorageYaml, Budget, TimeProvider.System);
        using var next = Client(second, null);
        var metrics = await next.GetStringAsync("metrics");

        Assert.True(spent > 0);
        var line = metrics.Split('\n').Single(l => l.StartsWith("switchyard_budget_spent_usd{budget=\"daily\"}", StringComparison.Ordinal));
        Assert.Equal(spent, double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture), 9);
        Assert.Contains("switchyard_store_listening 1", metrics.Split('\n'));
    }

    private async Task<GatewayHost> StartAsync(string storage, string extra, TimeProvider time, string? routes = null)
    {
        var yaml = $$"""
            server: { listen: "http://127.0.0.1:0" }
            {{storage}}
            request_log: { flush_interval: 20ms }
            {{extra}}
            providers:
              sim: { kind: openai, base_url: "{{new Uri(_simulator.BaseAddress, "v1")}}" }
            {{(routes is null ? "registry: { enforce: off }" : "")}}
            {{routes ?? """
            deployments:
              llama: { provider: sim, model: llama, pricing: { input: 1, output: 1 } }
            routes:
              chat: { deployments: [llama] }
            """}}
            """;
        var config = ConfigLoader.Parse(yaml, "postgres.yaml", _ => null);
        Assert.True(config.Succeeded, string.Join("\n", config.Errors));
        return await GatewayHost.StartAsync(config.Config!, new GatewayHostOptions { TimeProvider = time, WatchConfig = false });
    }

    private static (string Key, string Id) CreateKey(IKeyStore keys)
    {
        var (key, id, hash) = ApiKeys.Generate();
        Assert.True(keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = "search", Created = DateTimeOffset.UtcNow.AddMinutes(-1) }));
        return (key, id);
    }

    private static HttpClient Client(GatewayHost gateway, string? key)
    {
        var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task SendAsync(HttpClient client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", Json(Chat));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static async Task<string> DeploymentAsync(HttpClient client)
    {
        using var response = await client.PostAsync("v1/chat/completions", Json(Chat));
        return response.Headers.GetValues("x-switchyard-deployment").Single();
    }

    private static async Task<JsonElement> HealthAsync(HttpClient client)
        => JsonDocument.Parse(await client.GetStringAsync("healthz")).RootElement.GetProperty("request_log").Clone();

    // Asks until the answer is yes (a request is the signal: nothing to await on the gateway's side), for at most Patience.
    private static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(stopwatch.Elapsed < Patience, $"not within {Patience.TotalSeconds} s");
            await Task.Delay(10);
        }

        return stopwatch.Elapsed;
    }
}
