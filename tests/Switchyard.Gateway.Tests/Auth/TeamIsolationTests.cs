using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Gateway.Tests.Auth;

/// <summary>
/// As team A's key trying to reach what is team B's: its routes (teams.NAME.routes), its request log, costs and keys,
/// by every filter and path parameter the API has.
/// </summary>
public sealed class TeamIsolationTests : IAsyncLifetime
{
    private const string Chat = """{"model":"MODEL","messages":[{"role":"user","content":"Hi"}]}""";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));
    private SimulatorHost _simulator = null!;
    private GatewayHost _gateway = null!;
    private SqliteKeyStore _keys = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var db = Path.Combine(_directory, "switchyard.db");
        _keys = new SqliteKeyStore(new SqliteStoreOptions { Path = db }, TimeProvider.System);
        _simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
        var config = ConfigLoader.Parse($$"""
            server: { listen: "http://127.0.0.1:0" }
            storage: { kind: sqlite, path: "{{db}}" }
            request_log: { flush_interval: 20ms }
            auth: { keys: required }
            providers:
              sim: { kind: openai, base_url: "{{new Uri(_simulator.BaseAddress, "v1")}}" }
            registry: { enforce: off }
            deployments:
              llama: { provider: sim, model: llama, pricing: { input: 1, output: 1 } }
            routes:
              chat: { deployments: [llama] }
              legal: { deployments: [llama] }
              shared: { deployments: [llama] }
            teams:
              team-a: { routes: [chat, shared] }
              team-b: { routes: [legal, shared] }
            """, "teams.yaml", _ => null);
        Assert.True(config.Succeeded, string.Join("\n", config.Errors));
        _gateway = await GatewayHost.StartAsync(config.Config!, new GatewayHostOptions { KeyStore = _keys });
        _client = new HttpClient { BaseAddress = _gateway.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _simulator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("teams: { a: { routes: [chat, nope] } }", "teams.a.routes[1]", "there is no route 'nope'. Name one of 'chat'")]
    [InlineData("teams: { a: { routes: [] } }", "teams.a.routes", "non-empty list")]
    [InlineData("teams: { a: { routes: chat } }", "teams.a.routes", "non-empty list")]
    public void Config_TeamRoutes_MistakesNameFileLineAndKey(string teams, string key, string message)
    {
        var result = ConfigLoader.Parse($$"""
            providers:
              vllm: { kind: openai, base_url: http://localhost:8000/v1 }
            deployments:
              llama: { provider: vllm, model: llama }
            routes:
              chat: { deployments: [llama] }
            {{teams}}
            """, "switchyard.yaml", _ => null);

        var error = Assert.Single(result.Errors);
        Assert.Equal("switchyard.yaml", error.File);
        Assert.Equal(7, error.Line);
        Assert.Equal(key, error.Key);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_TeamAKey_CannotUseTeamBsRoutes_AndItsOwnListOnlyNarrows()
    {
        var a = Create("team-a");
        var widening = Create("team-a", routes: ["legal", "shared"]);   // asks for B's route: only shared is left

        using var own = await SendAsync(HttpMethod.Post, "v1/chat/completions", a, Chat.Replace("MODEL", "chat", StringComparison.Ordinal));
        using var others = await SendAsync(HttpMethod.Post, "v1/chat/completions", a, Chat.Replace("MODEL", "legal", StringComparison.Ordinal));
        using var widened = await SendAsync(HttpMethod.Post, "v1/chat/completions", widening, Chat.Replace("MODEL", "legal", StringComparison.Ordinal));
        using var narrowed = await SendAsync(HttpMethod.Post, "v1/chat/completions", widening, Chat.Replace("MODEL", "chat", StringComparison.Ordinal));
        using var shared = await SendAsync(HttpMethod.Post, "v1/chat/completions", widening, Chat.Replace("MODEL", "shared", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
        foreach (var refused in (HttpResponseMessage[])[others, widened, narrowed])
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("route_not_allowed", Error(await refused.Content.ReadAsStringAsync()).GetProperty("code").GetString());
        }

        Assert.Contains("it may use: chat, shared.", Error(await others.Content.ReadAsStringAsync()).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("it may use: shared.", Error(await widened.Content.ReadAsStringAsync()).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, _simulator.Stats.Requests);
    }

    [Fact]
    public async Task Get_Models_ListsOnlyTheRoutesTheKeyMayUse()
    {
        var a = Create("team-a");
        var unconfigured = Create("team-z");

        using var list = await SendAsync(HttpMethod.Get, "v1/models", a);
        using var hidden = await SendAsync(HttpMethod.Get, "v1/models/legal", a);
        using var visible = await SendAsync(HttpMethod.Get, "v1/models/chat", a);
        using var all = await SendAsync(HttpMethod.Get, "v1/models", unconfigured);

        Assert.Equal(["chat", "shared"], Ids(await list.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        var message = Error(await hidden.Content.ReadAsStringAsync()).GetProperty("message").GetString()!;
        Assert.Contains("Available models: chat, shared.", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, visible.StatusCode);
        Assert.Equal(["chat", "legal", "shared"], Ids(await all.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Admin_TeamAKey_CannotReadOrChangeTeamBsRows_ByAnyFilterOrPath()
    {
        var a = Create("team-a");
        var b = Create("team-b");
        using (var served = await SendAsync(HttpMethod.Post, "v1/chat/completions", a, Chat.Replace("MODEL", "chat", StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using (var served = await SendAsync(HttpMethod.Post, "v1/chat/completions", b, Chat.Replace("MODEL", "legal", StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        await _gateway.FlushRequestLogAsync().WaitAsync(TimeSpan.FromSeconds(30));

        foreach (var path in (string[])["admin/logs", "admin/logs?team=team-b", "admin/logs?route=legal", "admin/logs?team=team-b&route=legal&limit=1000", "admin/logs?team=%74eam-b"])
        {
            var rows = await RowsAsync(path, a);
            Assert.All(rows, r => Assert.Equal("team-a", r.GetProperty("team").GetString()));
            Assert.DoesNotContain(rows, r => r.GetProperty("key_id").GetString() == b[..13]);
        }

        Assert.NotEmpty(await RowsAsync("admin/logs?team=team-b", a));
        foreach (var path in (string[])["admin/costs", "admin/costs?team=team-b", "admin/costs?team=team-b&days=366"])
        {
            var rows = await RowsAsync(path, a);
            Assert.NotEmpty(rows);
            Assert.All(rows, r => Assert.Equal("team-a", r.GetProperty("team").GetString()));
        }

        foreach (var path in (string[])["admin/keys", "admin/keys?team=team-b"])
        {
            var rows = await RowsAsync(path, a);
            Assert.NotEmpty(rows);
            Assert.All(rows, r => Assert.Equal("team-a", r.GetProperty("team").GetString()));
        }

        Assert.Equal(["team-a"], (await RowsAsync("admin/teams", a)).Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(["chat", "shared"], (await RowsAsync("admin/routes", a)).Select(r => r.GetProperty("name").GetString()));

        using var readOther = await SendAsync(HttpMethod.Get, "admin/keys/" + b[..13], a);
        using var readOwn = await SendAsync(HttpMethod.Get, "admin/keys/" + a[..13], a);
        Assert.Equal(HttpStatusCode.NotFound, readOther.StatusCode);   // as if it did not exist
        Assert.Equal(HttpStatusCode.OK, readOwn.StatusCode);
        using var revoke = await SendAsync(HttpMethod.Delete, "admin/keys/" + b[..13], a);
        Assert.Equal(HttpStatusCode.Forbidden, revoke.StatusCode);
        Assert.Null(_keys.Find(b[..13])!.Revoked);
        using var stillServed = await SendAsync(HttpMethod.Post, "v1/chat/completions", b, Chat.Replace("MODEL", "legal", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, stillServed.StatusCode);
        Assert.Empty(_keys.Trail.Entries());
    }

    private async Task<JsonElement[]> RowsAsync(string path, string key)
    {
        using var response = await SendAsync(HttpMethod.Get, path, key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return [.. JsonDocument.Parse(text).RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static JsonElement Error(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").Clone();

    private static string[] Ids(string body) => [.. JsonDocument.Parse(body).RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];

    private string Create(string team, string[]? routes = null, string? role = null)
    {
        var (key, id, hash) = ApiKeys.Generate();
        Assert.True(_keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = team, Routes = routes ?? [], Role = role, Created = DateTimeOffset.UtcNow }));
        return key;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await _client.SendAsync(request);
    }
}
