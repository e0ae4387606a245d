using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Diagnostics;

/// <summary>
/// <c>GET /healthz</c>: the process is alive. <c>GET /readyz</c>: it is ready to take traffic (configuration loaded, store
/// open); a load balancer sends traffic only to ready instances. Both report the request log's counters (and, on
/// PostgreSQL, its spill file): a failing store degrades the log, never the serving.
/// </summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var runtime = endpoints.ServiceProvider.GetRequiredService<GatewayRuntime>();
        endpoints.MapGet("/healthz", context => context.Response.WriteAsJsonAsync(
            new HealthReport("ok", runtime.Routes.RouteNames.Length, runtime.Routes.Deployments.Length, Describe(runtime)),
            ApiJsonContext.Default.HealthReport,
            cancellationToken: context.RequestAborted));
        endpoints.MapGet("/readyz", context => context.Response.WriteAsJsonAsync(
            new HealthReport("ready", runtime.Routes.RouteNames.Length, runtime.Routes.Deployments.Length, Describe(runtime)),
            ApiJsonContext.Default.HealthReport,
            cancellationToken: context.RequestAborted));
        return endpoints;
    }

    private static RequestLogHealth Describe(GatewayRuntime runtime)
    {
        if (runtime.RequestLog is not { } writer)
        {
            return new RequestLogHealth("disabled", 0, 0, 0, 0, 0);
        }

        var stats = writer.Snapshot();
        var spill = runtime.RequestLogSpill?.Invoke();
        var status = stats.Dropped > 0 || stats.FailedRows > 0 || spill is { PendingRows: > 0 } or { Lost: > 0 } ? "degraded" : "ok";
        return new RequestLogHealth(status, stats.Enqueued, stats.Written, stats.Dropped, stats.FailedRows, stats.QueueDepth)
        {
            Spill = spill is { } s
                ? new SpillHealth(s.Unavailable ? "unavailable" : "ok", s.Path, s.PendingRows, s.Bytes, s.MaxBytes, s.Spilled, s.Replayed, s.Lost)
                : null,
        };
    }
}
