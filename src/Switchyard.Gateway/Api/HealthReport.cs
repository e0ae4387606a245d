using System.Text.Json.Serialization;

namespace Switchyard.Gateway.Api;

/// <summary>The <c>/healthz</c> and <c>/readyz</c> answer.</summary>
internal sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("routes")] int Routes,
    [property: JsonPropertyName("deployments")] int Deployments,
    [property: JsonPropertyName("request_log")] RequestLogHealth RequestLog);

/// <summary>
/// The request log's counters. <c>status</c> is <c>ok</c>, <c>degraded</c> (entries were dropped or failed to be written:
/// requests are still served, see the gateway's log for why) or <c>disabled</c>.
/// </summary>
internal sealed record RequestLogHealth(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("enqueued")] long Enqueued,
    [property: JsonPropertyName("written")] long Written,
    [property: JsonPropertyName("dropped")] long Dropped,
    [property: JsonPropertyName("failed_rows")] long FailedRows,
    [property: JsonPropertyName("queue_depth")] int QueueDepth);
