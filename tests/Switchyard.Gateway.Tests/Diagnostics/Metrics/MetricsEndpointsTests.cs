using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Tests.Functional;
using Switchyard.Simulator;
using Switchyard.Storage.Keys;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Gateway.Tests.Diagnostics.Metrics;

/// <summary>
/// <c>/metrics</c> end to end over sockets: a gateway in front of the simulator serves a mixed workload (answers, streams,
/// escalations, failovers until a circuit opens, a budget and a rate-limit refusal, an unknown model), and what the
/// exposition says equals what the request log says.
/// </summary>
public sealed class MetricsEndpointsTests : IAsyncLifetime
{
    private const string WeirdRoute = "we\"ird\\route";

    private static readonly SimulatorOptions Models = new()
    {
        Models = [Model("strong", 1), Model("weak", 0)],
    };

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));
    private SimulatorHost _simulator = null!;
    private SqliteKeyStore _keys = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _keys = new SqliteKeyStore(new SqliteStoreOptions { Path = Path.Combine(_directory, "keys.db") }, TimeProvider.System);
        _simulator = await SimulatorHost.StartAsync(Models with { Port = 0 });
    }

    public async Task DisposeAsync()
    {
        await _simulator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Metrics_AfterAMixedWorkload_EqualWhatTheRequestLogSays()
    {
        var (gateway, log) = await StartAsync("");
        await using var _ = gateway;
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };
        var teamA = Key("team-a");

        for (var i = 0; i < 5; i++)
        {
            await PostAsync(client, teamA, Chat("chat", $"What is the capital of country number {i}?"), HttpStatusCode.OK);
        }

        for (var i = 0; i < 3; i++)
        {
            await PostAsync(client, teamA, Chat("chat", "Tell me a story.", stream: true), HttpStatusCode.OK);
        }

        for (var i = 0; i < 3; i++)
        {
            // The open model fails every prompt: the quality gate sends each to the frontier.
            await PostAsync(client, teamA, Chat("gated", "Explain the weather in Lyon."), HttpStatusCode.OK);
        }

        for (var i = 0; i < 4; i++)
        {
            // 'broken' answers 503 three times, then its circuit opens and the fourth request passes it over.
            await PostAsync(client, teamA, Chat("failover", "hello"), HttpStatusCode.OK);
        }

        await PostAsync(client, teamA, Chat(WeirdRoute, "hello"), HttpStatusCode.OK);
        await PostAsync(client, teamA, Chat("no-such-model", "hello"), HttpStatusCode.NotFound);
        await PostAsync(client, Key("team-poor"), Chat("chat", "hello"), HttpStatusCode.TooManyRequests);
        await PostAsync(client, Key("team-tokens"), Chat("chat", "hello"), HttpStatusCode.TooManyRequests);

        await gateway.FlushRequestLogAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var entries = log.Entries;
        Assert.Equal(19, entries.Count);
        var page = await ScrapeAsync(gateway, Key("ops", role: "auditor"));

        // Requests: every row of the log, by route, tier, deployment and status class.
        Assert.Equal(entries.Count, page.Sum("switchyard_requests_total"));
        foreach (var group in entries.GroupBy(e => (Route: e.Route ?? "none", Tier: e.Tier ?? "none", Deployment: e.Deployment ?? "none", Class: $"{e.Status / 100}xx")))
        {
            Assert.Equal(group.Count(), page.Sum("switchyard_requests_total", ("route", group.Key.Route), ("tier", group.Key.Tier), ("deployment", group.Key.Deployment), ("status_class", group.Key.Class)));
        }

        Assert.Equal(entries.Count, page.Sum("switchyard_request_duration_seconds_count"));
        Assert.Equal(entries.Count(e => e.TimeToFirstTokenMs is not null), page.Sum("switchyard_time_to_first_token_seconds_count"));
        Assert.Equal(3, page.Sum("switchyard_time_to_first_token_seconds_count"));
        Assert.Equal(entries.Count(e => e.ErrorType == "model_not_found"), page.Sum("switchyard_request_errors_total", ("route", "none"), ("error", "model_not_found")));

        // Tokens and dollars, route by route, to the cent and closer.
        foreach (var route in entries.Select(e => e.Route).OfType<string>().Distinct())
        {
            var rows = entries.Where(e => e.Route == route).ToList();
            Assert.Equal(rows.Sum(e => e.InputTokens ?? 0), page.Sum("switchyard_tokens_total", ("route", route), ("type", "input")));
            Assert.Equal(rows.Sum(e => e.OutputTokens ?? 0), page.Sum("switchyard_tokens_total", ("route", route), ("type", "output")));
            AssertDollars(rows.Sum(e => e.CostUsd ?? 0), page.Sum("switchyard_cost_usd_total", ("route", route), ("kind", "answer")));
            AssertDollars(rows.Sum(e => e.EscalatedCostUsd ?? 0), page.Sum("switchyard_cost_usd_total", ("route", route), ("kind", "escalated")));
            AssertDollars(rows.Sum(e => e.ChecksCostUsd ?? 0), page.Sum("switchyard_cost_usd_total", ("route", route), ("kind", "checks")));
            AssertDollars(rows.Sum(e => e.FailedCostUsd ?? 0), page.Sum("switchyard_cost_usd_total", ("route", route), ("kind", "failed")));
            AssertDollars(rows.Sum(e => (e.CostUsd ?? 0) + (e.ExtraCostUsd ?? 0)), page.Sum("switchyard_cost_usd_total", ("route", route)));
            AssertDollars(rows.Sum(e => e.BaselineCostUsd ?? 0), page.Sum("switchyard_baseline_cost_usd_total", ("route", route)));
        }

        Assert.True(page.Sum("switchyard_cost_usd_total", ("route", "gated"), ("kind", "escalated")) > 0, "the turned-down answers cost something");

        // Each dollar under the deployment that spent it: the turned-down answers under the cheap deployment, as the
        // request log's cost parts file them.
        var parts = entries.SelectMany(e => e.CostParts ?? []).ToList();
        foreach (var spender in parts.Select(p => p.Deployment).Distinct())
        {
            AssertDollars(parts.Where(p => p.Deployment == spender && p.Kind == CostKind.Escalated).Sum(p => p.CostUsd ?? 0), page.Sum("switchyard_cost_usd_total", ("deployment", spender), ("kind", "escalated")));
        }
        AssertDollars(entries.Where(e => e.Team == "team-a").Sum(e => (e.CostUsd ?? 0) + (e.ExtraCostUsd ?? 0)), page.Sum("switchyard_cost_usd_total", ("team", "team-a")));

        // Escalations, fallbacks, the circuit that opened, the deployment it made the gateway pass over.
        Assert.Equal(3, entries.Count(e => e.EscalatedFrom is not null));
        Assert.Equal(entries.Count(e => e.EscalatedFrom is not null), page.Sum("switchyard_escalations_total", ("route", "gated")));
        Assert.Equal(4, entries.Count(e => e.FallbackReason is not null));
        Assert.Equal(3, page.Sum("switchyard_fallbacks_total", ("route", "failover"), ("reason", "server_error")));
        Assert.Equal(1, page.Sum("switchyard_fallbacks_total", ("route", "failover"), ("reason", "unavailable")));
        Assert.Equal(2, page.Sum("switchyard_circuit_state", ("deployment", "broken")));
        Assert.Equal(0, page.Sum("switchyard_circuit_state", ("deployment", "gpt")));
        Assert.Equal(1, page.Sum("switchyard_upstream_skips_total", ("deployment", "broken"), ("reason", "circuit_open")));
        Assert.Equal(3, page.Sum("switchyard_upstream_attempt_duration_seconds_count", ("deployment", "broken"), ("outcome", "server_error")));
        Assert.Equal(3, page.Sum("switchyard_upstream_attempt_duration_seconds_count", ("deployment", "llama"), ("outcome", "below_threshold")));

        // The refusals before any upstream call.
        Assert.Equal(1, entries.Count(e => e.ErrorType == "budget_exceeded"));
        Assert.Equal(1, page.Sum("switchyard_limit_rejections_total", ("kind", "budget"), ("team", "team-poor")));
        Assert.Equal(1, entries.Count(e => e.Status == 429 && e.ErrorType == "rate_limit_exceeded"));
        Assert.Equal(1, page.Sum("switchyard_limit_rejections_total", ("kind", "tpm"), ("team", "team-tokens")));
        Assert.Equal(1, page.Sum("switchyard_requests_total", ("outcome", "budget_exceeded")));
        Assert.Equal(1, page.Sum("switchyard_requests_total", ("outcome", "rate_limited")));

        // The route whose name needs escaping reads back as it is; the request log's queue wrote every row.
        Assert.Equal(1, page.Sum("switchyard_requests_total", ("route", WeirdRoute)));
        Assert.Equal(entries.Count, page.Sum("switchyard_request_log_written_total"));
        Assert.Equal(0, page.Sum("switchyard_request_log_dropped_total"));
        Assert.Equal(1, page.Sum("switchyard_build_info"));
    }

    [Fact]
    public async Task Metrics_WithKeysRequired_NeedAKeyThatReadsEveryTeam()
    {
        var (gateway, _) = await StartAsync("");
        await using var _ = gateway;
        using var client = new HttpClient();

        using var anonymous = await client.GetAsync(gateway.MetricsUrl);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("invalid_api_key", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var clientKey = await GetAsync(client, gateway.MetricsUrl!, Key("team-a"));
        Assert.Equal(HttpStatusCode.Forbidden, clientKey.StatusCode);

        foreach (var role in new[] { "admin", "operator", "auditor" })
        {
            using var allowed = await GetAsync(client, gateway.MetricsUrl!, Key("ops", role));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", allowed.Content.Headers.ContentType!.ToString());
        }

        using var legal = await GetAsync(client, gateway.MetricsUrl!, Key("ops", "legal"));
        Assert.Equal(HttpStatusCode.Forbidden, legal.StatusCode);
    }

    [Fact]
    public async Task Metrics_OnTheirOwnListener_AreServedThereOnly_AndThatPortServesNothingElse()
    {
        var (gateway, _) = await StartAsync("metrics: { listen: \"http://127.0.0.1:0\", path: /internal/metrics }");
        await using var _ = gateway;
        using var client = new HttpClient();

        Assert.NotEqual(gateway.BaseAddress.Port, gateway.MetricsUrl!.Port);
        Assert.Equal("/internal/metrics", gateway.MetricsUrl.AbsolutePath);
        using var scrape = await client.GetAsync(gateway.MetricsUrl);
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        PrometheusText.Parse(await scrape.Content.ReadAsByteArrayAsync());

        using var onMain = await client.GetAsync(new Uri(gateway.BaseAddress, "internal/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, onMain.StatusCode);
        using var api = await client.PostAsync(new Uri(gateway.MetricsUrl, "/v1/chat/completions"), new StringContent(Chat("chat", "hi"), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
    }

    [Fact]
    public async Task Metrics_Disabled_AreNotServed()
    {
        var (gateway, _) = await StartAsync("metrics: { enabled: false }");
        await using var _ = gateway;
        using var client = new HttpClient();

        Assert.Null(gateway.MetricsUrl);
        using var response = await GetAsync(client, new Uri(gateway.BaseAddress, "metrics"), Key("ops", "admin"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_AcrossConfigurationReloads_KeepTheirCountsAndCountTheReloads()
    {
        string Yaml(string routes) => $$"""
            server: { listen: "http://127.0.0.1:0" }
            request_log: { enabled: false }
            registry: { enforce: off }
            providers:
              sim: { kind: openai, base_url: "{{new Uri(_simulator.BaseAddress, "v1")}}" }
            deployments:
              a: { provider: sim, model: strong }
              b: { provider: sim, model: strong }
            routes:
              {{routes}}
            """;
        var path = Path.Combine(_directory, "switchyard.yaml");
        void Save(string yaml)
        {
            // Renamed over the file, as editors save: the watcher never reads half of it.
            File.WriteAllText(path + ".tmp", yaml);
            File.Move(path + ".tmp", path, overwrite: true);
        }

        Save(Yaml("chat: { deployments: [a] }"));
        await using var gateway = await GatewayHost.StartAsync(ConfigLoader.LoadOrThrow(path));
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };
        using (var before = await client.PostAsync("chat/completions", new StringContent(Chat("chat", "hi"), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        Save(Yaml("chat: { deployments: [a] }\n  extra: { deployments: [b] }"));
        _ = gateway.ReloadConfig();
        using (var after = await client.PostAsync("chat/completions", new StringContent(Chat("chat", "hi"), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }

        Save(Yaml("chat: { deployments: [nope] }"));
        Assert.False(gateway.ReloadConfig());
        using var http = new HttpClient();
        var page = PrometheusText.Parse(await http.GetByteArrayAsync(gateway.MetricsUrl));

        // The route kept its series through the reload: both requests are in one counter, which never went back.
        Assert.Equal(2, page.Sum("switchyard_requests_total", ("route", "chat"), ("deployment", "a"), ("outcome", "ok")));
        Assert.Equal(1, page.Sum("switchyard_config_reloads_total", ("result", "applied")));
        Assert.Equal(1, page.Sum("switchyard_config_reloads_total", ("result", "rejected")));
        Assert.Equal(1, page.Sum("switchyard_config_generation"));
        Assert.Equal(["a", "b"], page.Samples("switchyard_deployment_healthy").Select(s => s.Labels["deployment"]));
    }

    private static void AssertDollars(double expected, double actual)
    {
        Assert.Equal(Math.Round(expected, 2), Math.Round(actual, 2));
        Assert.True(Math.Abs(expected - actual) < 1e-7, $"expected ${expected}, the metrics say ${actual}");
    }

    private async Task<(GatewayHost Gateway, MemoryRequestLogStore Log)> StartAsync(string extra)
    {
        var result = ConfigLoader.Parse($$"""
            server: { listen: "http://127.0.0.1:0" }
            request_log: { flush_interval: 20ms }
            auth: { keys: required }
            registry: { enforce: off }
            providers:
              sim: { kind: openai, base_url: "{{new Uri(_simulator.BaseAddress, "v1")}}" }
            deployments:
              llama: { provider: sim, model: weak, pricing: { input: 0.5, output: 1.5 } }
              llama-good: { provider: sim, model: strong, pricing: { input: 0.5, output: 1.5 } }
              broken: { provider: sim, model: "strong@fault-unavailable", pricing: { input: 0.5, output: 1.5 }, circuit_breaker: { minimum_attempts: 3, failure_ratio: 0.5, window: 1m, break_for: 1m } }
              gpt: { provider: sim, model: strong, hosting: external, pricing: { input: 2.5, output: 10 } }
            routes:
              chat: { tiers: [ { name: open, deployments: [llama-good] }, { name: frontier, deployments: [gpt] } ] }
              gated: { quality: {}, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }
              failover: { tiers: [ { name: open, deployments: [broken] }, { name: frontier, deployments: [gpt] } ] }
              'we"ird\route': { deployments: [llama-good] }
            teams:
              team-a: { rpm: 1000 }
              team-poor: { rpm: 1000 }
              team-tokens: { tpm: 10 }
            budgets:
              poor: { team: team-poor, limit: 0.0000001 }
            {{extra}}
            """, "metrics-test.yaml", _ => null);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var log = new MemoryRequestLogStore();
        var gateway = await GatewayHost.StartAsync(result.Config!, new GatewayHostOptions { KeyStore = _keys, RequestLogStore = log, RandomSeed = 3 });
        return (gateway, log);
    }

    private string Key(string team, string? role = null)
    {
        var (key, id, hash) = ApiKeys.Generate();
        Assert.True(_keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = team, Role = role, Created = DateTimeOffset.UtcNow }));
        return key;
    }

    private static string Chat(string model, string prompt, bool stream = false)
        => $$"""{"model":{{System.Text.Json.JsonSerializer.Serialize(model)}},"messages":[{"role":"user","content":{{System.Text.Json.JsonSerializer.Serialize(prompt)}}}]{{(stream ? ",\"stream\":true" : "")}}}""";

    private static async Task PostAsync(HttpClient client, string key, string json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{json} answered {(int)response.StatusCode}: {body}");
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, Uri url, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client.SendAsync(request);
    }

    private static async Task<PrometheusText> ScrapeAsync(GatewayHost gateway, string key)
    {
        using var client = new HttpClient();
        using var response = await GetAsync(client, gateway.MetricsUrl!, key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PrometheusText.Parse(await response.Content.ReadAsByteArrayAsync());
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
