using System.Net.Http.Headers;
using System.Text;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Tests.Functional;
using Switchyard.Simulator;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway.Tests.Routing;

/// <summary>
/// A real gateway configured from YAML in front of two simulated providers over sockets: <c>internal</c> (the company's
/// own model servers) and <c>external</c> (a frontier API). Each provider's own counters say what reached it.
/// </summary>
internal sealed class TieredGateway : IAsyncDisposable
{
    private TieredGateway(SimulatorHost inside, SimulatorHost outside, GatewayHost gateway, MemoryRequestLogStore log)
    {
        Internal = inside;
        External = outside;
        Gateway = gateway;
        Log = log;
        Client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public SimulatorHost Internal { get; }

    public SimulatorHost External { get; }

    public GatewayHost Gateway { get; }

    public MemoryRequestLogStore Log { get; }

    public HttpClient Client { get; }

    /// <summary>
    /// Starts the providers and a gateway whose <c>deployments:</c> and <c>routes:</c> sections are
    /// <paramref name="deploymentsAndRoutes"/> (YAML, top-level keys); providers <c>internal</c>, <c>external</c> and
    /// <c>dead</c> (nothing listens) are defined, and <c>other</c> at <paramref name="otherUpstream"/> when given.
    /// </summary>
    public static async Task<TieredGateway> StartAsync(string deploymentsAndRoutes, SimulatorOptions? simulator = null, int? seed = 7, SimulatorOptions? externalSimulator = null, Uri? otherUpstream = null)
    {
        var options = (simulator ?? SimulatorOptions.Instant()) with { Port = 0 };
        var inside = await SimulatorHost.StartAsync(options);
        var outside = await SimulatorHost.StartAsync(externalSimulator is null ? options : externalSimulator with { Port = 0 });
        var yaml = $"""
            server: {"{"} listen: "http://127.0.0.1:0" {"}"}
            request_log: {"{"} flush_interval: 20ms {"}"}
            {(deploymentsAndRoutes.Contains("registry:", StringComparison.Ordinal) ? "" : "registry: { enforce: off }")}
            providers:
              internal: {"{"} kind: openai, base_url: "{new Uri(inside.BaseAddress, "v1")}" {"}"}
              external: {"{"} kind: openai, base_url: "{new Uri(outside.BaseAddress, "v1")}" {"}"}
              dead: {"{"} kind: openai, base_url: "http://127.0.0.1:{TestGateway.ClosedPort()}/v1" {"}"}
              {(otherUpstream is null ? "" : $"other: {{ kind: openai, base_url: \"{otherUpstream}\" }}")}
            {deploymentsAndRoutes}
            """;
        var result = ConfigLoader.Parse(yaml, "tiered-test.yaml", _ => null);
        if (result.Config is not { } config)
        {
            await inside.DisposeAsync();
            await outside.DisposeAsync();
            throw new InvalidOperationException("test configuration is invalid:\n" + string.Join("\n", result.Errors) + "\n" + yaml);
        }

        var log = new MemoryRequestLogStore();
        var verbose = Environment.GetEnvironmentVariable("SWITCHYARD_TEST_LOG") == "1";
        var gateway = await GatewayHost.StartAsync(config, new GatewayHostOptions
        {
            RequestLogStore = log,
            ConsoleLogging = verbose,
            MinimumLogLevel = verbose ? Microsoft.Extensions.Logging.LogLevel.Trace : Microsoft.Extensions.Logging.LogLevel.Information,
            RandomSeed = seed,
        });
        return new TieredGateway(inside, outside, gateway, log);
    }

    public static string Chat(string model, string prompt, string? extra = null)
        => $$"""{"model":"{{model}}","messages":[{"role":"user","content":{{System.Text.Json.JsonSerializer.Serialize(prompt)}}}]{{(extra is null ? "" : "," + extra)}}}""";

    public Task<HttpResponseMessage> PostAsync(string json, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Client.SendAsync(request);
    }

    public async Task<IReadOnlyList<RequestLogEntry>> LogEntriesAsync()
    {
        await Gateway.FlushRequestLogAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return Log.Entries;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        await Internal.DisposeAsync();
        await External.DisposeAsync();
    }
}

internal static class ResponseHeaders
{
    public static string? Header(this HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
