using System.Collections.Immutable;

namespace Switchyard.Gateway.Economics.Tco;

/// <summary>What the request log says was served over a window: per deployment and per day.</summary>
internal sealed record TrafficUsage
{
    /// <summary>Per deployment, by tokens, most first.</summary>
    public required ImmutableArray<DeploymentUsage> Deployments { get; init; }

    /// <summary>Per UTC day, oldest first; days without traffic are left out.</summary>
    public required ImmutableArray<DailyUsage> Days { get; init; }

    /// <summary>Where the averages start: the window's start, or the first request when the log starts later.</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>Where the window ends (now).</summary>
    public required DateTimeOffset Until { get; init; }

    /// <summary>Requests in the window without a deployment or without token counts (failed before an upstream answered).</summary>
    public long RequestsWithoutTokens { get; init; }

    /// <summary>Days the averages divide by: <see cref="Until"/> − <see cref="From"/>, at least an hour.</summary>
    public decimal ObservedDays => Math.Max((decimal)(Until - From).TotalHours, 1) / 24;
}
