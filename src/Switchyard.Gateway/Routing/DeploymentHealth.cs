using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Fallback;
using Switchyard.Gateway.Forwarding;

namespace Switchyard.Gateway.Routing;

/// <summary>
/// The state a model server has, whichever deployments it serves: its concurrency slots, its circuit breaker, the
/// verdict of its active health checks and its time-to-first-token average. A LoRA adapter shares its base's.
/// </summary>
/// <remarks>
/// The circuit breaker (<see cref="CircuitBreakerState"/>) counts failures (connect, timeout, 5xx, broken responses) over
/// a sampling window, opens when their share passes the ratio, lets one probe through after the break, and closes on its
/// success. The forwarder skips a deployment whose circuit is open (no attempt is made, so nothing is retried into it).
/// </remarks>
internal sealed class DeploymentHealth
{
    private const double EwmaWeight = 0.3;

    private readonly int? _maxConcurrency;
    private int _inFlight;
    private long _ttftEwmaBits;
    private int _consecutiveCheckFailures;
    private volatile bool _checkFailed;

    public DeploymentHealth(DeploymentConfig config, TimeProvider time, Action<string, string>? onCircuitChange = null)
    {
        Name = config.Name;
        _maxConcurrency = config.MaxConcurrency;
        HealthCheck = config.HealthCheck;
        var breaker = config.CircuitBreaker;
        if (!breaker.Enabled)
        {
            return;
        }

        var name = config.Name;
        Circuit = new CircuitBreakerState(breaker, time, onCircuitChange is null ? null : state => onCircuitChange(name, state));
    }

    /// <summary>The base deployment's name (the one this state belongs to).</summary>
    public string Name { get; }

    /// <summary>The circuit breaker every attempt asks first, or <see langword="null"/> when it is disabled.</summary>
    public CircuitBreakerState? Circuit { get; }

    public HealthCheckConfig? HealthCheck { get; }

    public int? MaxConcurrency => _maxConcurrency;

    /// <summary>Requests currently sent to this server (adapters included).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Why the deployment must be passed over now, or <see langword="null"/> when it may be tried. An open circuit is
    /// not decided here: it moves to half-open only when an attempt asks, so the attempt asks the circuit, which refuses
    /// it at no cost (no connection is made) or lets it through as the probe.
    /// </summary>
    public string? Unavailable => _checkFailed ? "unhealthy" : null;

    /// <summary>Exponentially weighted average of the time to first token, in milliseconds; 0 before any sample.</summary>
    public double TimeToFirstTokenMs => BitConverter.Int64BitsToDouble(Volatile.Read(ref _ttftEwmaBits));

    /// <summary>Takes a concurrency slot; false when the server is at its <c>max_concurrency</c>.</summary>
    public bool TryAcquire()
    {
        var now = Interlocked.Increment(ref _inFlight);
        if (_maxConcurrency is { } max && now > max)
        {
            Interlocked.Decrement(ref _inFlight);
            return false;
        }

        return true;
    }

    public void Release() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Adds a time-to-first-token sample to the average (a lost update under a race only drops one sample).</summary>
    public void RecordTimeToFirstToken(double milliseconds)
    {
        var current = TimeToFirstTokenMs;
        var next = current == 0 ? milliseconds : current + (EwmaWeight * (milliseconds - current));
        Volatile.Write(ref _ttftEwmaBits, BitConverter.DoubleToInt64Bits(next));
    }

    /// <summary>Records an active health check; returns true when the verdict changed.</summary>
    public bool RecordCheck(bool healthy)
    {
        if (healthy)
        {
            Volatile.Write(ref _consecutiveCheckFailures, 0);
            var changed = _checkFailed;
            _checkFailed = false;
            return changed;
        }

        var failures = Interlocked.Increment(ref _consecutiveCheckFailures);
        if (failures >= (HealthCheck?.UnhealthyAfter ?? 1) && !_checkFailed)
        {
            _checkFailed = true;
            return true;
        }

        return false;
    }

    /// <summary>Outcomes that say the server is in trouble; the client's own mistakes and departures do not.</summary>
    internal static bool CountsAsFailure(in AttemptResult result)
        => result.Failure?.Kind is UpstreamFailureKind.Connect or UpstreamFailureKind.Timeout
            or UpstreamFailureKind.ServerError or UpstreamFailureKind.BrokenResponse;

    /// <summary>An attempt that threw: a bug or a transport surprise counts against the server, a cancellation does not.</summary>
    internal static bool CountsAsFailure(Exception exception) => exception is not OperationCanceledException;
}
