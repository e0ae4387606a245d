using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Diagnostics.Metrics;

/// <summary>
/// <c>GET /metrics</c> (or <c>metrics.path</c>): the Prometheus text exposition of <see cref="GatewayMetrics"/>, on the
/// main listener or on <c>metrics.listen</c> alone.
/// </summary>
/// <remarks>
/// SECURITY: the page names routes, deployments and teams and shows what each spends; it never holds prompts, answers,
/// keys or request ids. With <c>require_key</c> it needs a key that reads every team's costs anyway (admin, operator,
/// auditor, or the bootstrap admin key): a client key would see other teams' spending. docs/decisions/0018 weighs the
/// defaults.
/// </remarks>
internal static class MetricsEndpoints
{
    /// <summary>
    /// Maps the endpoint on <paramref name="endpoints"/>: the page of <paramref name="metrics"/> and <paramref name="runtime"/>,
    /// with <paramref name="inFlight"/> (the forwarder's count of requests being handled); keys are checked by
    /// <paramref name="authenticator"/> (opened on the first scrape that needs it), and <paramref name="bootstrapKey"/> may scrape too.
    /// </summary>
    public static IEndpointConventionBuilder MapMetricsEndpoint(this IEndpointRouteBuilder endpoints, GatewayMetrics metrics, GatewayRuntime runtime, Func<int> inFlight, Func<KeyAuthenticator> authenticator, string? bootstrapKey)
    {
        var config = runtime.Config;
        var requireKey = config.Metrics.KeyRequired(config.Auth);
        var bootstrap = bootstrapKey is { Length: >= Admin.AdminEndpoints.MinBootstrapLength } secret ? SHA256.HashData(Encoding.UTF8.GetBytes(secret)) : null;
        return endpoints.MapGet(config.Metrics.Path, async context =>
        {
            if (requireKey && Refusal(context, authenticator, bootstrap) is { } refusal)
            {
                if (refusal.Status == StatusCodes.Status401Unauthorized)
                {
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                }

                await ApiErrorWriter.WriteAsync(context, refusal);
                return;
            }

            var page = MetricsExposition.Write(metrics, runtime, inFlight()).ToUtf8();
            var response = context.Response;
            response.ContentType = PrometheusTextWriter.ContentType;
            response.ContentLength = page.Length;
            response.Headers.CacheControl = "no-store";
            await response.Body.WriteAsync(page, context.RequestAborted);
        });
    }

    /// <summary>Why the caller may not scrape, or <see langword="null"/> when it may.</summary>
    private static ApiError? Refusal(HttpContext context, Func<KeyAuthenticator> authenticator, byte[]? bootstrap)
    {
        if (Admin.AdminEndpoints.Authenticate(context, authenticator, bootstrap) is not { } caller)
        {
            return new ApiError(StatusCodes.Status401Unauthorized, ApiError.InvalidRequest,
                "The metrics need a key with the admin, operator or auditor role: Authorization: Bearer <key> (in Prometheus: authorization: { credentials_file: ... }). Create one with `switchyard keys create --team ops --role auditor`, or set metrics.require_key: false.",
                null, "invalid_api_key");
        }

        return caller.ReadsEverything
            ? null
            : new ApiError(StatusCodes.Status403Forbidden, "permission_error",
                $"The key {caller.Actor} may not read the metrics: they show every team's spending, so only admin, operator and auditor keys may. Use a key with one of those roles.",
                null, "permission_denied");
    }
}
