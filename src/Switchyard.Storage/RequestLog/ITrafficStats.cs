namespace Switchyard.Storage.RequestLog;

/// <summary>
/// The request log as time series (the dashboard's <c>/admin/stats</c>): counts, tokens and costs by bucket, route, tier
/// and deployment; latency percentiles per bucket (nearest rank); the checks escalated answers failed. Everything is added
/// up by the database, so a window of a busy day returns a few hundred rows, not its requests.
/// </summary>
/// <remarks>
/// Two implementations: <c>SqliteTrafficStats</c> (the SQLite file) and, on PostgreSQL, <c>SqlTrafficStats</c> over its
/// pooled data source; both run the same SQL (<c>Sql/</c>).
/// </remarks>
public interface ITrafficStats
{
    /// <summary>
    /// The requests from <paramref name="start"/> over <paramref name="buckets"/> buckets of <paramref name="step"/> each.
    /// Times are the request log's unix milliseconds, so <paramref name="step"/> is taken in whole milliseconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is under a millisecond, or <paramref name="buckets"/> is not in 1..<see cref="TrafficSummary.MaxBuckets"/>.</exception>
    TrafficSummary Summarize(DateTimeOffset start, TimeSpan step, int buckets);
}
