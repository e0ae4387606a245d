using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Tests.Functional;
using Switchyard.Simulator;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Gateway.Tests.Auth;

/// <summary>The admin API, tried as each role and as another team's key would try it.</summary>
public sealed class AdminApiTests : IAsyncLifetime
{
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
            """, "admin.yaml", _ => null);
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

    [Fact]
    public async Task Admin_CreatesListsAndRevokesKeys_AndEveryWriteIsInTheChainedAuditTrail()
    {
        var admin = Create("platform", "admin");

        using var created = await SendAsync(HttpMethod.Post, "admin/keys", admin, """{"team":"search","routes":["chat"],"rpm":60}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("record").GetProperty("id").GetString()!;
        Assert.True(ApiKeys.TryParse(key, out var parsed) && parsed == id);

        using var served = await SendAsync(HttpMethod.Post, "v1/chat/completions", key, """{"model":"chat","messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);

        using var listed = await SendAsync(HttpMethod.Get, "admin/keys?team=search", admin);
        var text = await listed.Content.ReadAsStringAsync();
        Assert.Contains(id, text, StringComparison.Ordinal);
        Assert.DoesNotContain(key, text, StringComparison.Ordinal);

        using var revoked = await SendAsync(HttpMethod.Delete, "admin/keys/" + id, admin);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var trail = _keys.AuditTrail();
        Assert.Equal(["key.create", "key.revoke"], trail.Select(e => e.Action));
        using var audit = await SendAsync(HttpMethod.Get, "admin/audit", Create("audit", "auditor"));
        Assert.Equal(2, JsonDocument.Parse(await audit.Content.ReadAsStringAsync()).RootElement.GetArrayLength());
        using var auditByClient = await SendAsync(HttpMethod.Get, "admin/audit", Create("search", null));
        Assert.Equal(HttpStatusCode.Forbidden, auditByClient.StatusCode);
        using var teams = await SendAsync(HttpMethod.Get, "admin/teams", admin);
        Assert.Contains("\"name\":\"search\"", await teams.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.All(trail, e => Assert.True(e.Intact));
        Assert.All(trail, e => Assert.Equal(admin[..13], e.Actor));
    }

    [Fact]
    public async Task AuditTrail_AnEditedEntry_BreaksTheChainFromThere()
    {
        var admin = Create("platform", "admin");
        using (await SendAsync(HttpMethod.Post, "admin/keys", admin, """{"team":"a"}""")) { }
        using (await SendAsync(HttpMethod.Post, "admin/keys", admin, """{"team":"b"}""")) { }

        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_directory, "switchyard.db")}"))
        {
            connection.Open();
            using var edit = connection.CreateCommand();
            edit.CommandText = "UPDATE admin_audit SET detail = 'team=innocent' WHERE seq = 1;";
            edit.ExecuteNonQuery();
        }

        var trail = _keys.AuditTrail();
        Assert.False(trail[0].Intact);
    }

    [Theory]
    [InlineData("auditor")]
    [InlineData("operator")]
    [InlineData(null)]
    public async Task NonAdmins_CannotWrite(string? role)
    {
        var key = Create("search", role);

        using var create = await SendAsync(HttpMethod.Post, "admin/keys", key, """{"team":"search"}""");
        using var revoke = await SendAsync(HttpMethod.Delete, "admin/keys/" + Create("other", null)[..13], key);

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, revoke.StatusCode);
        Assert.Equal("permission_denied", JsonDocument.Parse(await create.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_keys.AuditTrail());
    }

    [Fact]
    public async Task ClientKey_SeesItsOwnTeamsLogsCostsAndKeysOnly()
    {
        var a = Create("team-a", null);
        var b = Create("team-b", null);
        using (await SendAsync(HttpMethod.Post, "v1/chat/completions", a, """{"model":"chat","messages":[{"role":"user","content":"Hi"}]}""")) { }
        using (await SendAsync(HttpMethod.Post, "v1/chat/completions", b, """{"model":"chat","messages":[{"role":"user","content":"Hi"}]}""")) { }
        await _gateway.FlushRequestLogAsync().WaitAsync(TimeSpan.FromSeconds(30));

        using var logs = await SendAsync(HttpMethod.Get, "admin/logs?team=team-b", a);
        using var costs = await SendAsync(HttpMethod.Get, "admin/costs?team=team-b", a);
        using var keys = await SendAsync(HttpMethod.Get, "admin/keys?team=team-b", a);

        var logRows = JsonDocument.Parse(await logs.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToArray();
        Assert.NotEmpty(logRows);
        Assert.All(logRows, r => Assert.Equal("team-a", r.GetProperty("team").GetString()));
        var costRows = JsonDocument.Parse(await costs.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToArray();
        Assert.All(costRows, r => Assert.Equal("team-a", r.GetProperty("team").GetString()));
        var keyRows = JsonDocument.Parse(await keys.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToArray();
        Assert.All(keyRows, r => Assert.Equal("team-a", r.GetProperty("team").GetString()));
    }

    [Fact]
    public async Task Admin_WithoutAKeyOrWithARevokedOne_Is401()
    {
        var auditor = Create("audit", "auditor");
        Assert.True(_keys.Revoke(auditor[..13], DateTimeOffset.UtcNow));

        using var none = await _client.GetAsync("admin/logs");
        using var revoked = await SendAsync(HttpMethod.Get, "admin/logs", auditor);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [Fact]
    public async Task BootstrapKey_FromTheEnvironment_IsAnAdmin_AndTooShortOneIsIgnored()
    {
        const string Bootstrap = "bootstrap-admin-secret-of-at-least-32-chars";
        Environment.SetEnvironmentVariable(Admin.AdminEndpoints.BootstrapVariable, Bootstrap);
        try
        {
            await using var gateway = await GatewayHost.StartAsync(
                ConfigLoader.Parse("server: { listen: \"http://127.0.0.1:0\" }\nrequest_log: { enabled: false }\nauth: { keys: required }\nproviders:\n  sim: { kind: openai, base_url: \"http://127.0.0.1:9/v1\" }\nregistry: { enforce: off }\ndeployments:\n  llama: { provider: sim, model: llama }\nroutes:\n  chat: { deployments: [llama] }\n", "b.yaml", _ => null).Config!,
                new GatewayHostOptions { KeyStore = _keys });
            using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Post, "admin/keys") { Content = new StringContent("""{"team":"first","role":"admin"}""", Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Bootstrap);

            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal("bootstrap", Assert.Single(_keys.AuditTrail()).Actor);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Admin.AdminEndpoints.BootstrapVariable, null);
        }
    }

    [Fact]
    public async Task OpenApi_IsServedAndNamesEveryPath()
    {
        using var response = await _client.GetAsync("admin/openapi.json");

        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["/admin/keys", "/admin/keys/{id}", "/admin/logs", "/admin/costs", "/admin/audit", "/admin/teams", "/admin/budgets", "/admin/routes", "/admin/models", "/admin/models/{id}", "/admin/models/{id}/{action}", "/admin/openapi.json"], paths);
    }

    [Fact]
    public async Task Registry_LegalAndSecurityKeysSignOff_OthersCannot_AndEveryDecisionIsAudited()
    {
        var models = new SqliteModelStore(new SqliteStoreOptions { Path = Path.Combine(_directory, "switchyard.db") }, TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        Assert.True(models.Add(new Storage.Models.ModelRecord
        {
            Id = "olmo", Name = "OLMo-2", LicenseId = "apache-2.0", Status = Storage.Models.ModelStatus.Scanned, Created = now, Updated = now,
            Scan = new Storage.Models.ModelScan("switchyard-scan", now, "clean", 0, []),
        }, new Storage.Models.ModelDecision(now, "test", "registrant", "propose", Storage.Models.ModelStatus.Scanned, Storage.Models.ModelStatus.Scanned, "test")));
        var (legal, security, operatorKey) = (Create("gov", "legal"), Create("gov", "security"), Create("ops", "operator"));

        using (var list = await SendAsync(HttpMethod.Get, "admin/models", operatorKey))
        {
            Assert.Equal("scanned", JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement[0].GetProperty("status").GetString());
        }

        using (var detail = await SendAsync(HttpMethod.Get, "admin/models/olmo", legal))
        {
            Assert.Equal("Allowed", JsonDocument.Parse(await detail.Content.ReadAsStringAsync()).RootElement.GetProperty("license_verdict").GetProperty("outcome").GetString());
        }

        using (var refused = await SendAsync(HttpMethod.Post, "admin/models/olmo/approve", operatorKey, """{"reason":"ok"}"""))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var signed = await SendAsync(HttpMethod.Post, "admin/models/olmo/approve", legal, """{"reason":"Apache-2.0"}"""))
        {
            Assert.Equal("scanned", JsonDocument.Parse(await signed.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        }

        using (var approved = await SendAsync(HttpMethod.Post, "admin/models/olmo/approve", security, """{"reason":"clean"}"""))
        {
            Assert.Equal("approved", JsonDocument.Parse(await approved.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        }

        using (var illegal = await SendAsync(HttpMethod.Post, "admin/models/olmo/reject", legal, """{"reason":"too late"}"""))
        {
            Assert.Equal(HttpStatusCode.Conflict, illegal.StatusCode);
            Assert.Contains("revoke", await illegal.Content.ReadAsStringAsync());
        }

        Assert.Equal(["model.propose", "model.sign-license", "model.approve"], _keys.AuditTrail().Select(e => e.Action));
        Assert.True(models.Trail.Verify().Intact);
    }

    private string Create(string team, string? role)
    {
        var (key, id, hash) = ApiKeys.Generate();
        Assert.True(_keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = team, Role = role, Created = DateTimeOffset.UtcNow }));
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
