using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Api.Anthropic;

/// <summary>
/// The response body of a <c>/v1/messages</c> request while the forwarder serves it in OpenAI's format: answers and
/// errors translated whole into Anthropic's, streams event by event (<see cref="OpenAIStreamTranslator"/>).
/// </summary>
internal sealed class AnthropicResponseBody(HttpContext context, IHttpResponseBodyFeature inner) : TranslatingResponseBody(context, inner)
{
    private readonly OpenAIStreamTranslator _stream = new();

    public override string Ingress => "messages";

    protected override void TranslateJson(ReadOnlySpan<byte> body, int status, PooledBufferWriter output)
        => OpenAICompletionTranslator.Translate(body, status, output);

    protected override void TranslateEvent(ReadOnlySpan<byte> data, PooledBufferWriter output) => _stream.Translate(data, output);

    protected override void WriteStreamError(PooledBufferWriter output, string message)
        => OpenAIStreamTranslator.WriteError(output, "api_error"u8, JsonEncodedText.Encode(message).EncodedUtf8Bytes);
}
