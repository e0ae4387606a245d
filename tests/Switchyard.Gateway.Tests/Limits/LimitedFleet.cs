using System.Net;
using System.Text;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Gateway.Tests.Limits;

/// <summary>
/// Gateways (one or more, in this process, each on its own port) in front of one simulator, sharing one key store and the
/// <c>limits:</c> and <c>cache:</c> sections the test gives: instances of one fleet.
/// </summary>
internal sealed class LimitedFleet : IAsyncDisposable
{
    private readonly string _directory;
    private readonly SqliteKeyStore _keys;
    private readonly SimulatorHost _simulator;
    private readonly List<GatewayHost> _gateways = [];
    private readonly List<HttpClient> _clients = [];
    private string _yaml = "";

    private LimitedFleet(string directory, SqliteKeyStore keys, SimulatorHost simulator)
    {
        _directory = directory;
        _keys = keys;
        _simulator = simulator;
    }

    public IReadOnlyList<GatewayHost> Gateways => _gateways;

    /// <summary>Each instance's request log.</summary>
    public List<Functional.MemoryRequestLogStore> Logs { get; } = [];

    /// <summary>Starts <paramref name="instances"/> gateways whose configuration ends with <paramref name="sections"/> (limits, cache, teams, routes' cache).</summary>
    public static async Task<LimitedFleet> StartAsync(int instances, string sections, string routes = "chat: { deployments: [llama] }", GatewayHostOptions? options = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var keys = new SqliteKeyStore(new SqliteStoreOptions { Path = Path.Combine(directory, "keys.db") }, TimeProvider.System);
        var simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
        var fleet = new LimitedFleet(directory, keys, simulator);
        fleet._yaml = $$"""
            server: { listen: "http://127.0.0.1:0" }
            request_log: { flush_interval: 20ms }
            auth: { keys: required }
            metrics: { require_key: false }
            registry: { enforce: off }
            providers:
              sim: { kind: openai, base_url: "{{new Uri(simulator.BaseAddress, "v1")}}" }
            deployments:
              llama: { provider: sim, model: llama, pricing: { input: 1, output: 1 } }
              gpt: { provider: sim, model: gpt, hosting: external, pricing: { input: 10, output: 30 } }
            routes:
              {{routes}}
            {{sections}}
            """;
        for (var i = 0; i < instances; i++)
        {
            await fleet.AddAsync(options);
        }

        return fleet;
    }

    /// <summary>
    /// Waits until an instance has finished every request it took: limits and budgets are settled as a request ends, a
    /// moment after the client has read its last byte.
    /// </summary>
    public Task SettledAsync(int instance) => _gateways[instance].FlushRequestLogAsync();

    /// <summary>Starts one more instance of the fleet.</summary>
    public async Task<GatewayHost> AddAsync(GatewayHostOptions? options = null)
    {
        var config = ConfigLoader.Parse(_yaml, "fleet.yaml", _ => null);
        Assert.True(config.Succeeded, string.Join("\n", config.Errors) + "\n" + _yaml);
        var log = new Functional.MemoryRequestLogStore();
        var gateway = await GatewayHost.StartAsync(config.Config!, (options ?? new GatewayHostOptions()) with { KeyStore = _keys, RequestLogStore = log });
        Logs.Add(log);
        _gateways.Add(gateway);
        _clients.Add(new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/"), Timeout = TimeSpan.FromSeconds(30) });
        return gateway;
    }

    /// <summary>A key of <paramref name="team"/>, with its own requests per minute when given.</summary>
    public string Key(string team = "team-a", int? rpm = null, bool confidential = false)
    {
        var (key, id, hash) = ApiKeys.Generate();
        Assert.True(_keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = team, RequestsPerMinute = rpm, Confidential = confidential, Created = DateTimeOffset.UtcNow }));
        return key;
    }

    /// <summary>A chat completion through instance <paramref name="instance"/>.</summary>
    public async Task<HttpResponseMessage> PostAsync(int instance, string key, string? json = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
        {
            Content = new StringContent(json ?? """{"model":"chat","messages":[{"role":"user","content":"Hello"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await _clients[instance].SendAsync(request);
    }

    /// <summary>Instance <paramref name="instance"/>'s <c>/metrics</c> page.</summary>
    public Task<string> MetricsAsync(int instance) => _clients[instance].GetStringAsync(_gateways[instance].MetricsUrl);

    /// <summary>Sends requests (bounded) until one answers <paramref name="status"/> with the limits header as <paramref name="degraded"/> says.</summary>
    public async Task<HttpResponseMessage> UntilAsync(int instance, string key, HttpStatusCode status, bool degraded, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var response = await PostAsync(instance, key);
            if (response.StatusCode == status && response.Headers.Contains("x-switchyard-limits") == degraded)
            {
                return response;
            }

            response.Dispose();
            Assert.True(DateTime.UtcNow < deadline, $"no {(int)status} {(degraded ? "with" : "without")} x-switchyard-limits within {within}");
            // The request itself waits for an answer; the gateway asks a failed Redis again once a second.
            await Task.Delay(50);
        }
    }

    /// <summary>The limits counted in the fleet keep to clock minutes: a test that straddled one would see two windows.</summary>
    public static async Task AwayFromAMinuteBoundaryAsync()
    {
        var second = DateTimeOffset.UtcNow.Second;
        if (second >= 45)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - second));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        await _simulator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
