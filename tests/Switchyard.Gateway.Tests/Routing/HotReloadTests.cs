using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Tests.Functional;
using Switchyard.Simulator;

namespace Switchyard.Gateway.Tests.Routing;

/// <summary>The configuration file is watched; valid versions are swapped in, invalid ones keep the running one.</summary>
public sealed class HotReloadTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("switchyard-reload-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Yaml(Uri simulator, string routes) => $"""
        server: {"{"} listen: "http://127.0.0.1:0" {"}"}
        request_log: {"{"} enabled: false {"}"}
        providers:
          sim: {"{"} kind: openai, base_url: "{new Uri(simulator, "v1")}" {"}"}
        registry: {"{"} enforce: off {"}"}
        deployments:
          a: {"{"} provider: sim, model: model-a {"}"}
          b: {"{"} provider: sim, model: model-b {"}"}
        routes:
        {routes}
        """;

    [Fact]
    public async Task ChangedFile_IsSwappedIn_AndAnInvalidOneKeepsTheRunningConfiguration()
    {
        await using var simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
        var path = Path.Combine(_folder, "switchyard.yaml");
        await File.WriteAllTextAsync(path, Yaml(simulator.BaseAddress, "  chat: { deployments: [a] }"));
        await using var gateway = await GatewayHost.StartAsync(ConfigLoader.LoadOrThrow(path));
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };

        await File.WriteAllTextAsync(path, Yaml(simulator.BaseAddress, "  chat: { deployments: [b] }\n  extra: { deployments: [a] }"));
        await WaitForAsync(() => gateway.ConfigGeneration == 1);
        using (var models = JsonDocument.Parse(await client.GetStringAsync("models")))
        {
            Assert.Equal(["chat", "extra"], models.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
        }

        using (var response = await client.PostAsync("chat/completions", TestGateway.Json("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""")))
        {
            Assert.Equal("b", response.Headers.GetValues("x-switchyard-deployment").Single());
        }

        // Invalid: an unknown deployment. The running configuration stays, and says nothing new was swapped in.
        await File.WriteAllTextAsync(path, Yaml(simulator.BaseAddress, "  chat: { deployments: [nope] }"));
        await Task.Delay(800);
        Assert.False(gateway.ReloadConfig());
        Assert.Equal(1, gateway.ConfigGeneration);
        using var still = await client.PostAsync("chat/completions", TestGateway.Json("""{"model":"extra","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task EditorStyleSave_RenamedOverTheFile_IsSwappedIn_AndOtherFilesInTheFolderAreIgnored()
    {
        await using var simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
        var path = Path.Combine(_folder, "switchyard.yaml");
        await File.WriteAllTextAsync(path, Yaml(simulator.BaseAddress, "  chat: { deployments: [a] }"));
        await using var gateway = await GatewayHost.StartAsync(ConfigLoader.LoadOrThrow(path));

        // Another file in the folder (a request log, a backup) changes: nothing is reloaded.
        await File.WriteAllTextAsync(Path.Combine(_folder, "switchyard.db-wal"), "not a configuration");
        await Task.Delay(600);
        Assert.Equal(0, gateway.ConfigGeneration);

        var temporary = Path.Combine(_folder, ".switchyard.yaml.swp");
        await File.WriteAllTextAsync(temporary, Yaml(simulator.BaseAddress, "  chat: { deployments: [b] }"));
        File.Move(temporary, path, overwrite: true);
        await WaitForAsync(() => gateway.ConfigGeneration == 1);
        Assert.Equal("b", gateway.Config.Routes[0].Deployments[0]);
    }

    [Fact]
    public async Task InFlightStream_FinishesOnTheSnapshotItStartedWith()
    {
        await using var simulator = await SimulatorHost.StartAsync(SimulatorOptions.Open() with { Port = 0 });
        var path = Path.Combine(_folder, "switchyard.yaml");
        await File.WriteAllTextAsync(path, Yaml(simulator.BaseAddress, "  chat: { deployments: [a] }"));
        await using var gateway = await GatewayHost.StartAsync(ConfigLoader.LoadOrThrow(path), new GatewayHostOptions { WatchConfig = true });
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };

        var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
        {
            Content = TestGateway.Json("""{"model":"chat","stream":true,"max_tokens":60,"messages":[{"role":"user","content":"tell me a story"}]}"""),
        };
        using var stream = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);

        // The route now points elsewhere and deployment a is gone from the file; the stream keeps going on a.
        await File.WriteAllTextAsync(path, Yaml(simulator.BaseAddress, "  chat: { deployments: [b] }").Replace("  a: { provider: sim, model: model-a }\n", "", StringComparison.Ordinal));
        Assert.True(gateway.ReloadConfig() || gateway.ConfigGeneration == 1);
        var body = await stream.Content.ReadAsStringAsync();
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        Assert.Equal(1, gateway.ConfigGeneration);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the configuration was not reloaded within 10 s");
            await Task.Delay(25);
        }
    }
}
