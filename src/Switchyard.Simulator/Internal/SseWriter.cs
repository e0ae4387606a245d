using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace Switchyard.Simulator.Internal;

/// <summary>
/// Writes server-sent events (<c>data: {json}\n\n</c>) straight into the response pipe: no intermediate buffer, one reused
/// <see cref="Utf8JsonWriter"/>. Nothing reaches the client until <see cref="FlushAsync"/>.
/// </summary>
internal sealed class SseWriter : IDisposable
{
    private readonly PipeWriter _pipe;
    private readonly Utf8JsonWriter _json;

    public SseWriter(PipeWriter pipe)
    {
        _pipe = pipe;
        _json = JsonWriterCache.Rent(pipe);
    }

    /// <summary>Bytes written but not yet sent.</summary>
    public long Unflushed => _pipe.CanGetUnflushedBytes ? _pipe.UnflushedBytes : 0;

    /// <summary>Starts an event; write one JSON value with the returned writer, then call <see cref="EndEvent"/>.</summary>
    public Utf8JsonWriter BeginEvent()
    {
        _pipe.Write("data: "u8);
        _json.Reset(_pipe);
        return _json;
    }

    /// <summary>Starts a named event (<c>event: NAME</c>, as Anthropic's stream has them); then as <see cref="BeginEvent()"/>.</summary>
    public Utf8JsonWriter BeginEvent(ReadOnlySpan<byte> name)
    {
        _pipe.Write("event: "u8);
        _pipe.Write(name);
        _pipe.Write("\n"u8);
        return BeginEvent();
    }

    public void EndEvent()
    {
        _json.Flush();
        _pipe.Write("\n\n"u8);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes) => _pipe.Write(bytes);

    public void WriteDone() => _pipe.Write("data: [DONE]\n\n"u8);

    /// <summary>Sends what was written; throws <see cref="OperationCanceledException"/> when the client is gone.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _pipe.FlushAsync(cancellationToken);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException("The client went away during the stream.", cancellationToken);
        }
    }

    public void Dispose() => JsonWriterCache.Return(_json);
}
