using System.Buffers;
using System.IO.Pipelines;
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

        var request = context.Request;
        if (request.ContentLength is { } declared && declared > limit)
        {
            await ApiErrorWriter.WriteAsync(context, new ApiError(StatusCodes.Status413PayloadTooLarge, "request_too_large",
                $"The request body is {declared:N0} bytes; this gateway accepts at most {limit:N0} bytes (server.max_request_body_bytes)."));
            return;
        }

        using var body = new PooledBufferWriter((int)Math.Min(limit, request.ContentLength ?? 16 * 1024) + 1);
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(context.RequestAborted);
            foreach (var segment in result.Buffer)
            {
                body.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (body.Length > limit)
            {
                await ApiErrorWriter.WriteAsync(context, new ApiError(StatusCodes.Status413PayloadTooLarge, "request_too_large",
                    $"The request body is larger than {limit:N0} bytes, the most this gateway accepts (server.max_request_body_bytes)."));
                return;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }

        var translated = new ArrayBufferWriter<byte>(body.Length + 256);
        if (AnthropicRequestTranslator.TryTranslate(body.WrittenSpan, translated, out _) is { } refused)
        {
            await ApiErrorWriter.WriteAsync(context, refused);
            return;
        }

        // The forwarder reads the translation as the request's body and writes its answer through the translation back.
        context.Features.Set<IRequestBodyPipeFeature>(new TranslatedBody(PipeReader.Create(new ReadOnlySequence<byte>(translated.WrittenMemory))));
        request.ContentLength = translated.WrittenCount;
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var answer = new AnthropicResponseBody(context, original);
        context.Features.Set<IHttpResponseBodyFeature>(answer);
        try
        {
            await forwarder.HandleAsync(context, EndpointKind.ChatCompletions);
            await answer.FinishAsync();
        }
        finally
        {
            context.Features.Set(original);
        }
    }

    private sealed class TranslatedBody(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }
}
