namespace Switchyard.Simulator.Generation;

/// <summary>What kind of answer was produced; reported in the <c>x-sim-quality</c> response header.</summary>
internal enum AnswerQuality
{
    /// <summary>A plausible, complete answer (<c>good</c>).</summary>
    Good = 0,

    /// <summary>A refusal such as "I'm sorry, but I can't help with that." (<c>bad:refusal</c>).</summary>
    Refusal,

    /// <summary>Cut short with <c>finish_reason: length</c> (<c>bad:truncated</c>).</summary>
    Truncated,

    /// <summary>Nearly empty: a word or two at most (<c>bad:empty</c>).</summary>
    Empty,

    /// <summary>JSON was asked for and the content (or tool arguments) is not valid JSON (<c>bad:invalid_json</c>).</summary>
    InvalidJson,

    /// <summary>The content filter fault: empty content, <c>finish_reason: content_filter</c> (<c>bad:content_filter</c>).</summary>
    ContentFilter,

    /// <summary>
    /// Plausible, complete and confident, but wrong (<c>bad:wrong</c>): a math answer states another number, other prose is
    /// about another kind's topic, JSON and tool arguments carry other values. Only a judge or a second sample catches it.
    /// </summary>
    Wrong,
}
