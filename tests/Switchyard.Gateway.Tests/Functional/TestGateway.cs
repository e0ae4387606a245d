using System.Collections.Immutable;
using System.Net.Http.Headers;
using System.Text;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway.Tests.Functional;

/// <summary>
/// A real gateway on 127.0.0.1:0 in front of a real simulated provider, for tests over sockets. Deployments are given as
/// (name, upstream model); the simulator's magic model names (<c>fault-unavailable</c>, ...) make a deployment fail.
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    private TestGateway(SimulatorHost simulator, GatewayHost gateway, MemoryRequestLogStore log, string storage)
    {
        Storage = storage;
        Simulator = simulator;
        Gateway = gateway;
        Log = log;
        Client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public SimulatorHost Simulator { get; }

    /// <summary>A folder of the gateway's own for its storage file (stored responses), deleted with it.</summary>
    public string Storage { get; }

    public GatewayHost Gateway { get; }

    public MemoryRequestLogStore Log { get; }

    public HttpClient Client { get; }

    /// <summary>The OpenAI base URL of the gateway, e.g. <c>http://127.0.0.1:40000/v1</c>.</summary>
    public Uri OpenAIBaseUrl => new(Gateway.BaseAddress, "v1");

    public static Task<TestGateway> StartAsync(params (string Route, (string Name, string Model)[] Deployments)[] routes)
        => StartAsync(SimulatorOptions.Instant(), static d => d, routes);

    public static async Task<TestGateway> StartAsync(
        SimulatorOptions simulatorOptions,
        Func<DeploymentConfig, DeploymentConfig> configureDeployment,
        (string Route, (string Name, string Model)[] Deployments)[] routes,
        long maxRequestBodyBytes = ServerConfig.DefaultMaxRequestBodyBytes)
    {
        var simulator = await SimulatorHost.StartAsync(simulatorOptions with { Port = 0 });
        var storage = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));
        var deployments = routes.SelectMany(r => r.Deployments).DistinctBy(d => d.Name)
            .Select(d => configureDeployment(new DeploymentConfig
            {
                Name = d.Name,
                Provider = ProviderOf(d.Model),
                Model = ProviderOf(d.Model) == "sim" ? d.Model : d.Model[(d.Model.IndexOf(':', StringComparison.Ordinal) + 1)..],
                Timeouts = new TimeoutsConfig { Connect = TimeSpan.FromSeconds(2), FirstToken = TimeSpan.FromSeconds(5), Total = TimeSpan.FromSeconds(20) },
            }))
            .ToImmutableArray();
        var config = new GatewayConfig
        {
            Registry = new RegistryConfig { Enforcement = RegistryEnforcement.Off },
            Server = new ServerConfig { Listen = "http://127.0.0.1:0", MaxRequestBodyBytes = maxRequestBodyBytes },
            Storage = new StorageConfig { Path = Path.Combine(storage, "switchyard.db") },
            RequestLog = new RequestLogConfig { FlushInterval = TimeSpan.FromMilliseconds(20) },
            Providers =
            [
                new ProviderConfig { Name = "sim", Kind = ProviderKind.OpenAI, BaseUrl = new Uri(simulator.BaseAddress, "v1"), ApiKey = "sk-test" },
                new ProviderConfig { Name = "dead", Kind = ProviderKind.OpenAI, BaseUrl = new Uri($"http://127.0.0.1:{ClosedPort()}/v1") },
                new ProviderConfig { Name = "sim-anthropic", Kind = ProviderKind.Anthropic, BaseUrl = new Uri(simulator.BaseAddress, "v1"), ApiKey = "sk-ant-test" },
                new ProviderConfig { Name = "sim-azure", Kind = ProviderKind.AzureOpenAI, BaseUrl = new Uri(simulator.BaseAddress.GetLeftPart(UriPartial.Authority)), ApiKey = "azure-test", ApiVersion = "2024-10-21" },
            ],
            Deployments = deployments,
            Routes = [.. routes.Select(r => new RouteConfig { Name = r.Route, Deployments = [.. r.Deployments.Select(d => d.Name)] })],
        };
        var log = new MemoryRequestLogStore();
        // SWITCHYARD_TEST_LOG=1 shows the gateway's own log while investigating a test.
        var verbose = Environment.GetEnvironmentVariable("SWITCHYARD_TEST_LOG") == "1";
        var gateway = await GatewayHost.StartAsync(config, new GatewayHostOptions
        {
            RequestLogStore = log,
            ConsoleLogging = verbose,
            MinimumLogLevel = verbose ? Microsoft.Extensions.Logging.LogLevel.Trace : Microsoft.Extensions.Logging.LogLevel.Information,
        });
        return new TestGateway(simulator, gateway, log, storage);
    }

    /// <summary>A deployment whose model starts with this is served by a provider where nothing listens.</summary>
    public const string DeadPrefix = "dead:";

    /// <summary>A deployment whose model starts with this is served through the simulator's Anthropic Messages API.</summary>
    public const string AnthropicPrefix = "anthropic:";

    /// <summary>A deployment whose model starts with this is served through the simulator's Azure OpenAI URLs.</summary>
    public const string AzurePrefix = "azure:";

    private static string ProviderOf(string model) => model.StartsWith(DeadPrefix, StringComparison.Ordinal) ? "dead"
        : model.StartsWith(AnthropicPrefix, StringComparison.Ordinal) ? "sim-anthropic"
        : model.StartsWith(AzurePrefix, StringComparison.Ordinal) ? "sim-azure"
        : "sim";

    // Bound for the whole test run and never listening: a connection to the port is refused, and no other test's server
    // can take it (a port that was only probed and released could be given to the next Kestrel on port 0, which then
    // answered for the "dead" upstream under parallel load).
    private static readonly List<System.Net.Sockets.Socket> ReservedPorts = [];

    /// <summary>A loopback port where nothing listens, and nothing else may.</summary>
    internal static int ClosedPort()
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        lock (ReservedPorts)
        {
            ReservedPorts.Add(socket);
        }

        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    public Task<HttpResponseMessage> PostAsync(string path, string json, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, CancellationToken cancellationToken = default)
        => Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(json) }, completion, cancellationToken);

    /// <summary>The request log entries, after everything enqueued so far is written.</summary>
    public async Task<IReadOnlyList<RequestLogEntry>> LogEntriesAsync()
    {
        await Gateway.FlushRequestLogAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return Log.Entries;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        await Simulator.DisposeAsync();
        if (Directory.Exists(Storage))
        {
            Directory.Delete(Storage, recursive: true);
        }
    }
}
