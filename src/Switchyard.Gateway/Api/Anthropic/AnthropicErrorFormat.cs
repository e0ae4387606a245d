using System.Buffers;
using System.Text.Json;
using Switchyard.Gateway.Providers.Anthropic;

namespace Switchyard.Gateway.Api.Anthropic;

/// <summary>
/// Endpoint metadata: errors on this endpoint are written in Anthropic's shape,
/// <c>{"type":"error","error":{"type","message"}}</c>, by <see cref="ApiErrorWriter"/>, so that an Anthropic SDK raises
/// them as its own error types (authentication, rate limit, ...) whichever part of the gateway refused the request.
/// </summary>
internal sealed class AnthropicErrorFormat
{
    public static readonly AnthropicErrorFormat Instance = new();

    private AnthropicErrorFormat()
    {
    }

    public static void Write(IBufferWriter<byte> output, in ApiError error)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "error"u8);
        writer.WriteStartObject("error"u8);
        writer.WriteString("type"u8, AnthropicErrors.TypeFor(error.Type, error.Status));
        writer.WriteString("message"u8, error.Message);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
