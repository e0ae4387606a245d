using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Switchyard.Simulator.Protocol;

/// <summary>
/// What a judge request asks about: the question (the last user message of the judged conversation) and the answer to
/// score. A chat request is a judge request when its last user message holds the gateway's judge convention:
/// </summary>
/// <remarks>
/// <code>
/// &lt;conversation&gt;
/// &lt;message role="system"&gt;
/// TEXT
/// &lt;/message&gt;
/// &lt;message role="user"&gt;
/// TEXT
/// &lt;/message&gt;
/// &lt;/conversation&gt;
/// &lt;answer&gt;
/// TEXT
/// &lt;/answer&gt;
/// </code>
/// Roles are any name; texts are raw, not escaped, so a text may hold a tag itself. Messages are read in order: a text ends at
/// the first <c>&lt;/message&gt;</c> that is followed (after whitespace) by the next <c>&lt;message role="</c> or by
/// <c>&lt;/conversation&gt;</c>; the answer ends at the last <c>&lt;/answer&gt;</c>. Whitespace around a text is not part of it.
/// Anything else (a tag missing, text between the blocks) is not a judge request.
/// COMPAT: the gateway (Switchyard.Gateway's Quality/JudgePrompt.cs) writes a text's own block tags as <c>&amp;lt;message</c>,
/// <c>&amp;lt;/answer</c>, ..., which are read back as tags, and notes a cut transcript with lines such as
/// <c>[3 earlier messages left out]</c> between messages, which are skipped.
/// </remarks>
/// <param name="Question">The text of the last <c>&lt;message role="user"&gt;</c>, or empty when there is none.</param>
/// <param name="Answer">The text of the <c>&lt;answer&gt;</c> block.</param>
internal sealed record JudgePrompt(string Question, string Answer)
{
    private const string ConversationOpen = "<conversation>";
    private const string ConversationClose = "</conversation>";
    private const string MessageOpen = "<message role=\"";
    private const string MessageClose = "</message>";
    private const string AnswerOpen = "<answer>";
    private const string AnswerClose = "</answer>";

    /// <summary>What the request parser looks for in a user message before it reads the message as a judge prompt.</summary>
    public static ReadOnlySpan<byte> Marker => "<conversation>"u8;

    /// <summary>The judge prompt in <paramref name="utf8"/>, or null when the text does not follow the convention.</summary>
    public static JudgePrompt? Parse(ReadOnlySpan<byte> utf8) => TryParse(Encoding.UTF8.GetString(utf8), out var prompt) ? prompt : null;

    /// <summary>Reads the judge convention out of a user message's text.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out JudgePrompt? prompt)
    {
        prompt = null;
        var start = text.IndexOf(ConversationOpen, StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        var position = start + ConversationOpen.Length;
        string? question = null;
        while (true)
        {
            position = SkipWhitespaceAndNotes(text, position);
            if (At(text, position, ConversationClose))
            {
                position += ConversationClose.Length;
                break;
            }

            if (!At(text, position, MessageOpen))
            {
                return false;
            }

            var roleStart = position + MessageOpen.Length;
            var roleEnd = text.IndexOf("\">", roleStart, StringComparison.Ordinal);
            if (roleEnd < 0)
            {
                return false;
            }

            var textStart = roleEnd + 2;
            var textEnd = FindMessageEnd(text, textStart);
            if (textEnd < 0)
            {
                return false;
            }

            if (text.AsSpan(roleStart, roleEnd - roleStart).SequenceEqual("user"))
            {
                question = Unescape(text[textStart..textEnd].Trim());
            }

            position = textEnd + MessageClose.Length;
        }

        position = SkipWhitespace(text, position);
        if (!At(text, position, AnswerOpen))
        {
            return false;
        }

        var answerStart = position + AnswerOpen.Length;
        var answerEnd = text.LastIndexOf(AnswerClose, StringComparison.Ordinal);
        if (answerEnd < answerStart)
        {
            return false;
        }

        prompt = new JudgePrompt(question ?? "", Unescape(text[answerStart..answerEnd].Trim()));
        return true;
    }

    /// <summary>The first <c>&lt;/message&gt;</c> from <paramref name="from"/> that closes a message, or -1.</summary>
    private static int FindMessageEnd(string text, int from)
    {
        while (true)
        {
            var close = text.IndexOf(MessageClose, from, StringComparison.Ordinal);
            if (close < 0)
            {
                return -1;
            }

            var next = SkipWhitespaceAndNotes(text, close + MessageClose.Length);
            if (At(text, next, MessageOpen) || At(text, next, ConversationClose))
            {
                return close;
            }

            from = close + 1;
        }
    }

    /// <summary>Skips whitespace and whole lines in brackets (the gateway's "[N earlier messages left out]").</summary>
    private static int SkipWhitespaceAndNotes(string text, int position)
    {
        while (true)
        {
            position = SkipWhitespace(text, position);
            if (position >= text.Length || text[position] != '[')
            {
                return position;
            }

            var end = text.IndexOf('\n', position);
            var line = text.AsSpan(position, (end < 0 ? text.Length : end) - position).TrimEnd();
            if (line[^1] != ']')
            {
                return position;
            }

            position += line.Length;
        }
    }

    /// <summary>Reads the gateway's escaped block tags (<c>&amp;lt;/message</c>, ...) back as tags.</summary>
    private static string Unescape(string text)
    {
        if (!text.Contains("&lt;", StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var from = 0;
        while (true)
        {
            var at = text.IndexOf("&lt;", from, StringComparison.Ordinal);
            if (at < 0)
            {
                return result.Append(text, from, text.Length - from).ToString();
            }

            result.Append(text, from, at - from);
            var rest = text.AsSpan(at + 4);
            rest = rest.StartsWith('/') ? rest[1..] : rest;
            var isTag = rest.StartsWith("message", StringComparison.OrdinalIgnoreCase)
                || rest.StartsWith("conversation", StringComparison.OrdinalIgnoreCase)
                || rest.StartsWith("answer", StringComparison.OrdinalIgnoreCase);
            result.Append(isTag ? "<" : "&lt;");
            from = at + 4;
        }
    }

    private static int SkipWhitespace(string text, int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }

        return position;
    }

    private static bool At(string text, int position, string token) => text.AsSpan(position).StartsWith(token, StringComparison.Ordinal);
}
