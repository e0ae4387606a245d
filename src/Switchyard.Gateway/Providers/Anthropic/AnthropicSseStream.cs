using System.Text.Json;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Providers.Anthropic;

/// <summary>
/// The body of a translated stream: reads Anthropic's events from the upstream as the forwarder asks for bytes and hands
/// out OpenAI's, event by event. Nothing is buffered beyond the event being translated and its output.
/// </summary>
internal sealed class AnthropicSseStream(Stream upstream, AnthropicStreamTranslator translator) : Stream
{
    private const int MaxEventBytes = 16 * 1024 * 1024;

    private readonly PooledBufferWriter _input = new(8192);
    private readonly PooledBufferWriter _output = new(8192);
    private bool _upstreamDone;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_output.Length == 0)
        {
            if (TranslateBuffered())
            {
                continue;
            }

            if (_upstreamDone)
            {
                return 0;
            }

            if (_input.Length > MaxEventBytes)
            {
                throw new IOException($"The Anthropic stream sent an event larger than {MaxEventBytes:N0} bytes.");
            }

            var read = await upstream.ReadAsync(_input.GetMemory(4096), cancellationToken);
            if (read == 0)
            {
                _upstreamDone = true;
                continue;
            }

            _input.Advance(read);
        }

        var count = Math.Min(buffer.Length, _output.Length);
        _output.WrittenSpan[..count].CopyTo(buffer.Span);
        _output.Consume(count);
        return count;
    }

    /// <summary>Translates every complete event buffered; true when any was.</summary>
    private bool TranslateBuffered()
    {
        var any = false;
        while (SseEvents.TryRead(_input.WrittenSpan, out var consumed, out _, out var data))
        {
            any = true;
            if (!data.IsEmpty)
            {
                try
                {
                    translator.Translate(data, _output);
                }
                catch (JsonException e)
                {
                    // A broken stream, as the forwarder knows it: it fails over, or ends the client's stream with an error.
                    throw new IOException("The Anthropic stream sent an event that is not valid JSON: " + e.Message, e);
                }
            }

            _input.Consume(consumed);
        }

        return any;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            upstream.Dispose();
            _input.Dispose();
            _output.Dispose();
        }

        base.Dispose(disposing);
    }
}
