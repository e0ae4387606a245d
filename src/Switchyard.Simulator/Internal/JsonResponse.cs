using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Internal;

/// <summary>Sends a JSON body built in a pooled buffer, with its <c>Content-Length</c>.</summary>
internal static class JsonResponse
{
    public const string ContentType = "application/json";

    /// <summary>Builds a JSON body with <paramref name="write"/> and sends it.</summary>
    public static async Task SendAsync<TState>(HttpContext context, int status, TState state, Action<Utf8JsonWriter, TState> write, CancellationToken cancellationToken)
    {
        using var body = new PooledByteBuffer();
        var writer = JsonWriterCache.Rent(body);
        try
        {
            write(writer, state);
            writer.Flush();
        }
        finally
        {
            JsonWriterCache.Return(writer);
        }

        await SendAsync(context, status, body.WrittenMemory, cancellationToken);
    }

    public static async Task SendAsync(HttpContext context, int status, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        await response.BodyWriter.WriteAsync(body, cancellationToken);
    }

    /// <summary>
    /// Sends an error in OpenAI's format, or Anthropic's for <paramref name="anthropic"/> (and its <c>Retry-After</c> for a
    /// 429 is the caller's to set).
    /// </summary>
    public static Task SendErrorAsync(HttpContext context, RequestError error, CancellationToken cancellationToken, bool anthropic = false)
        => anthropic
            ? SendAsync(context, error.Status, error, static (writer, e) => AnthropicResponseWriter.WriteError(writer, e), cancellationToken)
            : SendAsync(context, error.Status, error, static (writer, e) => ErrorResponseWriter.Write(writer, e), cancellationToken);
}
