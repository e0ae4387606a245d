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
    public Deployment(DeploymentConfig config, ProviderConfig provider, TimeProvider time, Action<string, string>? onCircuitChange = null, Economics.DeploymentPrice? price = null)
    {
        Config = config;
        Provider = provider;
        Name = config.Name;
        // PERF: the upstream model name is spliced into every forwarded body; encode it (quotes included) once.
        EncodedModel = JsonSerializer.SerializeToUtf8Bytes(config.Model, GatewayJsonContext.Default.String);
        Upstream = Providers.Upstream.Create(provider, config, time);
        Health = new DeploymentHealth(config, time, onCircuitChange);
        _time = time;
        // Its configured price (pricing:, prices: or the catalog), computed by the route table with the configuration's prices.
        _price = price ?? Economics.DeploymentPrice.For(config);
        Meter = Measured(config);
        _ownsUpstream = true;
        if (config.HealthCheck is { } check)
        {
            _checks = new CancellationTokenSource();
            _ = CheckLoopAsync(check, time, onCircuitChange, _checks.Token);
        }
    }

    /// <summary>A LoRA adapter served by <paramref name="baseDeployment"/>'s server: same connections, same health.</summary>
    public Deployment(DeploymentConfig config, Deployment baseDeployment, Economics.DeploymentPrice? price = null)
    {
        Config = config;
        Provider = baseDeployment.Provider;
        Name = config.Name;
        EncodedModel = JsonSerializer.SerializeToUtf8Bytes(config.Model, GatewayJsonContext.Default.String);
        Upstream = baseDeployment.Upstream;
        Health = baseDeployment.Health;
        Base = baseDeployment;
        _time = baseDeployment._time;
        // An adapter runs on its base's GPUs: without a price of its own, its tokens cost what the base's do (and count in
        // the base's measured throughput).
        if ((price ?? Economics.DeploymentPrice.For(config)) is { } own)
        {
            _price = own;
            Meter = Measured(config);
        }
        else if (config.Pricing is not { None: true })
        {
            _inherits = baseDeployment;
            Meter = baseDeployment.Meter;
        }
    }

    private readonly TimeProvider _time;
    private readonly Economics.DeploymentPrice? _price;
    private readonly Deployment? _inherits;

    /// <summary>
    /// What its tokens cost now, or <see langword="null"/> when it is not costed: fixed, or on the measured basis the
    /// price of the current minute (read it once per call: the call's header and log entry use that one figure).
    /// </summary>
    public Economics.DeploymentPrice? Price => _inherits is { } inherited ? inherited.Price : Meter is { } meter ? meter.Price(_time.GetUtcNow()) : _price;

    /// <summary>The price its configuration gives it (before any measurement), to tell whether a reload changed it.</summary>
    internal Economics.DeploymentPrice? ConfiguredPrice => _price;

    /// <summary>The dearest its tokens can cost while this configuration runs: what a budget's worst case reserves.</summary>
    public Economics.DeploymentPrice? WorstCasePrice => _inherits is { } inherited ? inherited.WorstCasePrice : Meter?.Ceiling ?? _price;

    /// <summary>
    /// Where its calls' tokens are counted when a price follows the measured throughput: its own meter, or its base's
    /// when it inherits the base's price; <see langword="null"/> otherwise.
    /// </summary>
    public Economics.ThroughputMeter? Meter { get; }

    private static Economics.ThroughputMeter? Measured(DeploymentConfig config)
        => config.Pricing is { Basis: PricingBasis.Measured, TokensPerSecond: not null } hardware ? new Economics.ThroughputMeter(hardware) : null;

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
