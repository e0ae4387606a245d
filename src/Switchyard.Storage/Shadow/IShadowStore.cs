namespace Switchyard.Storage.Shadow;

/// <summary>
/// Shadow comparisons and their daily counters: written in batches by the gateway's shadow writer (off the request path),
/// read by <c>switchyard shadow report</c>, <c>switchyard dataset export --source shadow</c> and the shadow budget's seed.
/// On PostgreSQL every instance writes to the same tables, and the counters of a day add up across them.
/// </summary>
public interface IShadowStore
{
    /// <summary>Adds comparisons and counts in one transaction; counts are added to the day's row of their route and candidate.</summary>
    void Add(IReadOnlyCollection<ShadowComparison> comparisons, IReadOnlyCollection<ShadowCounters> counters);

    /// <summary>Comparisons at or after <paramref name="since"/> (and before <paramref name="until"/>), of one route when given, oldest first.</summary>
    IReadOnlyList<ShadowComparison> Query(string? route, DateTimeOffset? since, DateTimeOffset? until = null);

    /// <summary>The counters of the days from <paramref name="since"/>'s day on, of one route when given.</summary>
    IReadOnlyList<ShadowCounters> Counters(string? route, DateTimeOffset? since);

    /// <summary>
    /// The route's answered requests (2xx, chat and text completions) in the request log from <paramref name="since"/>
    /// to <paramref name="until"/>, and when the first of them came: the volume a switch would apply to.
    /// </summary>
    (long Requests, DateTimeOffset? First) RouteVolume(string route, DateTimeOffset since, DateTimeOffset until);
}
