using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Api;

/// <summary>
/// The response body of a request served by the forwarder in OpenAI's Chat Completions format for a client of another
/// API (Anthropic's <c>/v1/messages</c>, OpenAI's <c>/v1/responses</c>): whatever the forwarder writes is translated on
/// its way to the client. An event stream is translated event by event at each flush (nothing is held beyond an
/// incomplete event); a JSON body (an answer or an error) is translated whole, and its <c>Content-Length</c> set to the
/// translation's.
/// </summary>
/// <remarks>
/// Translating at the edge keeps the forwarder unaware of other APIs: routing, limits, budgets, the quality gate,
/// failover, costs and the request log work on the OpenAI request as for <c>/v1/chat/completions</c> (decision 17).
/// </remarks>
internal abstract class TranslatingResponseBody : IHttpResponseBodyFeature, IDisposable
{
    private readonly IHttpResponseBodyFeature _inner;
    private readonly PooledBufferWriter _pending = new(4096);
    private readonly PooledBufferWriter _translated = new(4096);
    private Mode _mode;
    private bool _done;

    protected TranslatingResponseBody(HttpContext context, IHttpResponseBodyFeature inner)
    {
        Context = context;
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

    /// <summary>What the request log records as the request's endpoint (<c>messages</c>, <c>responses</c>).</summary>
    public abstract string Ingress { get; }

    public Stream Stream { get; }

    public PipeWriter Writer { get; }

    protected HttpContext Context { get; }

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
            await FlushEventsAsync(final: true, Context.RequestAborted);
        }
    }

    /// <summary>Writes the client's answer for a whole JSON body of the forwarder (an answer or an error) and its status.</summary>
    protected abstract void TranslateJson(ReadOnlySpan<byte> body, int status, PooledBufferWriter output);

    /// <summary>Writes the client's events for the data of one event of the forwarder's stream (a chunk, <c>[DONE]</c>, an error).</summary>
    protected abstract void TranslateEvent(ReadOnlySpan<byte> data, PooledBufferWriter output);

    /// <summary>Writes the client's error event for a stream whose next event could not be translated.</summary>
    protected abstract void WriteStreamError(PooledBufferWriter output, string message);

    /// <summary>
    /// Called with translated bytes before they are written to the client: the last moment to act before the client can
    /// read them (the Responses API stores a finished response here, so that its id works as soon as it is read).
    /// </summary>
    protected virtual ValueTask BeforeWriteAsync(CancellationToken cancellationToken) => default;

    private void Decide()
    {
        if (_mode == Mode.Undecided)
        {
            _mode = Context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true ? Mode.Events : Mode.Json;
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
        if (Context.Response.ContentLength is { } length && _pending.Length >= length && !_done)
        {
            _done = true;
            await WriteJsonAsync();
        }

        return default;
    }

    private async Task WriteJsonAsync()
    {
        _translated.Clear();
        TranslateJson(_pending.WrittenSpan, Context.Response.StatusCode, _translated);
        _pending.Clear();
        await BeforeWriteAsync(Context.RequestAborted);
        Context.Response.ContentLength = _translated.Length;
        await _inner.Stream.WriteAsync(_translated.WrittenMemory, Context.RequestAborted);
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
                    TranslateEvent(data, _translated);
                }
                catch (JsonException e)
                {
                    WriteStreamError(_translated, "The gateway could not translate the stream: " + e.Message);
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

        await BeforeWriteAsync(cancellationToken);
        var output = _inner.Writer;
        output.Write(_translated.WrittenSpan);
        return await output.FlushAsync(cancellationToken);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Returns the pooled buffers; a translation that holds more returns its own too.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pending.Dispose();
            _translated.Dispose();
        }
    }

    private sealed class TranslatingWriter(TranslatingResponseBody owner) : PipeWriter
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

    private sealed class TranslatingStream(TranslatingResponseBody owner) : Stream
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
