using System.Text.Json.Serialization;

namespace Switchyard.Gateway.Api;

/// <summary>The <c>/healthz</c> and <c>/readyz</c> answer.</summary>
internal sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("routes")] int Routes,
    [property: JsonPropertyName("deployments")] int Deployments,
    [property: JsonPropertyName("request_log")] RequestLogHealth RequestLog);

/// <summary>
/// The request log's counters. <c>status</c> is <c>ok</c>, <c>degraded</c> (entries were dropped or failed to be written,
/// or rows wait in the spill file for PostgreSQL: requests are still served, see the gateway's log for why) or
/// <c>disabled</c>.
/// </summary>
internal sealed record RequestLogHealth(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("enqueued")] long Enqueued,
    [property: JsonPropertyName("written")] long Written,
    [property: JsonPropertyName("dropped")] long Dropped,
    [property: JsonPropertyName("failed_rows")] long FailedRows,
    [property: JsonPropertyName("queue_depth")] int QueueDepth)
{
    /// <summary>PostgreSQL's spill file; absent on SQLite.</summary>
    [JsonPropertyName("spill")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SpillHealth? Spill { get; init; }
}

/// <summary>
/// The request log's spill file (PostgreSQL): rows waiting for the database (<c>pending_rows</c>, on disk), rows written to
/// it since the start and replayed from it, and rows <c>lost</c> beyond its bound (also in <c>failed_rows</c>).
/// <c>postgres</c> is <c>unavailable</c> while the last write found PostgreSQL down and nothing was replayed since.
/// </summary>
internal sealed record SpillHealth(
    [property: JsonPropertyName("postgres")] string Postgres,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("pending_rows")] long PendingRows,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("max_bytes")] long MaxBytes,
    [property: JsonPropertyName("spilled")] long Spilled,
    [property: JsonPropertyName("replayed")] long Replayed,
    [property: JsonPropertyName("lost")] long Lost);
