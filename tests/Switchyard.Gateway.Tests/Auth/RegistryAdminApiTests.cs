using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Gateway.Tests.Auth;

/// <summary>The registry's operations on the admin API that the CLI has too: register, BOM, audit verify, verify served files.</summary>
public sealed class RegistryAdminApiTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));
    private string _db = null!;
    private GatewayHost _gateway = null!;
    private SqliteKeyStore _keys = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _db = Path.Combine(_directory, "switchyard.db");
        _keys = new SqliteKeyStore(new SqliteStoreOptions { Path = _db }, TimeProvider.System);
        var config = ConfigLoader.Parse($$"""
            server: { listen: "http://127.0.0.1:0" }
            storage: { kind: sqlite, path: "{{_db}}" }
            request_log: { enabled: false }
            auth: { keys: required }
            providers:
              sim: { kind: openai, base_url: "http://127.0.0.1:9/v1" }
            registry: { enforce: off, auto_approve: permissive-clean, organisation: { commercial_use: true, regions: [US] } }
            deployments:
              gpt: { provider: sim, model: gpt, hosting: external }
            routes:
              chat: { deployments: [gpt] }
            """, "admin.yaml", _ => null);
        Assert.True(config.Succeeded, string.Join("\n", config.Errors));
        _gateway = await GatewayHost.StartAsync(config.Config!, new GatewayHostOptions { KeyStore = _keys });
        _client = new HttpClient { BaseAddress = _gateway.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private string Folder(string name, string card)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_directory, name)).FullName;
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"architectures":["Olmo2ForCausalLM"],"model_type":"olmo2"}""");
        File.WriteAllText(Path.Combine(dir, "README.md"), $"---\n{card}\n---\n# {name}\n");
        var header = Encoding.UTF8.GetBytes("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""");
        File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. new byte[8]]);
        return dir;
    }

    [Fact]
    public async Task Register_FromAFolderOnTheHost_AdminOrSecurityOnly_ThenTheBomListsIt()
    {
        var folder = Folder("olmo", "license: apache-2.0\npipeline_tag: text-generation");
        var body = JsonSerializer.Serialize(new { dir = folder, id = "olmo", source = "hf://allenai/OLMo-2-1124-7B@0123456789abcdef0123456789abcdef01234567" });

        using (var refused = await SendAsync(HttpMethod.Post, "admin/models", Create("legal"), body))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var created = await SendAsync(HttpMethod.Post, "admin/models", Create("security"), body))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var model = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(("olmo", "approved", "clean"), (model.GetProperty("id").GetString(), model.GetProperty("status").GetString(), model.GetProperty("scan").GetString()));
            Assert.Equal(3, model.GetProperty("file_hashes").GetArrayLength());
        }

        using (var taken = await SendAsync(HttpMethod.Post, "admin/models", Create("admin"), body))
        {
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        }

        using (var relative = await SendAsync(HttpMethod.Post, "admin/models", Create("admin"), """{"dir": "models/olmo"}"""))
        {
            Assert.Equal(HttpStatusCode.BadRequest, relative.StatusCode);
            Assert.Contains("absolute path", await relative.Content.ReadAsStringAsync());
        }

        using (var unpinned = await SendAsync(HttpMethod.Post, "admin/models", Create("admin"), JsonSerializer.Serialize(new { dir = folder, id = "olmo-2", source = "hf://allenai/OLMo-2-1124-7B@main" })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unpinned.StatusCode);
            Assert.Contains("40-hex commit", await unpinned.Content.ReadAsStringAsync());
        }

        using var bom = await SendAsync(HttpMethod.Get, "admin/models/bom", Create("auditor"));
        Assert.Equal(HttpStatusCode.OK, bom.StatusCode);
        Assert.Equal("application/vnd.cyclonedx+json", bom.Content.Headers.ContentType!.MediaType);
        var document = JsonDocument.Parse(await bom.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("CycloneDX", "1.6"), (document.GetProperty("bomFormat").GetString(), document.GetProperty("specVersion").GetString()));
        Assert.Equal("model:olmo", Assert.Single(document.GetProperty("components").EnumerateArray()).GetProperty("bom-ref").GetString());
        using var clientBom = await SendAsync(HttpMethod.Get, "admin/models/bom", Create(null));
        Assert.Equal(HttpStatusCode.Forbidden, clientBom.StatusCode);
    }

    [Fact]
    public async Task AuditVerify_NamesAModelApprovedInTheTable()
    {
        var folder = Folder("llama", "license: llama3.1");
        using (var created = await SendAsync(HttpMethod.Post, "admin/models", Create("admin"), JsonSerializer.Serialize(new { dir = folder, id = "llama" })))
        {
            Assert.Equal("scanned", JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        }

        var auditor = Create("auditor");
        using (var intact = await SendAsync(HttpMethod.Get, "admin/audit/verify", auditor))
        {
            Assert.True(JsonDocument.Parse(await intact.Content.ReadAsStringAsync()).RootElement.GetProperty("intact").GetBoolean());
        }

        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_db}"))
        {
            connection.Open();
            using var edit = connection.CreateCommand();
            edit.CommandText = "UPDATE models SET status = 'approved' WHERE id = 'llama';";
            edit.ExecuteNonQuery();
        }

        using var broken = await SendAsync(HttpMethod.Get, "admin/audit/verify", auditor);
        var result = JsonDocument.Parse(await broken.Content.ReadAsStringAsync()).RootElement;
        Assert.False(result.GetProperty("intact").GetBoolean());
        Assert.Contains("model 'llama'", Assert.Single(result.GetProperty("problems").EnumerateArray()).GetString());
        using var forbidden = await SendAsync(HttpMethod.Get, "admin/audit/verify", Create("legal"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task VerifyServedFiles_FolderAndManifestOnTheHost_NamesWhatDiffers()
    {
        var folder = Folder("olmo", "license: apache-2.0");
        var admin = Create("admin");
        using (var created = await SendAsync(HttpMethod.Post, "admin/models", admin, JsonSerializer.Serialize(new { dir = folder, id = "olmo" })))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var operatorKey = Create("operator");
        using (var match = await SendAsync(HttpMethod.Post, "admin/models/olmo/verify", operatorKey, JsonSerializer.Serialize(new { dir = folder })))
        {
            var result = JsonDocument.Parse(await match.Content.ReadAsStringAsync()).RootElement;
            Assert.True(result.GetProperty("match").GetBoolean(), result.ToString());
        }

        File.AppendAllText(Path.Combine(folder, "config.json"), " ");
        var manifest = Path.Combine(_directory, "served.json");
        File.WriteAllText(manifest, """{"manifest_version": 1, "files": []}""");
        using (var differ = await SendAsync(HttpMethod.Post, "admin/models/olmo/verify", operatorKey, JsonSerializer.Serialize(new { dir = folder, manifest })))
        {
            var result = JsonDocument.Parse(await differ.Content.ReadAsStringAsync()).RootElement;
            Assert.False(result.GetProperty("match").GetBoolean());
            var checks = result.GetProperty("checks");
            Assert.Equal(("config.json", "size changed"), (checks[0].GetProperty("differences")[0].GetProperty("path").GetString(), checks[0].GetProperty("differences")[0].GetProperty("kind").GetString()));
            Assert.Equal(3, checks[1].GetProperty("differences").EnumerateArray().Count(d => d.GetProperty("kind").GetString() == "missing"));
        }

        using (var missing = await SendAsync(HttpMethod.Post, "admin/models/nothing/verify", operatorKey, JsonSerializer.Serialize(new { dir = folder })))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using (var empty = await SendAsync(HttpMethod.Post, "admin/models/olmo/verify", operatorKey, "{}"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        }

        using var auditor = await SendAsync(HttpMethod.Post, "admin/models/olmo/verify", Create("auditor"), JsonSerializer.Serialize(new { dir = folder }));
        Assert.Equal(HttpStatusCode.Forbidden, auditor.StatusCode);
    }

    private string Create(string? role)
    {
        var (key, id, hash) = ApiKeys.Generate();
        Assert.True(_keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = "gov", Role = role, Created = DateTimeOffset.UtcNow }));
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
