using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway.Tests.Functional;

/// <summary>A store that cannot write (a full disk) degrades the request log, never the serving.</summary>
public class RequestLogFailureTests
{
    [Fact]
    public async Task Post_StoreFailsLikeAFullDisk_RequestsAreServedAndHealthSaysDegraded()
    {
        await using var simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
        var config = new GatewayConfig
        {
            Registry = new RegistryConfig { Enforcement = RegistryEnforcement.Off },
            Server = new ServerConfig { Listen = "http://127.0.0.1:0" },
            Storage = new StorageConfig(),
            RequestLog = new RequestLogConfig { FlushInterval = TimeSpan.FromMilliseconds(10) },
            Providers = [new ProviderConfig { Name = "sim", Kind = ProviderKind.OpenAI, BaseUrl = new Uri(simulator.BaseAddress, "v1") }],
            Deployments = [new DeploymentConfig { Name = "d", Provider = "sim", Model = "m" }],
            Routes = [new RouteConfig { Name = "chat", Deployments = ImmutableArray.Create("d") }],
        };
        await using var gateway = await GatewayHost.StartAsync(config, new GatewayHostOptions { RequestLogStore = new FullDiskStore() });
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", TestGateway.Json("""{"model":"chat","messages":[{"role":"user","content":"x"}]}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await gateway.FlushRequestLogAsync().WaitAsync(TimeSpan.FromSeconds(30));
        using var health = JsonDocument.Parse(await client.GetStringAsync("healthz"));
        var log = health.RootElement.GetProperty("request_log");
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        Assert.Equal("degraded", log.GetProperty("status").GetString());
        Assert.Equal(5, log.GetProperty("failed_rows").GetInt64());
        Assert.Equal(0, log.GetProperty("written").GetInt64());
    }

    private sealed class FullDiskStore : IRequestLogStore
    {
        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task WriteBatchAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken)
            => Task.FromException(new IOException("No space left on device"));

        public Task<IReadOnlyList<RequestLogEntry>> QueryAsync(RequestLogQuery query, CancellationToken cancellationToken)
            => Task.FromResult<IReadOnlyList<RequestLogEntry>>([]);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
