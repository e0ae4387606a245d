using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Cli.Commands;
using Switchyard.Gateway;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Tests.Commands;

public sealed partial class CostsCommandTests
{
    /// <summary>
    /// Real traffic through a real gateway (streams and not, an escalation past a turned-down answer, a failover after a
    /// stream cut mid-way, a stream cut after the client had part of it), from two teams' keys: what the responses said
    /// each request cost (<c>x-switchyard-cost</c>, or a stream's cost comment), what the request log holds and what
    /// <c>switchyard costs</c> reports agree to the cent, in total and by route, tier, deployment, team and day.
    /// </summary>
    [Fact]
    public async Task Costs_OfRealTraffic_AgreeWithTheResponsesAndTheLogToTheCent()
    {
        SimulatedModel Model(string name, double skill) => new()
        {
            Name = name,
            TimeToFirstToken = TimeSpan.Zero,
            TokensPerSecond = double.PositiveInfinity,
            Skill = ImmutableDictionary.CreateRange(PromptKinds.All.Select(k => KeyValuePair.Create(k, skill))),
            ContextWindow = 128_000,
        };
        var models = new SimulatorOptions { Models = [Model("strong", 1), Model("weak", 0)], Port = 0 };
        await using var inside = await SimulatorHost.StartAsync(models);
        await using var outside = await SimulatorHost.StartAsync(models);
        var keys = new Dictionary<string, string>
        {
            ["search"] = await CreateKeyAsync("search"),
            ["support"] = await CreateKeyAsync("support"),
        };
        var loaded = ConfigLoader.Parse($$"""
            server: { listen: "http://127.0.0.1:0" }
            storage: { kind: sqlite, path: "{{DatabasePath}}" }
            request_log: { flush_interval: 20ms }
            auth: { keys: required }
            registry: { enforce: off }
            providers:
              internal: { kind: openai, base_url: "{{new Uri(inside.BaseAddress, "v1")}}" }
              external: { kind: openai, base_url: "{{new Uri(outside.BaseAddress, "v1")}}" }
            deployments:
              llama: { provider: internal, model: strong, pricing: { gpu_hour: 2.5, tokens_per_second: 2500, utilisation: 0.6 } }
              llama-weak: { provider: internal, model: weak, pricing: { input: 0.2, output: 0.4 } }
              llama-cut: { provider: internal, model: strong@fault-cut_after_first_chunk, circuit_breaker: { enabled: false }, pricing: { input: 0.3, output: 0.6 } }
              gpt: { provider: external, model: strong, hosting: external, pricing: { input: 2.5, output: 10 } }
            routes:
              chat: { tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ] }
              gated: { quality: { streaming: buffer }, tiers: [ { name: cheap, deployments: [llama-weak] }, { name: frontier, deployments: [gpt] } ] }
              flaky: { quality: { streaming: buffer }, tiers: [ { name: cheap, deployments: [llama-cut] }, { name: frontier, deployments: [gpt] } ] }
              broken: { tiers: [ { name: cheap, deployments: [llama-cut] } ] }
            """, "e2e.yaml", _ => null);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        await using var gateway = await GatewayHost.StartAsync(loaded.Config!, new GatewayHostOptions());
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/"), Timeout = TimeSpan.FromSeconds(30) };

        // route, stream: every combination from both teams; the broken route only streams (its answer breaks mid-way).
        (string Route, bool Stream)[] plan = [("chat", false), ("chat", true), ("gated", false), ("gated", true), ("flaky", false), ("flaky", true), ("broken", true)];
        var said = 0.0;
        var requests = 0;
        foreach (var (team, key) in keys)
        {
            foreach (var (route, stream) in plan)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
                {
                    Content = new StringContent($$"""{"model":"{{route}}","messages":[{"role":"user","content":"Tell {{team}} about the weather in Lyon."}],"stream":{{(stream ? "true" : "false")}}}""", Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new("Bearer", key);
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                var cost = response.Headers.TryGetValues("x-switchyard-cost", out var values) ? values.Single() : StreamCost(body);
                Assert.True(cost is not null, $"{route} (stream: {stream}) said nothing of its cost: {response.StatusCode} {body}");
                said += double.Parse(cost!, CultureInfo.InvariantCulture);
                requests++;
            }
        }

        await gateway.FlushRequestLogAsync();
        IReadOnlyList<RequestLogEntry> entries;
        await using (var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = DatabasePath }, TimeProvider.System))
        {
            entries = await store.QueryAsync(new RequestLogQuery { Limit = 1000 }, CancellationToken.None);
        }

        Assert.Equal(requests, entries.Count);
        // The traffic had every kind of cost: turned-down answers, failed calls (estimated), the answers.
        Assert.Contains(entries, e => e.EscalatedCostUsd > 0);
        Assert.Contains(entries, e => e.FailedCostUsd > 0 && e.Status == 200);
        Assert.Contains(entries, e => e.FailedCostUsd > 0 && e.Status == 502);
        var logged = entries.Sum(e => (e.CostUsd ?? 0) + (e.ExtraCostUsd ?? 0));
        Assert.Equal(Math.Round(said, 2), Math.Round(logged, 2));
        Assert.Equal(said, logged, 7);

        // The log's own sums per group: a request's answer under its row's deployment and tier, each other call under its own.
        var spenders = entries.SelectMany(e => (IEnumerable<(RequestLogEntry Entry, string? Deployment, string? Tier, double Cost)>)
            [(e, e.Deployment, e.Tier, e.CostUsd ?? 0), .. (e.CostParts ?? []).Select(p => (e, (string?)p.Deployment, p.Tier, p.CostUsd ?? 0))]).ToArray();
        Assert.Equal(logged, spenders.Sum(s => s.Cost), 9);
        var dimensions = new Dictionary<string, Func<(RequestLogEntry Entry, string? Deployment, string? Tier, double Cost), string?>>
        {
            ["route"] = s => s.Entry.Route,
            ["tier"] = s => s.Tier,
            ["deployment"] = s => s.Deployment,
            ["team"] = s => s.Entry.Team,
            ["day"] = s => s.Entry.Timestamp.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        foreach (var (dimension, keyOf) in dimensions)
        {
            var fromLog = spenders.GroupBy(s => keyOf(s) ?? "-").ToDictionary(g => g.Key, g => g.Sum(s => s.Cost));
            var (exit, output, error) = await InvokeAsync("costs", "--db", DatabasePath, "--by", dimension, "--format", "json", "--since", "1d");
            Assert.True(exit == 0, error);
            var reported = JsonDocument.Parse(output).RootElement.EnumerateArray().ToDictionary(r => r.GetProperty(dimension).GetString()!, r => r.GetProperty("spent_usd").GetDouble());
            Assert.Equal(fromLog.Keys.Order(StringComparer.Ordinal), reported.Keys.Order(StringComparer.Ordinal));
            foreach (var (group, cost) in fromLog)
            {
                Assert.True(Math.Round(cost, 2) == Math.Round(reported[group], 2) && Math.Abs(cost - reported[group]) < 1e-9, $"{dimension} {group}: log {cost}, report {reported[group]}");
            }

            Assert.Equal(said, reported.Values.Sum(), 7);
        }
    }

    private async Task<string> CreateKeyAsync(string team)
    {
        var root = new RootCommand { KeysCommand.Create() };
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        Assert.True(await root.Parse(["keys", "create", "--db", DatabasePath, "--team", team]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }) == 0, error.ToString());
        return output.ToString().Trim();
    }

    /// <summary>The cost an event stream carries in its <c>: x-switchyard-cost: N</c> comment, if it has one.</summary>
    private static string? StreamCost(string body)
    {
        const string Prefix = ": x-switchyard-cost: ";
        var at = body.IndexOf(Prefix, StringComparison.Ordinal);
        return at < 0 ? null : body[(at + Prefix.Length)..body.IndexOf('\n', at)];
    }
}
