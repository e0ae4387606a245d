using System.Buffers;
using System.Text.Json;

namespace Switchyard.Gateway.Api;

/// <summary>The one place that turns an <see cref="ApiError"/> into an HTTP response.</summary>
internal static class ApiErrorWriter
{
    private static readonly JsonEncodedText ErrorName = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText MessageName = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText ParamName = JsonEncodedText.Encode("param");
    private static readonly JsonEncodedText CodeName = JsonEncodedText.Encode("code");

    /// <summary>Writes the error as the whole response. The response must not have started.</summary>
    public static Task WriteAsync(HttpContext context, in ApiError error)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        if (context.GetEndpoint()?.Metadata.GetMetadata<Anthropic.AnthropicErrorFormat>() is not null
            && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>() is not Anthropic.AnthropicResponseBody)
        {
            // /v1/messages before its translation is in place (authentication, a body too large): Anthropic's shape.
            Anthropic.AnthropicErrorFormat.Write(buffer, error);
        }
        else
        {
            Write(buffer, error);
        }
        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }

    /// <summary>Writes the error object <c>{"error":{...}}</c> as JSON.</summary>
    public static void Write(IBufferWriter<byte> output, in ApiError error)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteStartObject(ErrorName);
        writer.WriteString(MessageName, error.Message);
        writer.WriteString(TypeName, error.Type);
        if (error.Param is null)
        {
            writer.WriteNull(ParamName);
        }
        else
        {
            writer.WriteString(ParamName, error.Param);
        }

        if (error.Code is null)
        {
            writer.WriteNull(CodeName);
        }
        else
        {
            writer.WriteString(CodeName, error.Code);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
