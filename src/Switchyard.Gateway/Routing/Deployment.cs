using System.Text.Json;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Providers;

namespace Switchyard.Gateway.Routing;

/// <summary>
/// A deployment as the request path sees it: its configuration, what can be computed once (the encoded upstream model
/// name, the endpoint URLs, the upstream client) and the health it shares with every deployment on the same server.
/// </summary>
internal sealed class Deployment : IDisposable
{
    private readonly bool _ownsUpstream;
    private readonly CancellationTokenSource? _checks;
    private int _refusesLogprobs;

    /// <summary>A deployment on its own server.</summary>
    public Deployment(DeploymentConfig config, ProviderConfig provider, TimeProvider time, Action<string, string>? onCircuitChange = null)
    {
        Config = config;
        Provider = provider;
        Name = config.Name;
        // PERF: the upstream model name is spliced into every forwarded body; encode it (quotes included) once.
        EncodedModel = JsonSerializer.SerializeToUtf8Bytes(config.Model, GatewayJsonContext.Default.String);
        Upstream = Providers.Upstream.Create(provider, config, time);
        Health = new DeploymentHealth(config, time, onCircuitChange);
        Price = Economics.DeploymentPrice.For(config);
        _ownsUpstream = true;
        if (config.HealthCheck is { } check)
        {
            _checks = new CancellationTokenSource();
            _ = CheckLoopAsync(check, time, onCircuitChange, _checks.Token);
        }
    }

    /// <summary>A LoRA adapter served by <paramref name="baseDeployment"/>'s server: same connections, same health.</summary>
    public Deployment(DeploymentConfig config, Deployment baseDeployment)
    {
        Config = config;
        Provider = baseDeployment.Provider;
        Name = config.Name;
        EncodedModel = JsonSerializer.SerializeToUtf8Bytes(config.Model, GatewayJsonContext.Default.String);
        Upstream = baseDeployment.Upstream;
        Health = baseDeployment.Health;
        Base = baseDeployment;
        // An adapter runs on its base's GPUs: without a price of its own, its tokens cost what the base's do.
        Price = Economics.DeploymentPrice.For(config) ?? (config.Pricing is { None: true } ? null : baseDeployment.Price);
    }

    /// <summary>What its tokens cost, or <see langword="null"/> when it is not costed.</summary>
    public Economics.DeploymentPrice? Price { get; }

    public string Name { get; }

    public DeploymentConfig Config { get; }

    public ProviderConfig Provider { get; }

    /// <summary>The deployment serving the base model, for a LoRA adapter.</summary>
    public Deployment? Base { get; }

    /// <summary>The upstream model name as a JSON string literal, quotes included.</summary>
    public byte[] EncodedModel { get; }

    public Upstream Upstream { get; }

    /// <summary>Slots, circuit, health checks and latency: shared with the base (or the adapters) on the same server.</summary>
    public DeploymentHealth Health { get; }

    /// <summary>
    /// True while its registry model is not approved (revoked, say): the forwarder skips it. Set by the registry gate
    /// each second; a plain volatile read on the request path.
    /// </summary>
    public bool Withdrawn
    {
        get => Volatile.Read(ref _withdrawn);
        set => Volatile.Write(ref _withdrawn, value);
    }

    private bool _withdrawn;

    public bool IsExternal => Config.Hosting == Hosting.External;

    /// <summary>The server rejected the logprobs a quality gate asked for: it is not asked again while this deployment lives.</summary>
    public bool RefusesLogprobs => Volatile.Read(ref _refusesLogprobs) != 0;

    /// <summary>Requests currently sent to this deployment's server.</summary>
    public int InFlight => Health.InFlight;

    /// <summary>Remembers that the server rejects logprobs; <see langword="true"/> only the first time, to log it once.</summary>
    public bool RefuseLogprobs() => Interlocked.Exchange(ref _refusesLogprobs, 1) == 0;

    public void Dispose()
    {
        _checks?.Cancel();
        _checks?.Dispose();
        if (_ownsUpstream)
        {
            Upstream.Dispose();
        }
    }

    /// <summary>
    /// Active health checks, for as long as the deployment lives: one GET every interval; <c>unhealthy_after</c> failures
    /// in a row take it out of rotation (it is skipped, not retried into), one success puts it back.
    /// </summary>
    private async Task CheckLoopAsync(HealthCheckConfig check, TimeProvider time, Action<string, string>? onChange, CancellationToken cancellationToken)
    {
        var uri = Upstream.HealthUri(check.Url);
        try
        {
            using var timer = new PeriodicTimer(check.Interval, time);
            do
            {
                var (healthy, detail) = await Upstream.CheckAsync(uri, check.Timeout, cancellationToken);
                if (Health.RecordCheck(healthy))
                {
                    onChange?.Invoke(Name, healthy ? $"healthy again ({detail})" : $"unhealthy: {detail}");
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
            // The deployment was retired while a check was in flight.
        }
    }
}
