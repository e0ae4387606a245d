using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Tests.Functional;
using Switchyard.Gateway.Tests.Support;
using Switchyard.Simulator;
using Switchyard.Storage.Models;
using Switchyard.Storage;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Gateway.Tests.Governance;

/// <summary>The gateway serves only approved models: refused at load, withdrawn when revoked, over real sockets with the simulator.</summary>
/// <remarks>Runs on both stores (<see cref="SqliteRegistryEnforcementTests"/>, <see cref="PostgresRegistryEnforcementTests"/>).</remarks>
public abstract class RegistryEnforcementTests(StoreHarness store) : IAsyncLifetime
{
    private SimulatorHost _simulator = null!;
    private Stores _stores = null!;
    private IModelStore _models = null!;

    private string Folder => store.Folder;

    public async Task InitializeAsync()
    {
        await store.InitializeAsync();
        _stores = await store.OpenAsync();
        _models = _stores.Models;
        _simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
    }

    public async Task DisposeAsync()
    {
        await _simulator.DisposeAsync();
        await _stores.DisposeAsync();
        await store.DisposeAsync();
    }

    private void Register(string id, ModelStatus status, IReadOnlyList<ModelFile>? files = null, IReadOnlyList<string>? bases = null)
    {
        var now = DateTimeOffset.UtcNow;
        Assert.True(_models.Add(new ModelRecord { Id = id, Name = id, Status = status, Files = files ?? [], BaseModels = bases ?? [], Created = now, Updated = now }, new ModelDecision(now, "test", "registrant", "propose", status, status, "test")));
    }

    private string Yaml(string registry, string llamaModel = "registry_model: llama-approved", Uri? simulator = null) => $$"""
        server: { listen: "http://127.0.0.1:0" }
        {{store.StorageYaml}}
        request_log: { enabled: false }
        {{registry}}
        providers:
          sim: { kind: openai, base_url: "{{new Uri(simulator ?? _simulator.BaseAddress, "v1")}}" }
        deployments:
          llama: { provider: sim, model: llama, {{llamaModel}} }
          qwen: { provider: sim, model: qwen, registry_model: qwen-approved }
          gpt: { provider: sim, model: gpt, hosting: external }
        routes:
          chat: { deployments: [llama, qwen] }
          frontier: { deployments: [gpt] }
        """;

    private GatewayConfig Config(string registry, string llamaModel = "registry_model: llama-approved", Uri? simulator = null)
    {
        var result = ConfigLoader.Parse(Yaml(registry, llamaModel, simulator), "registry.yaml", _ => null);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Config!;
    }

    [StoreTheory]
    [InlineData(ModelStatus.Scanned, "scanned in the registry, not approved")]
    [InlineData(ModelStatus.Rejected, "rejected in the registry")]
    [InlineData(ModelStatus.Revoked, "revoked in the registry")]
    public async Task Start_DeploymentOfAnUnapprovedModel_IsRefusedWithItsLine(ModelStatus status, string message)
    {
        Register("llama-approved", status);
        Register("qwen-approved", ModelStatus.Approved);

        var error = await Assert.ThrowsAsync<ConfigException>(() => GatewayHost.StartAsync(Config("")));

        var problem = Assert.Single(error.Errors);
        Assert.Equal(("deployments.llama.registry_model", 8), (problem.Key, problem.Line));
        Assert.Contains(message, problem.Message);
    }

    [StoreFact]
    public async Task Start_SelfHostedWithoutARegistryModel_IsRefused_UnlessWarnOnly()
    {
        Register("qwen-approved", ModelStatus.Approved);

        var error = await Assert.ThrowsAsync<ConfigException>(() => GatewayHost.StartAsync(Config("", llamaModel: "")));
        Assert.Contains("must name the registry model", Assert.Single(error.Errors).Message);
        Assert.Contains("not in the registry", Assert.Single((await Assert.ThrowsAsync<ConfigException>(() => GatewayHost.StartAsync(Config("")))).Errors).Message);

        await using var warned = await GatewayHost.StartAsync(Config("registry: { enforce: warn }", llamaModel: ""));
        using var client = new HttpClient { BaseAddress = new Uri(warned.BaseAddress, "v1/") };
        Assert.Equal(HttpStatusCode.OK, (await Chat(client, "chat")).StatusCode);
    }

    [StoreFact]
    public async Task Revoke_TakesTheModelOutOfRouting_TheNextDeploymentServes_AndThenNothing()
    {
        Register("llama-approved", ModelStatus.Approved);
        Register("qwen-approved", ModelStatus.Approved);
        using var log = new LogCapture();
        await using var gateway = await GatewayHost.StartAsync(Config(""), new GatewayHostOptions { LogSink = log });
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };
        Assert.Equal("llama", (await Chat(client, "chat")).Headers.GetValues("x-switchyard-deployment").Single());

        Revoke("llama-approved");
        gateway.RefreshRegistry();

        using var second = await Chat(client, "chat");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("qwen", second.Headers.GetValues("x-switchyard-deployment").Single());

        Revoke("qwen-approved");
        // Within a second, without being asked: the gate reads the registry on its own, and says so.
        await log.WaitForAsync("Deployment qwen is withdrawn", LogLevel.Warning, TimeSpan.FromSeconds(10));
        using var third = await Chat(client, "chat");
        Assert.False(third.IsSuccessStatusCode);
        Assert.Contains("no longer approved", await third.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await Chat(client, "frontier")).StatusCode);
    }

    [StoreFact]
    public async Task Start_ModelApprovedByEditingTheTable_IsRefusedAsTampered()
    {
        Register("llama-approved", ModelStatus.Scanned);
        Register("qwen-approved", ModelStatus.Approved);
        Execute("UPDATE models SET status = 'approved' WHERE id = 'llama-approved';");

        var error = await Assert.ThrowsAsync<ConfigException>(() => GatewayHost.StartAsync(Config("")));

        var problem = Assert.Single(error.Errors);
        Assert.Equal("deployments.llama.registry_model", problem.Key);
        Assert.Contains("does not match the audit trail", problem.Message);
        Assert.Contains("status is approved, the audit trail last recorded scanned", problem.Message);
    }

    [StoreFact]
    public async Task Refresh_ApprovedModelsHashSwappedInTheTable_WithdrawsIt_AndLogsWhy()
    {
        Register("llama-approved", ModelStatus.Approved, files: [new ModelFile("model.safetensors", 16, new string('a', 64), "safetensors")]);
        Register("qwen-approved", ModelStatus.Approved);
        using var log = new LogCapture();
        await using var gateway = await GatewayHost.StartAsync(Config(""), new GatewayHostOptions { LogSink = log });
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };
        Assert.Equal("llama", (await Chat(client, "chat")).Headers.GetValues("x-switchyard-deployment").Single());

        Execute($"UPDATE models SET record = replace(record, '{new string('a', 64)}', '{new string('b', 64)}') WHERE id = 'llama-approved';");
        gateway.RefreshRegistry();

        using var next = await Chat(client, "chat");
        Assert.Equal("qwen", next.Headers.GetValues("x-switchyard-deployment").Single());
        var why = await log.WaitForAsync("llama-approved", LogLevel.Warning, TimeSpan.FromSeconds(10));
        Assert.Contains("file hashes", why);
    }

    [StoreFact]
    public async Task Start_RegistryManifestThatDisagreesWithTheApprovedFiles_IsRefused_AndAMatchingOneServes()
    {
        var weights = new ModelFile("model.safetensors", 16, new string('a', 64), "safetensors");
        Register("llama-approved", ModelStatus.Approved, files: [weights]);
        Register("qwen-approved", ModelStatus.Approved);
        var manifest = Path.Combine(Folder, "served-manifest.json");
        File.WriteAllText(manifest, $$"""{"manifest_version": 1, "files": [{"path": "model.safetensors", "size": 16, "sha256": "{{new string('b', 64)}}"}]}""");
        var deployment = $"registry_model: llama-approved, registry_manifest: \"{manifest}\"";

        var error = await Assert.ThrowsAsync<ConfigException>(() => GatewayHost.StartAsync(Config("", deployment)));

        var problem = Assert.Single(error.Errors);
        Assert.Equal(("deployments.llama.registry_manifest", 8), (problem.Key, problem.Line));
        Assert.Contains("changed: model.safetensors", problem.Message);
        Assert.Contains("the registry approved " + new string('a', 64), problem.Message);

        File.WriteAllText(manifest, $$"""{"manifest_version": 1, "files": [{"path": "model.safetensors", "size": 16, "sha256": "{{new string('a', 64)}}"}]}""");
        await using var gateway = await GatewayHost.StartAsync(Config("", deployment));
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };
        Assert.Equal("llama", (await Chat(client, "chat")).Headers.GetValues("x-switchyard-deployment").Single());
    }

    [StoreFact]
    public async Task Revoke_WhileAStreamIsInFlight_TheStreamFinishesWithDone_AndTheNextRequestGoesElsewhere()
    {
        Register("llama-approved", ModelStatus.Approved);
        Register("qwen-approved", ModelStatus.Approved);
        await using var slow = await SimulatorHost.StartAsync(SimulatorFixtures.Slow with { Port = 0 });
        await using var gateway = await GatewayHost.StartAsync(Config("", simulator: slow.BaseAddress));
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
        {
            Content = new StringContent("""{"model":"chat","stream":true,"max_tokens":20,"messages":[{"role":"user","content":"Tell me a story."}]}""", Encoding.UTF8, "application/json"),
        };
        using var streaming = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal((HttpStatusCode.OK, "llama"), (streaming.StatusCode, streaming.Headers.GetValues("x-switchyard-deployment").Single()));
        using var reader = new StreamReader(await streaming.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync();
        Assert.StartsWith("data: {", first);

        Revoke("llama-approved");
        gateway.RefreshRegistry();
        var rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("data: [DONE]", rest);
        Assert.DoesNotContain("stream_interrupted", rest);
        using var next = await Chat(client, "chat");
        Assert.Equal((HttpStatusCode.OK, "qwen"), (next.StatusCode, next.Headers.GetValues("x-switchyard-deployment").Single()));
    }

    [StoreTheory]
    [InlineData(ModelStatus.Scanned, "scanned in the registry")]
    [InlineData(ModelStatus.Revoked, "revoked in the registry")]
    public async Task WarnOnly_UnapprovedModel_IsStillServed_WithAWarning(ModelStatus status, string why)
    {
        Register("llama-approved", status);
        Register("qwen-approved", ModelStatus.Approved);
        using var log = new LogCapture();

        await using var gateway = await GatewayHost.StartAsync(Config("registry: { enforce: warn }"), new GatewayHostOptions { LogSink = log });
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };
        using var served = await Chat(client, "chat");

        Assert.Equal((HttpStatusCode.OK, "llama"), (served.StatusCode, served.Headers.GetValues("x-switchyard-deployment").Single()));
        var warning = await log.WaitForAsync("serves registry model llama-approved", LogLevel.Warning, TimeSpan.FromSeconds(10));
        Assert.Contains(why, warning);
        Assert.Contains("warn serves it anyway", warning);
    }

    [StoreFact]
    public async Task WarnOnly_ModelRevokedWhileServing_IsStillServed_AndTheRevocationIsLogged()
    {
        Register("llama-approved", ModelStatus.Approved);
        Register("qwen-approved", ModelStatus.Approved);
        using var log = new LogCapture();
        await using var gateway = await GatewayHost.StartAsync(Config("registry: { enforce: warn }"), new GatewayHostOptions { LogSink = log });
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };

        Revoke("llama-approved");
        gateway.RefreshRegistry();

        using var served = await Chat(client, "chat");
        Assert.Equal((HttpStatusCode.OK, "llama"), (served.StatusCode, served.Headers.GetValues("x-switchyard-deployment").Single()));
        Assert.Contains("revoked in the registry", await log.WaitForAsync("serves registry model llama-approved", LogLevel.Warning, TimeSpan.FromSeconds(10)));
        gateway.RefreshRegistry();
        Assert.Single(log.Events, m => m.Message.Contains("serves registry model llama-approved", StringComparison.Ordinal));
    }

    [StoreFact]
    public async Task HotReload_NamingAnUnapprovedModel_IsRefused_AndTheRunningConfigurationKept()
    {
        Register("llama-approved", ModelStatus.Approved);
        Register("qwen-approved", ModelStatus.Approved);
        Register("llama-scanned", ModelStatus.Scanned);
        var path = Path.Combine(Folder, "switchyard.yaml");
        await File.WriteAllTextAsync(path, Yaml(""));
        using var log = new LogCapture();
        await using var gateway = await GatewayHost.StartAsync(ConfigLoader.LoadOrThrow(path), new GatewayHostOptions { LogSink = log });
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };

        await File.WriteAllTextAsync(path, Yaml("", llamaModel: "registry_model: llama-scanned"));
        gateway.ReloadConfig();

        var refusal = await log.WaitForAsync("the running configuration is kept", LogLevel.Error, TimeSpan.FromSeconds(10));
        Assert.Contains("deployments.llama.registry_model", refusal);
        Assert.Contains("'llama-scanned', which is scanned in the registry, not approved", refusal);
        Assert.Equal(0, gateway.ConfigGeneration);
        Assert.Equal("llama-approved", gateway.Config.Deployments.Single(d => d.Name == "llama").RegistryModel);
        using var served = await Chat(client, "chat");
        Assert.Equal((HttpStatusCode.OK, "llama"), (served.StatusCode, served.Headers.GetValues("x-switchyard-deployment").Single()));
    }

    [StoreFact]
    public async Task RevokingABase_WithdrawsTheApprovedAdapterOfIt()
    {
        Register("llama-base", ModelStatus.Approved);
        Register("llama-approved", ModelStatus.Approved, bases: ["llama-base"]);
        Register("qwen-approved", ModelStatus.Approved);
        using var log = new LogCapture();
        await using var gateway = await GatewayHost.StartAsync(Config(""), new GatewayHostOptions { LogSink = log });
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };
        Assert.Equal("llama", (await Chat(client, "chat")).Headers.GetValues("x-switchyard-deployment").Single());

        Revoke("llama-base");
        gateway.RefreshRegistry();

        Assert.Equal("qwen", (await Chat(client, "chat")).Headers.GetValues("x-switchyard-deployment").Single());
        Assert.Contains("is withdrawn with its base model 'llama-base', which is revoked", await log.WaitForAsync("Deployment llama is withdrawn", LogLevel.Warning, TimeSpan.FromSeconds(10)));
        var refused = await Assert.ThrowsAsync<ConfigException>(() => GatewayHost.StartAsync(Config("")));
        Assert.Contains("withdrawn with its base model 'llama-base'", Assert.Single(refused.Errors).Message);
    }

    private void Execute(string sql) => store.ExecuteAsync(sql).GetAwaiter().GetResult();

    private void Revoke(string id)
    {
        var model = _models.Find(id)!;
        Assert.True(_models.Update(model with { Status = ModelStatus.Revoked }, new ModelDecision(DateTimeOffset.UtcNow, "test", "security", "revoke", model.Status, ModelStatus.Revoked, "test")));
    }

    private static Task<HttpResponseMessage> Chat(HttpClient client, string route) =>
        client.PostAsync("chat/completions", new StringContent($$"""{"model":"{{route}}","messages":[{"role":"user","content":"Hello"}]}""", Encoding.UTF8, "application/json"));
}
