namespace Switchyard.Storage.RequestLog;

/// <summary>
/// Latency percentiles of the answered (2xx) requests of one time bucket (or of a whole window), by the nearest-rank
/// method: p95 is the latency of the request at rank ⌈0.95·n⌉ in ascending order, a latency some request really had.
/// </summary>
/// <param name="Bucket">The bucket's index from the start of the window; -1 for the whole window.</param>
/// <param name="Count">Answered requests in the bucket.</param>
/// <param name="P50">The median, in milliseconds.</param>
/// <param name="P95">The 95th percentile, in milliseconds.</param>
/// <param name="P99">The 99th percentile, in milliseconds.</param>
public readonly record struct LatencyPercentiles(int Bucket, long Count, double P50, double P95, double P99);
