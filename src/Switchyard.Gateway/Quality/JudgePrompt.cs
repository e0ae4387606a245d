using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Quality;

/// <summary>
/// The judge's request and the reading of its verdict. The judge gets the rubric in a system message and, in one user
/// message, the conversation and the answer in tagged blocks:
/// <code>
/// &lt;conversation&gt;
/// &lt;message role="user"&gt;
/// TEXT
/// &lt;/message&gt;
/// &lt;/conversation&gt;
/// &lt;answer&gt;
/// TEXT
/// &lt;/answer&gt;
/// </code>
/// and is asked for <c>{"score": 0-10, "reason": "..."}</c>. Tags rather than JSON because models read them reliably and a
/// prompt cannot close a block it did not open (the texts' own tags are escaped).
/// </summary>
internal static class JudgePrompt
{
    /// <summary>The judge's instructions; <c>{0}</c> is the rubric.</summary>
    internal const string Instructions =
        "You are an impartial grader of AI assistants' answers. You are given a conversation and the assistant's answer to its last message. "
        + "Score the answer against this rubric:\n{0}\n"
        + "Give an integer score from 0 (useless, wrong or off topic) to 10 (fully meets the rubric). "
        + "Reply with only a JSON object and no other text: {{\"score\": <integer 0-10>, \"reason\": \"<one short sentence>\"}}";

    /// <summary>
    /// The tokens a judge's prompt adds to the conversation and the answer it grades (the instructions with the rubric,
    /// the tags around the texts), estimated as <see cref="Build"/> does: for a budget's worst case.
    /// </summary>
    public static int OverheadTokens(JudgeConfig config)
        => (Encoding.UTF8.GetByteCount(string.Format(CultureInfo.InvariantCulture, Instructions, config.Rubric)) + "<conversation>\n</conversation>\n<answer>\n\n</answer>".Length + 64) / 4 + 12;

    /// <summary>
    /// The judge's chat completion request for <paramref name="answer"/> to the client's <paramref name="body"/>, sent to
    /// the model <paramref name="model"/>; its estimated prompt tokens in <paramref name="promptTokens"/>.
    /// </summary>
    public static byte[] Build(ReadOnlySpan<byte> body, bool chat, string answer, JudgeConfig config, string model, out int promptTokens)
    {
        var conversation = Conversation(body, chat, config.MaxPromptChars);
        var user = new StringBuilder(conversation.Length + answer.Length + 64)
            .Append("<conversation>\n").Append(conversation).Append("</conversation>\n<answer>\n").Append(Escape(answer)).Append("\n</answer>")
            .ToString();
        var system = string.Format(CultureInfo.InvariantCulture, Instructions, config.Rubric);
        promptTokens = (Encoding.UTF8.GetByteCount(system) + Encoding.UTF8.GetByteCount(user)) / 4 + 12;

        var buffer = new ArrayBufferWriter<byte>(user.Length + system.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, model);
            writer.WriteStartArray("messages"u8);
            writer.WriteStartObject();
            writer.WriteString("role"u8, "system"u8);
            writer.WriteString("content"u8, system);
            writer.WriteEndObject();
            writer.WriteStartObject();
            writer.WriteString("role"u8, "user"u8);
            writer.WriteString("content"u8, user);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteNumber("temperature"u8, 0);
            writer.WriteNumber("max_tokens"u8, config.MaxTokens);
            writer.WriteBoolean("stream"u8, false);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads the judge's verdict from its answer's text: a JSON object with <c>score</c> (0 to 10; a number or a numeric
    /// string) and <c>reason</c>, anywhere in the text; failing that, "score: 7" or "7/10". <see langword="false"/> when
    /// no score in 0..10 can be found.
    /// </summary>
    public static bool TryReadVerdict(string text, out double score, out string? reason)
    {
        score = 0;
        reason = null;
        var open = text.IndexOf('{', StringComparison.Ordinal);
        var close = text.LastIndexOf('}');
        if (open >= 0 && close > open)
        {
            try
            {
                using var document = JsonDocument.Parse(text.AsMemory(open, close - open + 1));
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("score", out var value))
                {
                    var read = value.ValueKind switch
                    {
                        JsonValueKind.Number => value.GetDouble(),
                        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
                        _ => double.NaN,
                    };
                    reason = root.TryGetProperty("reason", out var why) && why.ValueKind == JsonValueKind.String ? why.GetString() : null;
                    if (read is >= 0 and <= 10)
                    {
                        score = read;
                        return true;
                    }

                    return false;
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: try the plain forms below.
            }
        }

        var match = System.Text.RegularExpressions.Regex.Match(text, @"(?i)\bscore\b\D{0,12}?(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*/\s*10\b", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(50));
        if (match.Success && double.TryParse(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) && plain is >= 0 and <= 10)
        {
            score = plain;
            return true;
        }

        return false;
    }

    /// <summary>The conversation as tagged messages, at most <paramref name="maxChars"/>: the system messages and the latest others.</summary>
    internal static string Conversation(ReadOnlySpan<byte> body, bool chat, int maxChars)
    {
        var reader = new Utf8JsonReader(body);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var messages = new List<(string Role, string Text)>();
        if (!chat)
        {
            if (root.TryGetProperty("prompt", out var prompt))
            {
                messages.Add(("user", prompt.ValueKind == JsonValueKind.Array
                    ? string.Join("\n", prompt.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()))
                    : prompt.ValueKind == JsonValueKind.String ? prompt.GetString() ?? "" : prompt.GetRawText()));
            }
        }
        else if (root.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in list.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() ?? "user" : "user";
                messages.Add((role, TextOf(message)));
            }
        }

        // The system messages stay; the rest are kept from the latest back while they fit.
        var kept = new bool[messages.Count];
        var budget = maxChars;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role is "system" or "developer")
            {
                kept[i] = true;
                budget -= messages[i].Text.Length;
            }
        }

        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (!kept[i] && (messages[i].Text.Length <= budget || i == messages.Count - 1))
            {
                kept[i] = true;
                budget -= messages[i].Text.Length;
            }
        }

        var text = new StringBuilder();
        var left = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            if (!kept[i])
            {
                left++;
                continue;
            }

            if (left > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"[{left} earlier messages left out]\n");
                left = 0;
            }

            var (role, content) = messages[i];
            var shown = content.Length > maxChars ? content[^maxChars..] : content;
            text.Append("<message role=\"").Append(Escape(role)).Append("\">\n").Append(Escape(shown)).Append("\n</message>\n");
        }

        return text.ToString();
    }

    /// <summary>A message's text: its string content, its text parts, and what its tool calls asked for.</summary>
    private static string TextOf(JsonElement message)
    {
        var text = new StringBuilder();
        if (message.TryGetProperty("content", out var content))
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                text.Append(content.GetString());
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in content.EnumerateArray())
                {
                    var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) ? t.GetString() : null;
                    if (type == "text" && part.TryGetProperty("text", out var partText) && partText.ValueKind == JsonValueKind.String)
                    {
                        text.Append(text.Length > 0 ? "\n" : "").Append(partText.GetString());
                    }
                    else if (type is not null)
                    {
                        // Images and audio are not sent to the judge: it is told one was there.
                        text.Append(text.Length > 0 ? "\n" : "").Append('[').Append(type).Append(']');
                    }
                }
            }
        }

        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
                {
                    var name = function.TryGetProperty("name", out var n) ? n.GetString() : "?";
                    var arguments = function.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : "";
                    text.Append(text.Length > 0 ? "\n" : "").Append("[tool call ").Append(name).Append('(').Append(arguments).Append(")]");
                }
            }
        }

        return text.ToString();
    }

    /// <summary>Keeps a text from closing or opening the prompt's own blocks.</summary>
    private static string Escape(string text) => text.Contains('<', StringComparison.Ordinal)
        ? text.Replace("</message", "&lt;/message", StringComparison.OrdinalIgnoreCase)
            .Replace("<message", "&lt;message", StringComparison.OrdinalIgnoreCase)
            .Replace("</conversation", "&lt;/conversation", StringComparison.OrdinalIgnoreCase)
            .Replace("<conversation", "&lt;conversation", StringComparison.OrdinalIgnoreCase)
            .Replace("</answer", "&lt;/answer", StringComparison.OrdinalIgnoreCase)
            .Replace("<answer", "&lt;answer", StringComparison.OrdinalIgnoreCase)
        : text;
}
