using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Api.Anthropic;

/// <summary>
/// The response body of a <c>/v1/messages</c> request while the forwarder serves it in OpenAI's format: whatever the
/// forwarder writes is translated on its way to the client. An event stream is translated event by event at each flush
/// (nothing is held beyond an incomplete event); a JSON body (an answer or an error) is translated whole, and its
/// <c>Content-Length</c> set to the translation's.
/// </summary>
/// <remarks>
/// Translating at the edge keeps the forwarder unaware of Anthropic: routing, limits, budgets, the quality gate,
/// failover, costs and the request log work on the OpenAI request as for <c>/v1/chat/completions</c>.
/// </remarks>
internal sealed class AnthropicResponseBody : IHttpResponseBodyFeature, IDisposable
{
    private readonly HttpContext _context;
    private readonly IHttpResponseBodyFeature _inner;
    private readonly PooledBufferWriter _pending = new(4096);
    private readonly PooledBufferWriter _translated = new(4096);
    private readonly OpenAIStreamTranslator _stream = new();
    private Mode _mode;
    private bool _done;

    public AnthropicResponseBody(HttpContext context, IHttpResponseBodyFeature inner)
    {
        _context = context;
        _inner = inner;
        Writer = new TranslatingWriter(this);
        Stream = new TranslatingStream(this);
    }

    private enum Mode
    {
        Undecided,
        Json,
        Events,
    }

    public Stream Stream { get; }

    public PipeWriter Writer { get; }

    public void DisableBuffering() => _inner.DisableBuffering();

    // The response starts when translated bytes are written: a JSON body's length is known only then.
    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("The forwarder never sends files.");

    public Task CompleteAsync() => FinishAsync();

    /// <summary>Translates what is left (a whole JSON body, a last event) and sends it. Called when the forwarder is done.</summary>
    public async Task FinishAsync()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        Decide();
        if (_mode == Mode.Json && _pending.Length > 0)
        {
            await WriteJsonAsync();
        }
        else if (_mode == Mode.Events && _pending.Length > 0)
        {
            await FlushEventsAsync(final: true, _context.RequestAborted);
        }
    }

    private void Decide()
    {
        if (_mode == Mode.Undecided)
        {
            _mode = _context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true ? Mode.Events : Mode.Json;
        }
    }

    private async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken)
    {
        Decide();
        if (_mode == Mode.Events)
        {
            return await FlushEventsAsync(final: false, cancellationToken);
        }

        // A JSON body is whole when its declared length has arrived (the forwarder always declares it).
        if (_context.Response.ContentLength is { } length && _pending.Length >= length && !_done)
        {
            _done = true;
            await WriteJsonAsync();
        }

        return default;
    }

    private async Task WriteJsonAsync()
    {
        _translated.Clear();
        OpenAICompletionTranslator.Translate(_pending.WrittenSpan, _context.Response.StatusCode, _translated);
        _pending.Clear();
        _context.Response.ContentLength = _translated.Length;
        await _inner.Stream.WriteAsync(_translated.WrittenMemory, _context.RequestAborted);
    }

    private async ValueTask<FlushResult> FlushEventsAsync(bool final, CancellationToken cancellationToken)
    {
        _translated.Clear();
        while (SseEvents.TryRead(_pending.WrittenSpan, out var consumed, out _, out var data))
        {
            if (!data.IsEmpty)
            {
                try
                {
                    _stream.Translate(data, _translated);
                }
                catch (JsonException e)
                {
                    OpenAIStreamTranslator.WriteError(_translated, "api_error"u8, JsonEncodedText.Encode("The gateway could not translate the stream: " + e.Message).EncodedUtf8Bytes);
                }
            }

            _pending.Consume(consumed);
        }

        if (final)
        {
            _pending.Clear();
        }

        if (_translated.Length == 0)
        {
            return default;
        }

        var output = _inner.Writer;
        output.Write(_translated.WrittenSpan);
        return await output.FlushAsync(cancellationToken);
    }

    public void Dispose()
    {
        _pending.Dispose();
        _translated.Dispose();
    }

    private sealed class TranslatingWriter(AnthropicResponseBody owner) : PipeWriter
    {
        public override void Advance(int bytes) => owner._pending.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => owner._pending.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => owner._pending.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => owner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => owner._inner.Writer.CancelPendingFlush();

        // The owner completes the response when the forwarder is done (FinishAsync).
        public override void Complete(Exception? exception = null)
        {
        }
    }

    private sealed class TranslatingStream(AnthropicResponseBody owner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            owner._pending.Write(buffer.Span);
            await owner.FlushAsync(cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => owner._pending.Write(buffer.AsSpan(offset, count));

        public override Task FlushAsync(CancellationToken cancellationToken) => owner.FlushAsync(cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
