using System.Buffers;

namespace Switchyard.Gateway.Quality;

/// <summary>
/// The answer as the quality gate reads it: the text of choice 0, why it finished, whether it called tools or refused,
/// and its token logprobs. Filled from a whole JSON answer or chunk by chunk from a stream (<see cref="AnswerReader"/>).
/// </summary>
/// <remarks>The text lives in a pooled buffer: dispose the collector when the verdict is made.</remarks>
internal sealed class AnswerCollector : IDisposable
{
    private char[] _text = [];
    private int _length;

    /// <summary>The answer's text so far.</summary>
    public ReadOnlySpan<char> Text => _text.AsSpan(0, _length);

    public int Length => _length;

    /// <summary>Choice 0's <c>finish_reason</c> (<c>stop</c>, <c>length</c>, <c>tool_calls</c>, <c>content_filter</c>), once known.</summary>
    public string? FinishReason { get; set; }

    /// <summary>The answer called at least one tool (an answer made of tool calls has no text, and is not empty).</summary>
    public bool HasToolCalls { get; set; }

    /// <summary>OpenAI's structured-output <c>refusal</c> field was set.</summary>
    public bool Refused { get; set; }

    /// <summary>How many token logprobs the answer carried.</summary>
    public int LogprobCount { get; private set; }

    /// <summary>Their sum (natural log).</summary>
    public double LogprobSum { get; private set; }

    /// <summary>The least likely token's logprob; 0 when there are none.</summary>
    public double LogprobMin { get; private set; }

    public void Append(ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _text.Length)
        {
            var larger = ArrayPool<char>.Shared.Rent(Math.Max(_length + text.Length, Math.Max(256, _text.Length * 2)));
            _text.AsSpan(0, _length).CopyTo(larger);
            Return();
            _text = larger;
        }

        text.CopyTo(_text.AsSpan(_length));
        _length += text.Length;
    }

    /// <summary>Drops text appended after <paramref name="length"/> (a choice that turned out not to be choice 0).</summary>
    public void Truncate(int length) => _length = Math.Min(_length, length);

    public void AddLogprob(double logprob)
    {
        if (!double.IsFinite(logprob))
        {
            // COMPAT: vLLM reports -inf for a token outside the sampled distribution; count it as the least likely possible.
            logprob = -9999;
        }

        LogprobMin = LogprobCount == 0 ? logprob : Math.Min(LogprobMin, logprob);
        LogprobSum += logprob;
        LogprobCount++;
    }

    /// <summary>The logprob totals so far, to go back to with <see cref="ResetLogprobs"/>.</summary>
    public (int Count, double Sum, double Min) LogprobMark => (LogprobCount, LogprobSum, LogprobMin);

    /// <summary>Drops the logprobs added after <paramref name="mark"/> was taken.</summary>
    public void ResetLogprobs((int Count, double Sum, double Min) mark) => (LogprobCount, LogprobSum, LogprobMin) = mark;

    public void Dispose()
    {
        Return();
        _text = [];
        _length = 0;
    }

    private void Return()
    {
        if (_text.Length > 0)
        {
            ArrayPool<char>.Shared.Return(_text);
        }
    }
}
