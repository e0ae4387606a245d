using System.Text.Json.Serialization;

namespace Switchyard.Gateway.Api;

/// <summary>The <c>/healthz</c> and <c>/readyz</c> answer.</summary>
internal sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("routes")] int Routes,
    [property: JsonPropertyName("deployments")] int Deployments,
    [property: JsonPropertyName("request_log")] string RequestLog);
