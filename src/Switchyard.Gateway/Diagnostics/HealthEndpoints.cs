using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Diagnostics;

/// <summary>
/// <c>GET /healthz</c>: the process is alive. <c>GET /readyz</c>: it is ready to take traffic (configuration loaded, store
/// open); a load balancer sends traffic only to ready instances.
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

    private static string Describe(GatewayRuntime runtime) => runtime.RequestLog is null ? "disabled" : "enabled";
}
