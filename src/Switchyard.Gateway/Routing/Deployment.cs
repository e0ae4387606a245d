using System.Text.Json;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Providers.OpenAI;

namespace Switchyard.Gateway.Routing;

/// <summary>
/// A deployment as the request path sees it: its configuration, what can be computed once (the encoded upstream model
/// name, the endpoint URLs, the upstream client) and its one piece of mutable state, the in-flight count.
/// </summary>
internal sealed class Deployment : IDisposable
{
    private int _inFlight;

    public Deployment(DeploymentConfig config, ProviderConfig provider)
    {
        Config = config;
        Provider = provider;
        Name = config.Name;
        // PERF: the upstream model name is spliced into every forwarded body; encode it (quotes included) once.
        EncodedModel = JsonSerializer.SerializeToUtf8Bytes(config.Model, GatewayJsonContext.Default.String);
        Upstream = new OpenAIUpstream(provider, config);
    }

    public string Name { get; }

    public DeploymentConfig Config { get; }

    public ProviderConfig Provider { get; }

    /// <summary>The upstream model name as a JSON string literal, quotes included.</summary>
    public byte[] EncodedModel { get; }

    public OpenAIUpstream Upstream { get; }

    /// <summary>Requests currently sent to this deployment.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes a concurrency slot; false when the deployment is at its <c>max_concurrency</c>.</summary>
    public bool TryAcquire()
    {
        var now = Interlocked.Increment(ref _inFlight);
        if (Config.MaxConcurrency is { } max && now > max)
        {
            Interlocked.Decrement(ref _inFlight);
            return false;
        }

        return true;
    }

    public void Release() => Interlocked.Decrement(ref _inFlight);

    public void Dispose() => Upstream.Dispose();
}
