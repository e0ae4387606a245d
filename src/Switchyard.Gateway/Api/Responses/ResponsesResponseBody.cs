using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Api.Responses;

/// <summary>
/// The response body of a <c>/v1/responses</c> request while the forwarder serves it as a chat completion: answers
/// become response objects (<see cref="ChatCompletionTranslator"/>), streams Responses events
/// (<see cref="ResponsesStreamTranslator"/>), errors stay OpenAI's. A finished response (completed or incomplete) is
/// handed to <paramref name="save"/> before its last bytes are written, so a client that has read it can continue it at
/// once with <c>previous_response_id</c>.
/// </summary>
internal sealed class ResponsesResponseBody(HttpContext context, IHttpResponseBodyFeature inner, ResponseShell shell, TimeProvider time, Func<byte[], Task>? save)
    : TranslatingResponseBody(context, inner)
{
    private readonly ResponsesStreamTranslator _stream = new(shell, time);
    private byte[]? _finished;

    public override string Ingress => "responses";

    /// <summary>How the stream ended (<see cref="ResponsesStreamTranslator.Outcome.Open"/> for JSON answers).</summary>
    public ResponsesStreamTranslator.Outcome StreamOutcome => _stream.State;

    protected override void TranslateJson(ReadOnlySpan<byte> body, int status, PooledBufferWriter output)
    {
        if (ChatCompletionTranslator.Translate(body, status, shell, time.GetUtcNow().ToUnixTimeSeconds(), output))
        {
            _finished = output.WrittenSpan.ToArray();
        }
    }

    protected override void TranslateEvent(ReadOnlySpan<byte> data, PooledBufferWriter output)
    {
        _stream.Translate(data, output);
        if (_stream.State is ResponsesStreamTranslator.Outcome.Completed or ResponsesStreamTranslator.Outcome.Incomplete && _finished is null)
        {
            _finished = _stream.FinalResponse.ToArray();
        }
    }

    protected override void WriteStreamError(PooledBufferWriter output, string message)
        => _stream.Fail(output, JsonEncodedText.Encode(message).EncodedUtf8Bytes);

    protected override async ValueTask BeforeWriteAsync(CancellationToken cancellationToken)
    {
        if (_finished is { } response && save is not null)
        {
            _finished = [];
            if (response.Length > 0)
            {
                await save(response);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stream.Dispose();
        }

        base.Dispose(disposing);
    }
}
