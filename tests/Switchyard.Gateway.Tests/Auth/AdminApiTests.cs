using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Tests.Functional;
using Switchyard.Simulator;
using Switchyard.Storage.Keys;
using Switchyard.Storage;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Gateway.Tests.Auth;

/// <summary>The admin API, tried as each role and as another team's key would try it.</summary>
/// <remarks>Runs on both stores (<see cref="SqliteAdminApiTests"/>, <see cref="PostgresAdminApiTests"/>).</remarks>
public abstract class AdminApiTests(StoreHarness store) : IAsyncLifetime
{
    private SimulatorHost _simulator = null!;
    private GatewayHost _gateway = null!;
    private Stores _stores = null!;
    private IKeyStore _keys = null!;
    private HttpClient _client = null!;

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
        await _stores.DisposeAsync();
        await store.DisposeAsync();
    }

    [StoreFact]
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
        var trail = _keys.Trail.Entries();
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

    [StoreFact]
    public async Task Delete_RevokesTheKeyAtOnce_NotAfterTheCache()
    {
        var admin = Create("platform", "admin");
        var client = Create("search", null);
        const string Chat = """{"model":"chat","messages":[{"role":"user","content":"Hi"}]}""";
        using (var before = await SendAsync(HttpMethod.Post, "v1/chat/completions", client, Chat))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);   // the key is in the gateway's cache now
        }

        using var revoked = await SendAsync(HttpMethod.Delete, "admin/keys/" + client[..13], admin);
        using var after = await SendAsync(HttpMethod.Post, "v1/chat/completions", client, Chat);
        using var adminAfter = await SendAsync(HttpMethod.Get, "admin/keys", client);

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("was revoked", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, adminAfter.StatusCode);
    }

    [StoreFact]
    public async Task Post_Keys_TakesEveryTermTheCliTakes_AndGetShowsThemAll()
    {
        var admin = Create("platform", "admin");

        using var created = await SendAsync(HttpMethod.Post, "admin/keys", admin, """
            {"team":"search","name":"ci bot","routes":["chat"],"rpm":60,"tpm":100000,"max_concurrency":8,"expires":"30d",
             "budget":{"usd":25,"per":"month"},"tags":["code"],"metadata":{"owner":"search","ticket":"OPS-42"},"confidential":true}
            """);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("record").GetProperty("id").GetString()!;
        using var got = await SendAsync(HttpMethod.Get, "admin/keys/" + id, admin);
        using var byString = await SendAsync(HttpMethod.Post, "admin/keys", admin, """{"team":"search","budget":"50/day","expires":"2099-01-01T00:00:00Z"}""");

        var key = JsonDocument.Parse(await got.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(id, key.GetProperty("id").GetString());
        Assert.Equal("search", key.GetProperty("team").GetString());
        Assert.Equal("ci bot", key.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, key.GetProperty("role").ValueKind);
        Assert.Equal(["chat"], key.GetProperty("routes").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["code"], key.GetProperty("tags").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("OPS-42", key.GetProperty("metadata").GetProperty("ticket").GetString());
        Assert.Equal(60, key.GetProperty("rpm").GetInt32());
        Assert.Equal(100000, key.GetProperty("tpm").GetInt32());
        Assert.Equal(8, key.GetProperty("max_concurrency").GetInt32());
        Assert.Equal(25, key.GetProperty("budget").GetProperty("usd").GetDouble());
        Assert.Equal("month", key.GetProperty("budget").GetProperty("per").GetString());
        Assert.True(key.GetProperty("confidential").GetBoolean());
        Assert.Equal("active", key.GetProperty("state").GetString());
        Assert.InRange(DateTimeOffset.Parse(key.GetProperty("expires").GetString()!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(31));
        Assert.Equal(JsonValueKind.Null, key.GetProperty("revoked").ValueKind);
        Assert.False(key.TryGetProperty("hash", out _));
        var stored = _keys.Find(id)!;
        Assert.Equal((60, 100000, 8, 25.0, "month", true), (stored.RequestsPerMinute, stored.TokensPerMinute, stored.MaxConcurrency, stored.BudgetUsd, stored.BudgetPeriod, stored.Confidential));
        Assert.Equal(HttpStatusCode.Created, byString.StatusCode);
        var second = JsonDocument.Parse(await byString.Content.ReadAsStringAsync()).RootElement.GetProperty("record");
        Assert.Equal("day", second.GetProperty("budget").GetProperty("per").GetString());
        Assert.Equal("2099-01-01T00:00:00Z", second.GetProperty("expires").GetString());

        var entry = _keys.Trail.Entries()[0];
        Assert.Equal(("key.create", id), (entry.Action, entry.Target));
        Assert.Contains("rpm=60; tpm=100000; max_concurrency=8; budget=25/month", entry.Detail, StringComparison.Ordinal);

        using (await SendAsync(HttpMethod.Delete, "admin/keys/" + id, admin)) { }
        using var afterRevoke = await SendAsync(HttpMethod.Get, "admin/keys/" + id, admin);
        var revoked = JsonDocument.Parse(await afterRevoke.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("revoked", revoked.GetProperty("state").GetString());
        Assert.NotEqual(JsonValueKind.Null, revoked.GetProperty("revoked").ValueKind);
    }

    [StoreTheory]
    [InlineData("""{"team":"search","rmp":60}""", "rmp", "Unknown field 'rmp'")]
    [InlineData("""{"routes":["chat"]}""", "team", "team is required")]
    [InlineData("""{"team":"a,b"}""", "team", "without commas")]
    [InlineData("""{"team":"search","rpm":0}""", "rpm", "at least 1")]
    [InlineData("""{"team":"search","tpm":"lots"}""", "tpm", "a whole number")]
    [InlineData("""{"team":"search","routes":["nope"]}""", "routes", "There is no route 'nope'. Routes: chat")]
    [InlineData("""{"team":"search","routes":"chat"}""", "routes", "a list")]
    [InlineData("""{"team":"search","expires":"yesterday"}""", "expires", "is neither a duration")]
    [InlineData("""{"team":"search","expires":"2020-01-01T00:00:00Z"}""", "expires", "in the future")]
    [InlineData("""{"team":"search","budget":{"usd":5,"per":"week"}}""", "budget", "per: day or month")]
    [InlineData("""{"team":"search","budget":-5}""", "budget", "hard budget")]
    [InlineData("""{"team":"search","budget":{"usd":"5"}}""", "budget", "hard budget")]
    [InlineData("""{"team":"search","metadata":{"owner":5}}""", "metadata", "string value")]
    [InlineData("""{"team":"search","confidential":"yes"}""", "confidential", "true")]
    [InlineData("""{"team":"search","role":"root"}""", "role", "role must be one of admin, operator")]
    [InlineData("""[1,2]""", "team", "JSON object")]
    public async Task Post_Keys_AWrongField_Is400NamingItAndHowToWriteIt(string body, string param, string message)
    {
        using var response = await SendAsync(HttpMethod.Post, "admin/keys", Create("platform", "admin"), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_value", error.GetProperty("code").GetString());
        Assert.Single(_keys.List());   // only the admin's own key
    }

    /// <summary>
    /// What each role may do, row by row: admin everything; operator client keys and every read; auditor reads only;
    /// legal and security the registry only; a client key its own team's rows and the model API. Role keys may not call
    /// /v1 (decision 14).
    /// </summary>
    [StoreTheory]
    [InlineData("admin", "200 200 201 201 204 204 200 200 200 200 200 200 404 403")]
    [InlineData("operator", "200 200 201 403 204 403 200 200 200 200 200 200 403 403")]
    [InlineData("auditor", "200 200 403 403 403 403 200 200 200 200 200 200 403 403")]
    [InlineData("legal", "403 403 403 403 403 403 403 403 403 403 403 200 404 403")]
    [InlineData("security", "403 403 403 403 403 403 403 403 403 403 403 200 404 403")]
    [InlineData(null, "200 200 403 403 403 403 200 200 403 200 200 403 403 200")]
    public async Task Roles_EachMayDoWhatItsRowSays_AndNothingElse(string? role, string expected)
    {
        var caller = Create("search", role);
        var client = Create("search", null);
        var roleKey = Create("ops", "auditor");
        (HttpMethod Method, string Path, string? Body)[] rows =
        [
            (HttpMethod.Get, "admin/keys", null),
            (HttpMethod.Get, "admin/keys/" + client[..13], null),
            (HttpMethod.Post, "admin/keys", """{"team":"search"}"""),
            (HttpMethod.Post, "admin/keys", """{"team":"ops","role":"auditor"}"""),
            (HttpMethod.Delete, "admin/keys/" + client[..13], null),
            (HttpMethod.Delete, "admin/keys/" + roleKey[..13], null),
            (HttpMethod.Get, "admin/logs", null),
            (HttpMethod.Get, "admin/costs", null),
            (HttpMethod.Get, "admin/audit", null),
            (HttpMethod.Get, "admin/teams", null),
            (HttpMethod.Get, "admin/routes", null),
            (HttpMethod.Get, "admin/models", null),
            (HttpMethod.Post, "admin/models/no-such-model/deprecate", """{"reason":"test"}"""),
            (HttpMethod.Post, "v1/chat/completions", """{"model":"chat","messages":[{"role":"user","content":"Hi"}]}"""),
        ];

        var actual = new List<string>();
        foreach (var (method, path, body) in rows)
        {
            using var response = await SendAsync(method, path, caller, body);
            actual.Add(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (response.StatusCode == HttpStatusCode.Forbidden)
            {
                var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
                Assert.Equal("permission_denied", error.GetProperty("code").GetString());
            }
        }

        Assert.Equal(expected, string.Join(' ', actual));
    }

    [StoreFact]
    public async Task RoleKey_OnTheModelApi_Is403SayingRoleKeysAreForAdministration()
    {
        using var response = await SendAsync(HttpMethod.Post, "v1/chat/completions", Create("platform", "admin"), """{"model":"chat","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Contains("role keys are for the admin API", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _simulator.Stats.Requests);
    }

    [StoreFact]
    public async Task AuditTrail_AnEditedEntry_BreaksTheChainFromThere()
    {
        var admin = Create("platform", "admin");
        using (await SendAsync(HttpMethod.Post, "admin/keys", admin, """{"team":"a"}""")) { }
        using (await SendAsync(HttpMethod.Post, "admin/keys", admin, """{"team":"b"}""")) { }

        await store.ExecuteAsync("UPDATE admin_audit SET detail = 'team=innocent' WHERE seq = 1;");

        var trail = _keys.Trail.Entries();
        Assert.False(trail[0].Intact);
    }

    [StoreTheory]
    [InlineData("auditor")]
    [InlineData("legal")]
    [InlineData(null)]
    public async Task KeysThatDoNotManageKeys_CannotWriteThem(string? role)
    {
        var key = Create("search", role);

        using var create = await SendAsync(HttpMethod.Post, "admin/keys", key, """{"team":"search"}""");
        using var revoke = await SendAsync(HttpMethod.Delete, "admin/keys/" + Create("other", null)[..13], key);

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, revoke.StatusCode);
        Assert.Equal("permission_denied", JsonDocument.Parse(await create.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_keys.Trail.Entries());
    }

    [StoreFact]
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
        Assert.NotEmpty(costRows);
        Assert.All(costRows, r => Assert.Equal("team-a", r.GetProperty("team").GetString()));
        var keyRows = JsonDocument.Parse(await keys.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToArray();
        Assert.NotEmpty(keyRows);
        Assert.All(keyRows, r => Assert.Equal("team-a", r.GetProperty("team").GetString()));
    }

    [StoreFact]
    public async Task Admin_WithoutAKeyOrWithARevokedOne_Is401()
    {
        var auditor = Create("audit", "auditor");
        Assert.True(_keys.Revoke(auditor[..13], DateTimeOffset.UtcNow));

        using var none = await _client.GetAsync("admin/logs");
        using var revoked = await SendAsync(HttpMethod.Get, "admin/logs", auditor);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [StoreFact]
    public async Task BootstrapKey_IsAnAdminOnTheAdminApiOnly()
    {
        const string Bootstrap = "bootstrap-admin-secret-of-at-least-32-chars";
        await using var gateway = await GatewayHost.StartAsync(BootstrapConfig(), new GatewayHostOptions { KeyStore = _keys, BootstrapAdminKey = Bootstrap });
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/keys") { Content = new StringContent("""{"team":"first","role":"admin"}""", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Bootstrap);
        using var models = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        models.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Bootstrap);

        using var response = await client.SendAsync(request);
        using var v1 = await client.SendAsync(models);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("bootstrap", Assert.Single(_keys.Trail.Entries()).Actor);
        Assert.Equal(HttpStatusCode.Unauthorized, v1.StatusCode);
    }

    [StoreTheory]
    [InlineData("short")]
    [InlineData("0123456789012345678901234567890")]   // 31
    public async Task BootstrapKey_TooShort_StopsTheStartSayingWhy(string bootstrap)
    {
        var error = await Assert.ThrowsAsync<ConfigException>(() => GatewayHost.StartAsync(BootstrapConfig(), new GatewayHostOptions { KeyStore = _keys, BootstrapAdminKey = bootstrap }));

        Assert.Contains($"SWITCHYARD_ADMIN_KEY: is {bootstrap.Length} characters; the bootstrap admin key must be at least 32", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(bootstrap, error.Message.Replace("SWITCHYARD_ADMIN_KEY", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static GatewayConfig BootstrapConfig()
        => ConfigLoader.Parse("server: { listen: \"http://127.0.0.1:0\" }\nrequest_log: { enabled: false }\nauth: { keys: required }\nproviders:\n  sim: { kind: openai, base_url: \"http://127.0.0.1:9/v1\" }\nregistry: { enforce: off }\ndeployments:\n  llama: { provider: sim, model: llama }\nroutes:\n  chat: { deployments: [llama] }\n", "b.yaml", _ => null).Config!;

    [StoreFact]
    public async Task OpenApi_DescribesExactlyTheEndpointsMapped()
    {
        using var response = await _client.GetAsync("admin/openapi.json");

        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        string[] verbs = ["get", "post", "put", "patch", "delete"];
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => verbs.Contains(o.Name)).Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}"))
            .Order(StringComparer.Ordinal).ToArray();
        var mapped = _gateway.Endpoints.OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/admin", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(mapped, documented);
        Assert.Contains("GET /admin/keys/{id}", mapped);

        // The body a new key takes, field for field.
        var newKey = document.GetProperty("components").GetProperty("schemas").GetProperty("NewKey").GetProperty("properties").EnumerateObject().Select(p => p.Name);
        Assert.Equal(Admin.AdminEndpoints.NewKeyFields.Order(StringComparer.Ordinal), newKey.Order(StringComparer.Ordinal));
    }

    [StoreFact]
    public async Task Registry_LegalAndSecurityKeysSignOff_OthersCannot_AndEveryDecisionIsAudited()
    {
        var models = _stores.Models;
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

        Assert.Equal(["model.propose", "model.sign-license", "model.approve"], _keys.Trail.Entries().Select(e => e.Action));
        Assert.True(models.Trail.Verify().Intact);
    }

    [StoreTheory]
    [InlineData("/admin/keys")]
    [InlineData("/admin/models/olmo/approve")]
    [InlineData("/admin/models")]
    [InlineData("/admin/models/olmo/verify")]
    public async Task Post_UnauthenticatedBody_IsRefusedBeforeItIsRead(string path)
    {
        // 100 MB announced, ten bytes sent: the 401 must come without waiting for (or buffering) the rest.
        var (status, _, body) = await RawHttp.SendAsync(_gateway.BaseAddress,
            $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{{\"team\":\"x", TimeSpan.FromSeconds(4));

        Assert.Equal(401, status);
        Assert.Equal("invalid_api_key", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [StoreFact]
    public async Task Post_AdminBodyOverTheCap_Is413InOpenAIsFormat_DeclaredOrStreamed()
    {
        var admin = Create("platform", "admin");

        var (status, _, body) = await RawHttp.SendAsync(_gateway.BaseAddress,
            $"POST /admin/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {admin}\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{{", TimeSpan.FromSeconds(4));
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/keys")
        {
            // No Content-Length: chunked, so the cap is found by reading.
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"team\":\"search\",\"name\":\"" + new string('x', 100_000) + "\"}"))),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + admin);
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await _client.SendAsync(request);

        Assert.Equal(413, status);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
        Assert.Contains("65,536", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Equal("request_too_large", JsonDocument.Parse(await streamed.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_keys.List("search"));
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
