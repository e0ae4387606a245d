using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Api;

/// <summary>Maps the OpenAI-compatible API under <c>/v1</c>.</summary>
internal static class OpenAIEndpoints
{
    public static IEndpointRouteBuilder MapOpenAIEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var forwarder = endpoints.ServiceProvider.GetRequiredService<RequestForwarder>();
        var runtime = endpoints.ServiceProvider.GetRequiredService<GatewayRuntime>();

        // SECURITY: every endpoint of the group needs a client key when keys are required (Auth/ClientAuthentication).
        var v1 = endpoints.MapGroup("/v1").WithMetadata(ClientKeyRequired.Instance);
        v1.MapPost("/chat/completions", context => forwarder.HandleAsync(context, EndpointKind.ChatCompletions));
        v1.MapPost("/completions", context => forwarder.HandleAsync(context, EndpointKind.Completions));
        v1.MapPost("/embeddings", context => forwarder.HandleAsync(context, EndpointKind.Embeddings));
        v1.MapGet("/models", context =>
        {
            var snapshot = runtime.Current;
            if (!ClientAuthentication.TryGetKey(context, snapshot.Config, out var key, out var unauthenticated))
            {
                return ApiErrorWriter.WriteAsync(context, unauthenticated);
            }

            // A key sees the routes it may use, not every team's.
            var body = key is not null && RouteAccess.IsRestricted(key, RouteAccess.TeamOf(key, snapshot.Config))
                ? runtime.ModelsJsonFor(RouteAccess.Allowed(key, snapshot.Config))
                : snapshot.ModelsJson;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
        });
        v1.MapGet("/models/{id}", context =>
        {
            var snapshot = runtime.Current;
            if (!ClientAuthentication.TryGetKey(context, snapshot.Config, out var key, out var unauthenticated))
            {
                return ApiErrorWriter.WriteAsync(context, unauthenticated);
            }

            var id = (string)context.Request.RouteValues["id"]!;
            var team = key is null ? null : RouteAccess.TeamOf(key, snapshot.Config);
            if (!snapshot.Routes.TryGetRoute(id, out var route) || (key is not null && !RouteAccess.Allows(key, team, route.Name)))
            {
                // As OpenAI answers for a model the key may not use: not found, and only the key's own routes named.
                var available = key is not null && RouteAccess.IsRestricted(key, team) ? string.Join(", ", RouteAccess.Allowed(key, snapshot.Config)) : snapshot.Routes.DescribeRoutes();
                return ApiErrorWriter.WriteAsync(context, new ApiError(
                    StatusCodes.Status404NotFound,
                    ApiError.InvalidRequest,
                    $"The model '{id}' does not exist on this gateway{(key is null ? "" : " or your key may not use it")}. Available models: {available}.",
                    "model",
                    "model_not_found"));
            }

            return context.Response.WriteAsJsonAsync(new ModelInfo(route.Name, "model", 0, "switchyard"), ApiJsonContext.Default.ModelInfo, cancellationToken: context.RequestAborted);
        });

        // Anything else under /v1 gets OpenAI's error shape rather than an empty page.
        v1.Map("/{**rest}", context =>
        {
            var path = context.Request.Path.Value ?? string.Empty;
            var known = path is "/v1/chat/completions" or "/v1/completions" or "/v1/embeddings" or "/v1/messages" or "/v1/responses" or "/v1/models"
                || path.StartsWith("/v1/models/", StringComparison.Ordinal) || path.StartsWith("/v1/responses/", StringComparison.Ordinal);
            if (known)
            {
                var allowed = path.StartsWith("/v1/models", StringComparison.Ordinal) ? "GET" : path.StartsWith("/v1/responses/", StringComparison.Ordinal) ? "GET, DELETE" : "POST";
                context.Response.Headers.Allow = allowed;
                return ApiErrorWriter.WriteAsync(context, new ApiError(
                    StatusCodes.Status405MethodNotAllowed,
                    ApiError.InvalidRequest,
                    $"{context.Request.Method} is not allowed on {path}; use {allowed}.",
                    null,
                    "method_not_allowed"));
            }

            return ApiErrorWriter.WriteAsync(context, new ApiError(
                StatusCodes.Status404NotFound,
                ApiError.InvalidRequest,
                $"Unknown endpoint: {context.Request.Method} {path}. This gateway serves POST /v1/chat/completions, POST /v1/completions, POST /v1/embeddings, POST /v1/messages (Anthropic), POST /v1/responses (with GET and DELETE /v1/responses/{{id}}) and GET /v1/models.",
                null,
                "unknown_url"));
        });
        return endpoints;
    }
}
