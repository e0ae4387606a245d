using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Api.Anthropic;

/// <summary>
/// Maps Anthropic's Messages API, <c>POST /v1/messages</c>: Anthropic clients reach every route, whatever tier serves it.
/// </summary>
/// <remarks>
/// <code>
/// read body (bounded) ─► AnthropicRequestTranslator ─► OpenAI chat request ─┐
///   400 in Anthropic's shape when it cannot be translated                   ▼
/// RequestForwarder (auth, route, limits, budgets, quality gate, failover, costs, request log: as for chat completions)
///   ─► AnthropicResponseBody: JSON translated whole, streams event by event, errors in Anthropic's shape ─► client
/// </code>
/// Authentication is the <c>/v1</c> group's (a key as <c>x-api-key</c> or <c>Authorization: Bearer</c>). The
/// <c>anthropic-version</c> header is accepted but not required: every version answers the same here (README).
/// </remarks>
internal static class AnthropicEndpoints
{
    public static IEndpointRouteBuilder MapAnthropicEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var forwarder = endpoints.ServiceProvider.GetRequiredService<RequestForwarder>();
        var runtime = endpoints.ServiceProvider.GetRequiredService<GatewayRuntime>();

        // SECURITY: the same key check as every /v1 endpoint (Auth/ClientAuthentication).
        endpoints.MapPost("/v1/messages", context => HandleAsync(context, forwarder, runtime.Current.Config.Server.MaxRequestBodyBytes))
            .WithMetadata(ClientKeyRequired.Instance, AnthropicErrorFormat.Instance);
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context, RequestForwarder forwarder, long limit)
    {
        // Anthropic's SDKs report the request-id header with their errors; the gateway's id is the one to quote.
        context.Response.OnStarting(static state =>
        {
            var response = ((HttpContext)state).Response;
            response.Headers["request-id"] = response.Headers["x-request-id"];
            return Task.CompletedTask;
        }, context);

        using var body = await EdgeTranslation.ReadBodyAsync(context, limit);
        if (body is null)
        {
            return;
        }

        var translated = new ArrayBufferWriter<byte>(body.Length + 256);
        if (AnthropicRequestTranslator.TryTranslate(body.WrittenSpan, translated, out _) is { } refused)
        {
            await ApiErrorWriter.WriteAsync(context, refused);
            return;
        }

        using var answer = new AnthropicResponseBody(context, context.Features.GetRequiredFeature<IHttpResponseBodyFeature>());
        await EdgeTranslation.ForwardAsync(context, forwarder, translated.WrittenMemory, answer);
    }
}
