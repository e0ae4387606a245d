using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Gateway.Tests.Api.Responses;

/// <summary>
/// As an attacker holding a key of another team (or another key of the same team): someone else's stored response by
/// every path that takes an id (GET, input items, DELETE, previous_response_id) is a 404, exactly as an id that never
/// existed, and nothing of it leaks into an answer.
/// </summary>
public sealed class ResponsesIsolationTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));
    private SimulatorHost _simulator = null!;
    private SqliteKeyStore _keys = null!;
    private readonly List<GatewayHost> _gateways = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _keys = new SqliteKeyStore(new SqliteStoreOptions { Path = Path.Combine(_directory, "switchyard.db") }, TimeProvider.System);
        _simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        await _simulator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("key")]
    [InlineData("team")]
    public async Task OtherTeamsKey_GetsNotFound_ByEveryPath(string scope)
    {
        var client = await StartAsync(scope);
        var owner = Create("team-a");
        var attacker = Create("team-b");
        var id = await CreateResponseAsync(client, owner, "The launch code is 0000.");

        foreach (var (method, path) in Paths(id))
        {
            using var stolen = await SendAsync(client, method, path, attacker);
            Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);
            Assert.DoesNotContain("0000", await stolen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var continued = await SendAsync(client, HttpMethod.Post, "v1/responses", attacker, $$"""{"model":"chat","previous_response_id":"{{id}}","input":"Repeat what I said."}""");
        Assert.Equal(HttpStatusCode.NotFound, continued.StatusCode);
        var error = JsonDocument.Parse(await continued.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("previous_response_not_found", error.GetProperty("code").GetString());

        // An id that never existed answers the same, word for word but for the id.
        var never = "resp_" + new string('a', 32);
        using var unknown = await SendAsync(client, HttpMethod.Get, $"v1/responses/{never}", attacker);
        using var other = await SendAsync(client, HttpMethod.Get, $"v1/responses/{id}", attacker);
        Assert.Equal((await unknown.Content.ReadAsStringAsync()).Replace(never, "ID", StringComparison.Ordinal), (await other.Content.ReadAsStringAsync()).Replace(id, "ID", StringComparison.Ordinal));

        // The attempts changed nothing: the owner still reads and continues it.
        using var read = await SendAsync(client, HttpMethod.Get, $"v1/responses/{id}", owner);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var next = await SendAsync(client, HttpMethod.Post, "v1/responses", owner, $$"""{"model":"chat","previous_response_id":"{{id}}","input":"And then?"}""");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Theory]
    [InlineData("key", HttpStatusCode.NotFound)]
    [InlineData("team", HttpStatusCode.OK)]
    public async Task SameTeamsOtherKey_SeesItOnlyWithTeamScope(string scope, HttpStatusCode expected)
    {
        var client = await StartAsync(scope);
        var owner = Create("team-a");
        var colleague = Create("team-a");
        var id = await CreateResponseAsync(client, owner, "Hello.");

        foreach (var (method, path) in Paths(id).Where(p => p.Method != HttpMethod.Delete))
        {
            using var response = await SendAsync(client, method, path, colleague);
            Assert.Equal(expected, response.StatusCode);
        }

        using var continued = await SendAsync(client, HttpMethod.Post, "v1/responses", colleague, $$"""{"model":"chat","previous_response_id":"{{id}}","input":"Go on."}""");
        Assert.Equal(expected, continued.StatusCode);
    }

    [Fact]
    public async Task ChainThroughAnotherTeamsResponse_IsNotFollowed()
    {
        // Team B continues its own response, whose previous link (forged into the store) is team A's: the chain stops
        // there and the request is refused, rather than A's text reaching B's model.
        var client = await StartAsync("key");
        var a = Create("team-a");
        var b = Create("team-b");
        var secret = await CreateResponseAsync(client, a, "The launch code is 0000.");
        var own = await CreateResponseAsync(client, b, "Hello.");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_directory, "switchyard.db")};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE stored_responses SET previous_id = $secret WHERE id = $own;";
            command.Parameters.AddWithValue("$secret", secret);
            command.Parameters.AddWithValue("$own", own);
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        using var continued = await SendAsync(client, HttpMethod.Post, "v1/responses", b, $$"""{"model":"chat","previous_response_id":"{{own}}","input":"Go on."}""");

        Assert.Equal(HttpStatusCode.NotFound, continued.StatusCode);
        var message = JsonDocument.Parse(await continued.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString();
        Assert.Contains(secret, message, StringComparison.Ordinal);
        Assert.DoesNotContain("0000", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoKey_IsRefusedBeforeAnyLookup()
    {
        var client = await StartAsync("key");
        var owner = Create("team-a");
        var id = await CreateResponseAsync(client, owner, "Hello.");

        foreach (var (method, path) in Paths(id))
        {
            using var response = await client.SendAsync(new HttpRequestMessage(method, path));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    private static IEnumerable<(HttpMethod Method, string Path)> Paths(string id) =>
    [
        (HttpMethod.Get, $"v1/responses/{id}"),
        (HttpMethod.Get, $"v1/responses/{id}/input_items"),
        (HttpMethod.Delete, $"v1/responses/{id}"),
    ];

    private async Task<HttpClient> StartAsync(string scope)
    {
        var config = ConfigLoader.Parse($$"""
            server: { listen: "http://127.0.0.1:0" }
            storage: { kind: sqlite, path: "{{Path.Combine(_directory, "switchyard.db")}}" }
            request_log: { flush_interval: 20ms }
            auth: { keys: required }
            providers:
              sim: { kind: openai, base_url: "{{new Uri(_simulator.BaseAddress, "v1")}}" }
            registry: { enforce: off }
            deployments:
              llama: { provider: sim, model: llama }
            routes:
              chat: { deployments: [llama] }
            responses: { scope: {{scope}} }
            """, "responses.yaml", _ => null);
        Assert.True(config.Succeeded, string.Join("\n", config.Errors));
        var gateway = await GatewayHost.StartAsync(config.Config!, new GatewayHostOptions { KeyStore = _keys });
        _gateways.Add(gateway);
        return new HttpClient { BaseAddress = gateway.BaseAddress };
    }

    private static async Task<string> CreateResponseAsync(HttpClient client, string key, string input)
    {
        using var response = await SendAsync(client, HttpMethod.Post, "v1/responses", key, $$"""{"model":"chat","input":{{JsonSerializer.Serialize(input)}}}""");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private string Create(string team)
    {
        var (key, id, hash) = ApiKeys.Generate();
        Assert.True(_keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = team, Created = DateTimeOffset.UtcNow }));
        return key;
    }

    /// <summary>A request with a client key and, when given, a JSON body (the Responses tests on PostgreSQL use it too).</summary>
    internal static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }
}
