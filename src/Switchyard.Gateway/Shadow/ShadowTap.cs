using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Quality;

namespace Switchyard.Gateway.Shadow;

/// <summary>
/// What the request path keeps for a request its route's shadow picked: a copy of the client's body and the answer the
/// client got, read as it is relayed (the whole JSON, each streamed event, or the quality gate's held answer). Only a
/// picked request has one; every other request pays one null check per relayed event.
/// </summary>
internal sealed class ShadowTap(byte[] body) : IDisposable
{
    private AnswerCollector? _answer = new();

    /// <summary>The client's request body, copied (the forwarder's pooled buffer is returned when the request ends).</summary>
    public byte[] Body { get; } = body;

    /// <summary>The answer the client got, as far as it has been relayed.</summary>
    public AnswerCollector Answer => _answer ?? throw new ObjectDisposedException(nameof(ShadowTap));

    /// <summary>A whole JSON answer, as sent to the client.</summary>
    public void Capture(ReadOnlySpan<byte> json) => AnswerReader.ReadCompletion(json, Answer);

    /// <summary>One streamed event's payload, as relayed to the client.</summary>
    public void CaptureChunk(ReadOnlySpan<byte> payload) => AnswerReader.ReadChunk(payload, Answer);

    /// <summary>The answer the quality gate held and then sent.</summary>
    public void CaptureHeld(HeldAnswer held) => held.ReadInto(Answer);

    /// <summary>Hands the answer over to the comparison (which disposes it); the tap is done.</summary>
    public AnswerCollector TakeAnswer()
    {
        var answer = Answer;
        _answer = null;
        return answer;
    }

    public void Dispose()
    {
        _answer?.Dispose();
        _answer = null;
    }
}
