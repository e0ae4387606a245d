using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Api;

/// <summary>
/// The two ends of an API served by translation (decision 17): the client's body read (bounded, as the forwarder reads
/// its own), then the forwarder run on the translated OpenAI request with a <see cref="TranslatingResponseBody"/> in
/// place of the response body.
/// </summary>
internal static class EdgeTranslation
{
    /// <summary>
    /// The client's body as a JSON object (at most 128 levels deep), or the 400 to answer with; <paramref name="example"/>
    /// shows a valid body in the message about an empty one. The caller disposes <paramref name="document"/>.
    /// </summary>
    public static ApiError? TryParseObject(ReadOnlySpan<byte> body, string example, out JsonDocument? document)
    {
        document = null;
        if (body.IsEmpty)
        {
            return ApiError.BadRequest($"The request body is empty. Send a JSON object, e.g. {example}.");
        }

        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException e)
        {
            return ApiError.BadRequest($"The request body is not valid JSON: {e.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            document = null;
            return ApiError.BadRequest("The request body must be a JSON object.");
        }

        return null;
    }

    /// <summary>
    /// Reads the request body, at most <paramref name="limit"/> bytes; past it, answers 413 and returns
    /// <see langword="null"/>. The caller disposes the buffer.
    /// </summary>
    public static async Task<PooledBufferWriter?> ReadBodyAsync(HttpContext context, long limit)
    {
        var request = context.Request;
        if (request.ContentLength is { } declared && declared > limit)
        {
            await ApiErrorWriter.WriteAsync(context, new ApiError(StatusCodes.Status413PayloadTooLarge, "request_too_large",
                $"The request body is {declared:N0} bytes; this gateway accepts at most {limit:N0} bytes (server.max_request_body_bytes)."));
            return null;
        }

        var body = new PooledBufferWriter((int)Math.Min(limit, request.ContentLength ?? 16 * 1024) + 1);
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
                body.Dispose();
                await ApiErrorWriter.WriteAsync(context, new ApiError(StatusCodes.Status413PayloadTooLarge, "request_too_large",
                    $"The request body is larger than {limit:N0} bytes, the most this gateway accepts (server.max_request_body_bytes)."));
                return null;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                return body;
            }
        }
    }

    /// <summary>
    /// Serves <paramref name="chatRequest"/> (an OpenAI chat completion request) through the forwarder, its answer
    /// written through <paramref name="answer"/>, which was made over the response's current body feature.
    /// </summary>
    public static async Task ForwardAsync(HttpContext context, RequestForwarder forwarder, ReadOnlyMemory<byte> chatRequest, TranslatingResponseBody answer)
    {
        // The forwarder reads the translation as the request's body and writes its answer through the translation back.
        context.Features.Set<IRequestBodyPipeFeature>(new TranslatedBody(PipeReader.Create(new ReadOnlySequence<byte>(chatRequest))));
        context.Request.ContentLength = chatRequest.Length;
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
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
