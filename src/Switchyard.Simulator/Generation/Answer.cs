using System.Buffers;
using Switchyard.Simulator.Internal;

namespace Switchyard.Simulator.Generation;

/// <summary>
/// One generated choice: its text as UTF-8 bytes cut into tokens, which tokens are message content and which are tool call
/// arguments, how it finished and how good it is. Pooled buffers: dispose it.
/// </summary>
/// <remarks>
/// Tokens <c>[0, ContentTokenCount)</c> are the message content; each <see cref="ToolCalls"/> entry owns a later range.
/// A token is a run of bytes that starts at a space, a newline or a punctuation mark, is never longer than 8 bytes and never
/// splits a UTF-8 character, which is close enough to BPE for streaming, logprobs and usage to look real.
/// </remarks>
internal sealed class Answer : IDisposable
{
    private const int MaxTokenBytes = 8;
    private int[] _ends = ArrayPool<int>.Shared.Rent(64);

    public PooledByteBuffer Text { get; } = new(512);

    public int TokenCount { get; private set; }

    public int ContentTokenCount { get; set; }

    public List<ToolCallSegment>? ToolCalls { get; set; }

    public bool HasToolCalls => ToolCalls is { Count: > 0 };

    public FinishReason FinishReason { get; set; }

    public AnswerQuality Quality { get; set; }

    /// <summary>Seed of the per-token log probabilities (see <see cref="Logprob"/>).</summary>
    public ulong LogprobSeed { get; set; }

    public int TokenStart(int index) => index == 0 ? 0 : _ends[index - 1];

    public ReadOnlySpan<byte> Token(int index) => Text.WrittenSpan[TokenStart(index).._ends[index]];

    /// <summary>The bytes of tokens <c>[firstToken, endToken)</c>.</summary>
    public ReadOnlySpan<byte> Tokens(int firstToken, int endToken)
        => endToken <= firstToken ? [] : Text.WrittenSpan[TokenStart(firstToken).._ends[endToken - 1]];

    /// <summary>The message content: tokens <c>[0, ContentTokenCount)</c>.</summary>
    public ReadOnlySpan<byte> Content => Tokens(0, ContentTokenCount);

    /// <summary>
    /// The log probability of a token: exponentially distributed with mean -0.2 for a good answer and -2 for a bad one,
    /// derived from <see cref="LogprobSeed"/> so it is as deterministic as the text. A wrong answer is as confident as a
    /// good one: the logprob check must not catch it.
    /// </summary>
    public double Logprob(int index)
    {
        var u = StableHash.Unit(StableHash.Combine(LogprobSeed, (ulong)index));
        var mean = Quality is AnswerQuality.Good or AnswerQuality.Wrong ? 0.2 : 2.0;
        return Math.Max(-mean * -Math.Log(1.0 - u), -20.0);
    }

    /// <summary>Appends bytes that start a new token and cuts them into tokens.</summary>
    public void AppendTokens(ReadOnlySpan<byte> utf8)
    {
        var start = Text.Length;
        Text.Write(utf8);
        TokenizeFrom(start);
    }

    /// <summary>Cuts the bytes written since <paramref name="byteStart"/> (a token boundary) into tokens.</summary>
    public void TokenizeFrom(int byteStart)
    {
        var bytes = Text.WrittenSpan;
        var tokenStart = byteStart;
        for (var i = byteStart + 1; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var previous = bytes[i - 1];
            if (b == (byte)' ' || b == (byte)'\n' || previous == (byte)'\n' || IsPunctuation(b) || IsPunctuation(previous)
                || (i - tokenStart >= MaxTokenBytes && (b & 0xC0) != 0x80))
            {
                AddToken(i);
                tokenStart = i;
            }
        }

        if (bytes.Length > tokenStart)
        {
            AddToken(bytes.Length);
        }
    }

    /// <summary>Keeps the first <paramref name="count"/> tokens.</summary>
    public void TruncateTokens(int count)
    {
        if (count >= TokenCount)
        {
            return;
        }

        count = Math.Max(count, 0);
        TokenCount = count;
        Text.Truncate(count == 0 ? 0 : _ends[count - 1]);
        ContentTokenCount = Math.Min(ContentTokenCount, count);
        ClampToolCalls();
    }

    /// <summary>Keeps the bytes before <paramref name="byteOffset"/>, cutting the token that straddles it.</summary>
    public void CutAtByte(int byteOffset)
    {
        for (var i = 0; i < TokenCount; i++)
        {
            if (_ends[i] > byteOffset)
            {
                if (TokenStart(i) == byteOffset)
                {
                    TruncateTokens(i);
                }
                else
                {
                    _ends[i] = byteOffset;
                    TokenCount = i + 1;
                    Text.Truncate(byteOffset);
                    ContentTokenCount = Math.Min(ContentTokenCount, TokenCount);
                    ClampToolCalls();
                }

                return;
            }
        }
    }

    public void Dispose()
    {
        Text.Dispose();
        var ends = _ends;
        _ends = [];
        if (ends.Length > 0)
        {
            ArrayPool<int>.Shared.Return(ends);
        }
    }

    private static bool IsPunctuation(byte b)
        => b is (byte)'.' or (byte)',' or (byte)'!' or (byte)'?' or (byte)';' or (byte)':' or (byte)'{' or (byte)'}'
            or (byte)'[' or (byte)']' or (byte)'"' or (byte)'(' or (byte)')' or (byte)'`';

    private void AddToken(int end)
    {
        if (TokenCount == _ends.Length)
        {
            var grown = ArrayPool<int>.Shared.Rent(_ends.Length * 2);
            _ends.AsSpan(0, TokenCount).CopyTo(grown);
            ArrayPool<int>.Shared.Return(_ends);
            _ends = grown;
        }

        _ends[TokenCount++] = end;
    }

    private void ClampToolCalls()
    {
        if (ToolCalls is null)
        {
            return;
        }

        for (var i = ToolCalls.Count - 1; i >= 0; i--)
        {
            var call = ToolCalls[i];
            if (call.FirstToken >= TokenCount && i > 0)
            {
                ToolCalls.RemoveAt(i);
            }
            else if (call.EndToken > TokenCount)
            {
                ToolCalls[i] = call with { EndToken = TokenCount, FirstToken = Math.Min(call.FirstToken, TokenCount) };
            }
        }
    }
}
