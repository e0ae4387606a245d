using System.Collections.Immutable;
using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Models;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Dashboard.Tests.Support;

/// <summary>
/// A gateway on 127.0.0.1:0 with its SQLite file, in front of a simulated provider: keys required, two teams, a route
/// whose first tier is down (every request fails over until its circuit opens), an open tier that is poor at medical
/// questions (they escalate to the frontier tier), budgets, and two registry models. What the dashboard is tested on.
/// </summary>
internal sealed class DashboardGateway : IAsyncDisposable
{
    private readonly string _directory;
    private readonly SqliteKeyStore _keys;

    private DashboardGateway(string directory, SimulatorHost simulator, GatewayHost gateway, SqliteKeyStore keys)
    {
        _directory = directory;
        Simulator = simulator;
        Gateway = gateway;
        _keys = keys;
        Client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        AuditorKey = CreateKey("ops", "auditor");
        SearchKey = CreateKey("search", null);
        SupportKey = CreateKey("support", null);
    }

    public SimulatorHost Simulator { get; }

    public GatewayHost Gateway { get; }

    public HttpClient Client { get; }

    /// <summary>The dashboard's address.</summary>
    public Uri DashboardUrl => new(Gateway.BaseAddress, "ui/");

    public string AuditorKey { get; }

    /// <summary>A client key of team <c>search</c>.</summary>
    public string SearchKey { get; }

    /// <summary>A client key of team <c>support</c>.</summary>
    public string SupportKey { get; }

    public static async Task<DashboardGateway> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var db = Path.Combine(directory, "switchyard.db");
        var simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Port = 0, Models = [Model("open-model", medical: 0), Model("strong", medical: 1)] });
        var loaded = ConfigLoader.Parse($$"""
            server: { listen: "http://127.0.0.1:0" }
            storage: { kind: sqlite, path: "{{db}}" }
            request_log: { flush_interval: 20ms }
            auth: { keys: required }
            registry: { enforce: off }
            providers:
              sim: { kind: openai, base_url: "{{new Uri(simulator.BaseAddress, "v1")}}" }
              down: { kind: openai, base_url: "http://127.0.0.1:{{ClosedPort()}}/v1" }
            deployments:
              llama-down: { provider: down, model: open-model, timeouts: { connect: 1s }, pricing: { input: 0.2, output: 0.2 } }
              llama: { provider: sim, model: open-model, pricing: { input: 0.2, output: 0.2 } }
              gpt: { provider: sim, model: strong, hosting: external, pricing: { input: 2.5, output: 10 } }
            routes:
              chat:
                quality: {}
                tiers:
                  - { name: primary, deployments: [llama-down] }
                  - { name: open, deployments: [llama] }
                  - { name: frontier, deployments: [gpt] }
            teams:
              search: {}
              support: {}
            budgets:
              daily: { limit: 5, per: day }
              support-monthly: { team: support, limit: 1, per: month, mode: soft }
            """, "dashboard.yaml", _ => null);
        if (!loaded.Succeeded)
        {
            throw new InvalidOperationException(string.Join("\n", loaded.Errors));
        }

        var keys = new SqliteKeyStore(new SqliteStoreOptions { Path = db }, TimeProvider.System);
        var gateway = await GatewayHost.StartAsync(loaded.Config!, new GatewayHostOptions { KeyStore = keys, BootstrapAdminKey = null });
        AddModels(db);
        return new DashboardGateway(directory, simulator, gateway, keys);
    }

    /// <summary>A new key of <paramref name="team"/> with <paramref name="role"/> (none: a client key).</summary>
    public string CreateKey(string team, string? role)
    {
        var (key, id, hash) = ApiKeys.Generate();
        if (!_keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = team, Role = role, Created = DateTimeOffset.UtcNow }))
        {
            throw new InvalidOperationException("A key id was drawn twice.");
        }

        return key;
    }

    /// <summary>Sends a chat request with <paramref name="key"/>; returns the status and the response's headers that say where it went.</summary>
    public async Task<(HttpStatusCode Status, string? Tier, bool Escalated, bool FailedOver)> ChatAsync(string key, string prompt, string? requestId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"chat","messages":[{"role":"user","content":{{JsonSerializer.Serialize(prompt)}}}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        if (requestId is not null)
        {
            request.Headers.TryAddWithoutValidation("x-request-id", requestId);
        }

        using var response = await Client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        string? Header(string name) => response.Headers.TryGetValues(name, out var values) ? values.First() : null;
        return (response.StatusCode, Header("x-switchyard-tier"), Header("x-switchyard-escalated") == "true", Header("x-switchyard-fallback-reason") is not null);
    }

    /// <summary>GETs an admin path with <paramref name="key"/> (the auditor's by default) and returns its JSON.</summary>
    public async Task<JsonElement> AdminAsync(string pathAndQuery, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + (key ?? AuditorKey));
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {pathAndQuery}: {(int)response.StatusCode} {text}");
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        await Simulator.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS temp cleaner gets what a failed test still held.
        }
    }

    private static SimulatedModel Model(string name, double medical) => new()
    {
        Name = name,
        TimeToFirstToken = TimeSpan.FromMilliseconds(5),
        TokensPerSecond = 5000,
        Skill = ImmutableDictionary.CreateRange(PromptKinds.All.Select(kind => KeyValuePair.Create(kind, kind == PromptKinds.Medical ? medical : 1.0))),
    };

    private static void AddModels(string db)
    {
        var models = new SqliteModelStore(new SqliteStoreOptions { Path = db }, TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        foreach (var (id, license, status) in new[] { ("olmo-2-7b", "apache-2.0", ModelStatus.Approved), ("mistral-mrl", "mrl", ModelStatus.Rejected) })
        {
            var added = models.Add(
                new ModelRecord
                {
                    Id = id, Name = id, LicenseId = license, Status = status, Created = now, Updated = now,
                    Scan = new ModelScan("switchyard-scan", now, "clean", 0, []),
                },
                new ModelDecision(now, "test", "registrant", "propose", status, status, "dashboard test"));
            if (!added)
            {
                throw new InvalidOperationException($"Could not add {id} to the registry.");
            }
        }
    }

    /// <summary>A loopback port where nothing listens (bound, then released).</summary>
    // Bound for the whole test run and never listening: a connection to the port is refused, and no other test's server
    // can take it (a port that was only probed and released could be given to the next Kestrel on port 0, which then
    // answered for the "dead" upstream under parallel load).
    private static readonly List<System.Net.Sockets.Socket> ReservedPorts = [];

    private static int ClosedPort()
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        lock (ReservedPorts)
        {
            ReservedPorts.Add(socket);
        }

        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
