namespace Switchyard.Gateway.Configuration;

/// <summary>
/// Where rate limits and budgets are counted (<c>limits:</c>): in this process (<c>memory</c>, the default) or in a Redis
/// shared by every gateway instance (<c>redis</c>), so that a limit of N a minute is N for the fleet.
/// </summary>
public sealed record LimitsConfig
{
    /// <summary>The key prefix when none is configured.</summary>
    public const string DefaultPrefix = "switchyard:";

    /// <summary>How long one Redis call may take before the gateway treats Redis as unreachable.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary><c>kind</c>: memory or redis.</summary>
    public LimitsKind Kind { get; init; } = LimitsKind.Memory;

    /// <summary><c>url</c>: the Redis server (<c>redis://host:port</c>, with a password and a database if needed).</summary>
    public RedisEndpoint? Redis { get; init; }

    /// <summary><c>on_failure</c>: what requests get while Redis is unreachable.</summary>
    public LimitsFailurePolicy OnFailure { get; init; } = LimitsFailurePolicy.Open;

    /// <summary><c>prefix</c>: prepended to every Redis key, so that several gateways (or other users) can share one Redis.</summary>
    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary><c>timeout</c>: how long one Redis call may take (250ms by default: a limit check is on every request's path).</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;
}

/// <summary>Where counters live.</summary>
public enum LimitsKind
{
    /// <summary>In this process: each instance counts on its own.</summary>
    Memory,

    /// <summary>In Redis, shared by every instance that names the same server and prefix.</summary>
    Redis,
}

/// <summary>What happens to requests while Redis cannot be reached.</summary>
public enum LimitsFailurePolicy
{
    /// <summary>Serve them, counted in this instance's memory meanwhile (a limit of N holds per instance).</summary>
    Open,

    /// <summary>Refuse them with 503 until Redis answers again.</summary>
    Closed,
}
