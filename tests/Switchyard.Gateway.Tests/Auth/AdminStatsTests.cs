using System.Net;
using System.Text.Json;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Tests.Functional;
using Switchyard.Simulator;
using Switchyard.Storage.Keys;
using Switchyard.Storage;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Gateway.Tests.Auth;

/// <summary>
/// The admin endpoints the dashboard reads (<c>/admin/whoami</c>, <c>/admin/stats</c>, <c>/admin/deployments</c>,
/// <c>/admin/budgets</c>, and <c>/admin/logs</c>' filters) on a real gateway and simulator, on either store.
/// </summary>
/// <remarks>Runs on both stores (<see cref="SqliteAdminStatsTests"/>, <see cref="PostgresAdminStatsTests"/>).</remarks>
public abstract class AdminStatsTests(StoreHarness store) : IAsyncLifetime
{
    private const string Chat = """{"model":"chat","messages":[{"role":"user","content":"Hi"}]}""";
    private const string Down = """{"model":"down","messages":[{"role":"user","content":"Hi"}]}""";

    private SimulatorHost _simulator = null!;
    private GatewayHost _gateway = null!;
    private Stores _stores = null!;
    private IKeyStore _keys = null!;
    private HttpClient _client = null!;
    private string _auditor = null!;

    public async Task InitializeAsync()
    {
        await store.InitializeAsync();
        _stores = await store.OpenAsync();
        _keys = _stores.Keys;
        _simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
        var config = ConfigLoader.Parse($$"""
            server: { listen: "http://127.0.0.1:0" }
            {{store.StorageYaml}}
            request_log: { flush_interval: 20ms }
            auth: { keys: required }
            providers:
              sim: { kind: openai, base_url: "{{new Uri(_simulator.BaseAddress, "v1")}}" }
              dead: { kind: openai, base_url: "http://127.0.0.1:{{TestGateway.ClosedPort()}}/v1" }
            registry: { enforce: off }
            deployments:
              llama: { provider: sim, model: llama, pricing: { input: 1, output: 1 }, circuit_breaker: { enabled: false } }
              gpt: { provider: sim, model: gpt, hosting: external, pricing: { input: 10, output: 30 } }
              gone: { provider: dead, model: llama, timeouts: { connect: 1s }, circuit_breaker: { minimum_attempts: 2 } }
            routes:
              chat: { tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }
              premium: { tiers: [ { name: frontier, deployments: [gpt] } ] }
              down: { deployments: [gone] }
            budgets:
              daily: { limit: 10, per: day }
              search-monthly: { team: search, limit: 2, per: month, mode: soft }
            """, "stats.yaml", _ => null);
        Assert.True(config.Succeeded, string.Join("\n", config.Errors));
        _gateway = await GatewayHost.StartAsync(config.Config!, new GatewayHostOptions { KeyStore = _keys });
        _client = new HttpClient { BaseAddress = _gateway.BaseAddress };
        _auditor = Create("ops", "auditor");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _simulator.DisposeAsync();
        await _stores.DisposeAsync();
        await store.DisposeAsync();
    }

    [StoreFact]
    public async Task Stats_Totals_AreTheCostsAndTheLogOfTheSameRequests()
    {
        var (search, support) = (Create("search", null), Create("support", null));
        for (var i = 0; i < 4; i++)
        {
            await SendAsync(HttpMethod.Post, "v1/chat/completions", search, Chat);
        }

        await SendAsync(HttpMethod.Post, "v1/chat/completions", support, Chat.Replace("\"chat\"", "\"premium\"", StringComparison.Ordinal));
        await SendAsync(HttpMethod.Post, "v1/chat/completions", support, Down);
        await _gateway.FlushRequestLogAsync();

        var stats = await GetJsonAsync("admin/stats?since=15m&step=10s");
        var costs = (await GetJsonAsync("admin/costs?days=1")).EnumerateArray().ToArray();
        var totals = stats.GetProperty("totals");

        Assert.Equal(6, totals.GetProperty("requests").GetInt32());
        Assert.Equal(5, totals.GetProperty("answered").GetInt32());
        Assert.Equal(1, totals.GetProperty("errors").GetInt32());
        Assert.Equal(costs.Sum(r => r.GetProperty("requests").GetInt32()), totals.GetProperty("requests").GetInt32());
        Assert.Equal(costs.Sum(r => r.GetProperty("spent_usd").GetDouble()), totals.GetProperty("spent_usd").GetDouble(), 1e-12);
        Assert.Equal(costs.Sum(r => r.GetProperty("baseline_cost_usd").GetDouble()), totals.GetProperty("baseline_cost_usd").GetDouble(), 1e-12);
        Assert.Equal(costs.Sum(r => r.GetProperty("saved_usd").GetDouble()), totals.GetProperty("saved_usd").GetDouble(), 1e-12);
        Assert.True(totals.GetProperty("saved_usd").GetDouble() > 0);
        Assert.Equal(0.8, totals.GetProperty("open_share").GetDouble());   // 4 of 5 answers from llama
        Assert.Equal(0, totals.GetProperty("escalation_rate").GetDouble());
        Assert.Equal(5, totals.GetProperty("latency_ms").GetProperty("count").GetInt32());

        // Series: one value per bucket; the requests of every tier add up to the total.
        var times = stats.GetProperty("times").EnumerateArray().Select(t => t.GetInt64()).ToArray();
        Assert.Equal(90, times.Length);
        Assert.Equal(90, stats.GetProperty("requests").GetArrayLength());
        Assert.Equal(90, stats.GetProperty("latency_ms").GetProperty("p95").GetArrayLength());
        Assert.Equal(["open", "frontier", "down"], stats.GetProperty("tiers").EnumerateArray().Select(t => t.GetProperty("tier").GetString()));
        Assert.Equal(6, stats.GetProperty("tiers").EnumerateArray().Sum(t => t.GetProperty("requests").EnumerateArray().Sum(v => v.GetInt32())));
        Assert.Equal(4, stats.GetProperty("hosting").GetProperty("self-hosted").EnumerateArray().Sum(v => v.GetInt32()));
        Assert.Equal(["gone", "gpt", "llama"], stats.GetProperty("deployments").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
    }

    [StoreFact]
    public async Task Stats_Buckets_AreAlignedToTheStep_AndTheLastHoldsNow()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var stats = await GetJsonAsync("admin/stats?since=1h&step=1m");
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var times = stats.GetProperty("times").EnumerateArray().Select(t => t.GetInt64()).ToArray();
        Assert.Equal(60, times.Length);
        Assert.All(times, t => Assert.Equal(0, t % 60_000));
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.Equal(60_000, pair.Second - pair.First));
        Assert.InRange(times[^1], before - (before % 60_000), after);
        Assert.Equal(60, stats.GetProperty("window").GetProperty("step_seconds").GetDouble());
        Assert.Equal(JsonValueKind.Null, stats.GetProperty("totals").GetProperty("open_share").ValueKind);
        Assert.Equal(JsonValueKind.Null, stats.GetProperty("totals").GetProperty("latency_ms").GetProperty("p50").ValueKind);
    }

    [StoreTheory]
    [InlineData("since=abc", "since", "'abc' is not a duration")]
    [InlineData("since=30s", "since", "is outside 1m to 744h")]
    [InlineData("step=500ms", "step", "is not a whole number of seconds")]
    [InlineData("since=24h&step=1s", "step", "is 86400 buckets; at most 1440: use step=1m or more")]
    public async Task Stats_BadWindow_Is400NamingTheParameterAndWhatToWrite(string query, string param, string message)
    {
        using var response = await SendAsync(HttpMethod.Get, "admin/stats?" + query, _auditor);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [StoreTheory]
    [InlineData("admin/stats")]
    [InlineData("admin/deployments")]
    public async Task DashboardReads_ClientAndRegistryKeys_AreRefused(string path)
    {
        foreach (var (team, role) in new[] { ("search", (string?)null), ("gov", "legal"), ("gov", "security") })
        {
            using var response = await SendAsync(HttpMethod.Get, path, Create(team, role));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("need an admin, operator or auditor key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var anonymous = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        foreach (var role in new[] { "admin", "operator", "auditor" })
        {
            using var allowed = await SendAsync(HttpMethod.Get, path, Create("ops", role));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
    }

    [StoreTheory]
    [InlineData("search", null, "team")]
    [InlineData("ops", "auditor", "everything")]
    [InlineData("ops", "operator", "everything")]
    [InlineData("gov", "legal", "registry")]
    public async Task WhoAmI_SaysTheKeysRoleTeamAndWhatItReads(string team, string? role, string reads)
    {
        var key = Create(team, role);

        var who = await GetJsonAsync("admin/whoami", key);

        Assert.Equal(key[..13], who.GetProperty("actor").GetString());
        Assert.Equal(role, who.GetProperty("role").GetString());
        Assert.Equal(team, who.GetProperty("team").GetString());
        Assert.Equal(reads, who.GetProperty("reads").GetString());
    }

    [StoreFact]
    public async Task Logs_FilterByStatusAndEscalation_AndShowWhereEachRequestWent()
    {
        var key = Create("search", null);
        await SendAsync(HttpMethod.Post, "v1/chat/completions", key, Chat);
        await SendAsync(HttpMethod.Post, "v1/chat/completions", key, Down);
        await _gateway.FlushRequestLogAsync();

        var errors = await GetJsonAsync("admin/logs?status=errors");
        var ok = await GetJsonAsync("admin/logs?status=200");
        var escalated = await GetJsonAsync("admin/logs?escalated=true");

        Assert.Equal([502], errors.EnumerateArray().Select(e => e.GetProperty("status").GetInt32()));
        Assert.Contains("gone", errors[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        var answered = Assert.Single(ok.EnumerateArray());
        Assert.Equal("open", answered.GetProperty("tier").GetString());
        Assert.Equal("chat.completions", answered.GetProperty("endpoint").GetString());
        Assert.True(answered.GetProperty("output_tokens").GetInt32() > 0);
        Assert.Equal(JsonValueKind.Null, answered.GetProperty("escalated_from").ValueKind);
        Assert.Equal(0, escalated.GetArrayLength());
        foreach (var (query, param) in new[] { ("status=bad", "status"), ("status=99", "status"), ("escalated=maybe", "escalated") })
        {
            using var response = await SendAsync(HttpMethod.Get, "admin/logs?" + query, _auditor);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(param, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("param").GetString());
        }
    }

    [StoreFact]
    public async Task Deployments_ShowCircuitsHostingAndTiers()
    {
        var key = Create("search", null);
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(HttpMethod.Post, "v1/chat/completions", key, Down);
        }

        var deployments = (await GetJsonAsync("admin/deployments")).EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);

        Assert.Equal("open", deployments["gone"].GetProperty("circuit").GetString());
        Assert.Equal("off", deployments["llama"].GetProperty("circuit").GetString());
        Assert.Equal("closed", deployments["gpt"].GetProperty("circuit").GetString());
        Assert.Equal("external", deployments["gpt"].GetProperty("hosting").GetString());
        Assert.Equal(["chat/frontier", "premium/frontier"], deployments["gpt"].GetProperty("tiers").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("unchecked", deployments["llama"].GetProperty("health").GetString());
        Assert.False(deployments["llama"].GetProperty("withdrawn").GetBoolean());
    }

    [StoreFact]
    public async Task Budgets_ShowWhatEachWindowSpentAgainstItsLimit()
    {
        var key = Create("search", null);
        await SendAsync(HttpMethod.Post, "v1/chat/completions", key, Chat);
        await _gateway.FlushRequestLogAsync();
        var spent = (await GetJsonAsync("admin/costs?days=1")).EnumerateArray().Sum(r => r.GetProperty("spent_usd").GetDouble());

        var budgets = (await GetJsonAsync("admin/budgets")).EnumerateArray().ToArray();

        Assert.Equal(["daily", "search-monthly"], budgets.Select(b => b.GetProperty("name").GetString()));
        Assert.All(budgets, b => Assert.Equal(spent, b.GetProperty("spent_usd").GetDouble(), 1e-9));
        Assert.Equal((10.0, "day", "hard"), (budgets[0].GetProperty("limit_usd").GetDouble(), budgets[0].GetProperty("per").GetString(), budgets[0].GetProperty("mode").GetString()));
        Assert.Equal(("search", "month", "soft"), (budgets[1].GetProperty("team").GetString(), budgets[1].GetProperty("per").GetString(), budgets[1].GetProperty("mode").GetString()));
        Assert.True(DateTimeOffset.Parse(budgets[0].GetProperty("resets_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
    }

    [StoreFact]
    public void EscalationReasons_CountEachCheck_AndTheEscalationsWithoutARecord()
    {
        var reasons = Admin.AdminEndpoints.EscalationReasons([("refusal", 3), ("refusal,truncated", 1), (null, 2)], escalated: 8);

        Assert.Equal([("refusal", 4L), ("not recorded", 2L), ("score below threshold", 2L), ("truncated", 1L)], reasons);
    }

    private string Create(string team, string? role)
    {
        var (key, id, hash) = ApiKeys.Generate();
        Assert.True(_keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = team, Role = role, Created = DateTimeOffset.UtcNow }));
        return key;
    }

    private async Task<JsonElement> GetJsonAsync(string path, string? key = null)
    {
        using var response = await SendAsync(HttpMethod.Get, path, key ?? _auditor);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        return await _client.SendAsync(request);
    }
}
