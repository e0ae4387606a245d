using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Routing.Content;
using Switchyard.Storage.Escalations;

namespace Switchyard.Gateway.Quality.Datasets;

/// <summary>
/// Turns escalation records into fine-tuning examples: the conversation the client sent, with the answer that replaced
/// the poor one as the assistant's turn. Formats: OpenAI's chat fine-tuning JSONL, ShareGPT and Alpaca (as Axolotl,
/// LLaMA-Factory and Unsloth read them). Cold path: clarity first.
/// </summary>
/// <remarks>
/// <code>
/// records (newest first) ─► usable? (the escalation reached a better deployment; messages; a text answer)
///   ─► de-duplicated by normalised prompt (the newest kept) ─► personal data redacted (optional)
///   ─► shuffled with the seed ─► train / validation ─► JSON lines, each read back and checked against its format
/// </code>
/// </remarks>
internal static class DatasetExporter
{
    public static DatasetExport Export(IReadOnlyList<EscalationRecord> records, DatasetOptions options)
    {
        var summary = new DatasetSummary { Read = records.Count, Source = options.Source };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var examples = new List<(EscalationRecord Record, Conversation Conversation)>();
        foreach (var record in records)
        {
            if (!options.IncludeUnimproved && record.FinalDeployment == record.CheapDeployment)
            {
                summary.Skip("the escalation found no better answer (the poor one was sent)");
                continue;
            }

            if (Conversation.TryRead(record, out var conversation, out var why) is false)
            {
                summary.Skip(why!);
                continue;
            }

            if (options.Dedupe && !seen.Add(conversation.PromptKey()))
            {
                summary.Duplicates++;
                continue;
            }

            if (options.RedactPii)
            {
                conversation = conversation.Redacted(options.Pii ?? PiiDetector.Default);
            }

            summary.ImagesDropped += conversation.ImagesDropped;
            examples.Add((record, conversation));
        }

        // Deterministic for a seed: order by id first, so the split does not depend on the query's order.
        examples.Sort((a, b) => string.CompareOrdinal(a.Record.RequestId, b.Record.RequestId));
        var random = new Random(options.Seed);
        for (var i = examples.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (examples[i], examples[j]) = (examples[j], examples[i]);
        }

        var validationCount = options.ValidationShare <= 0 || examples.Count < 2
            ? 0
            : Math.Clamp((int)Math.Round(examples.Count * options.ValidationShare), 1, examples.Count - 1);
        var train = new List<string>(examples.Count - validationCount);
        var validation = new List<string>(validationCount);
        for (var i = 0; i < examples.Count; i++)
        {
            var (record, conversation) = examples[i];
            var line = conversation.Write(options.Format);
            (i < validationCount ? validation : train).Add(line);
            summary.Count(record);
        }

        summary.Train = train.Count;
        summary.Validation = validation.Count;
        return new DatasetExport(train, validation, summary);
    }

    /// <summary>
    /// Reads an exported line back and checks it is what <paramref name="format"/> requires; the problem, or
    /// <see langword="null"/>.
    /// </summary>
    public static string? Validate(string line, DatasetFormat format)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return $"not JSON: {e.Message}";
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "not a JSON object";
            }

            switch (format)
            {
                case DatasetFormat.OpenAI:
                    if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() < 2)
                    {
                        return "'messages' must be an array of at least two messages";
                    }

                    foreach (var message in messages.EnumerateArray())
                    {
                        // A message that is not an object, or a role that is not a string, is a problem to report, not a crash.
                        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
                            || role.GetString() is not ("system" or "developer" or "user" or "assistant" or "tool"))
                        {
                            return "every message needs a role of system, developer, user, assistant or tool";
                        }
                    }

                    var last = messages[messages.GetArrayLength() - 1];
                    return last.GetProperty("role").GetString() == "assistant" && last.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                        ? null
                        : "the last message must be the assistant's answer, with text content";
                case DatasetFormat.ShareGpt:
                    if (!root.TryGetProperty("conversations", out var turns) || turns.ValueKind != JsonValueKind.Array || turns.GetArrayLength() < 2)
                    {
                        return "'conversations' must be an array of at least two turns";
                    }

                    foreach (var turn in turns.EnumerateArray())
                    {
                        if (turn.ValueKind != JsonValueKind.Object || !turn.TryGetProperty("from", out var from) || from.ValueKind != JsonValueKind.String
                            || from.GetString() is not ("system" or "human" or "gpt" or "observation")
                            || !turn.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.String)
                        {
                            return "every turn needs 'from' (system, human, gpt, observation) and a string 'value'";
                        }
                    }

                    return turns[turns.GetArrayLength() - 1].GetProperty("from").GetString() == "gpt" ? null : "the last turn must be from gpt";
                default:
                    foreach (var name in (ReadOnlySpan<string>)["instruction", "input", "output"])
                    {
                        if (!root.TryGetProperty(name, out var field) || field.ValueKind != JsonValueKind.String)
                        {
                            return $"'{name}' must be a string";
                        }
                    }

                    return root.GetProperty("instruction").GetString()!.Length == 0 || root.GetProperty("output").GetString()!.Length == 0
                        ? "'instruction' and 'output' must not be empty"
                        : null;
            }
        }
    }

    /// <summary>One conversation: its turns as text, the tools the client declared, and the final answer.</summary>
    private sealed class Conversation
    {
        private Conversation(List<Turn> turns, string answer, string? tools, int imagesDropped)
        {
            Turns = turns;
            Answer = answer;
            Tools = tools;
            ImagesDropped = imagesDropped;
        }

        public List<Turn> Turns { get; }

        public string Answer { get; }

        /// <summary>The request's <c>tools</c> array as JSON, when it had one.</summary>
        public string? Tools { get; }

        public int ImagesDropped { get; }

        public static bool TryRead(EscalationRecord record, out Conversation conversation, out string? why)
        {
            conversation = null!;
            why = null;
            if (string.IsNullOrWhiteSpace(record.FinalAnswer))
            {
                why = "the final answer has no text (a tool call)";
                return false;
            }

            using var document = JsonDocument.Parse(record.Request);
            var root = document.RootElement;
            var turns = new List<Turn>();
            var images = 0;
            if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                foreach (var message in messages.EnumerateArray())
                {
                    var role = message.TryGetProperty("role", out var r) ? r.GetString() ?? "user" : "user";
                    var text = message.TryGetProperty("content", out var content) ? TextOf(content, ref images) : "";
                    var toolCalls = message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array ? calls.GetRawText() : null;
                    var toolCallId = message.TryGetProperty("tool_call_id", out var id) ? id.GetString() : null;
                    turns.Add(new Turn(role, text, toolCalls, toolCallId));
                }
            }
            else if (root.TryGetProperty("prompt", out var prompt))
            {
                // A text completion: its prompt is the user's turn.
                turns.Add(new Turn("user", prompt.ValueKind == JsonValueKind.String ? prompt.GetString()! : string.Join("\n", prompt.EnumerateArray().Select(p => p.ToString())), null, null));
            }

            if (!turns.Exists(t => t.Role == "user" && t.Text.Length > 0))
            {
                why = "the request has no user message with text";
                return false;
            }

            var tools = root.TryGetProperty("tools", out var declared) && declared.ValueKind == JsonValueKind.Array ? declared.GetRawText() : null;
            conversation = new Conversation(turns, record.FinalAnswer, tools, images);
            return true;
        }

        /// <summary>The prompt, normalised (case, whitespace), for de-duplication.</summary>
        public string PromptKey()
        {
            var key = new StringBuilder();
            foreach (var turn in Turns)
            {
                key.Append(turn.Role).Append(':');
                var space = false;
                foreach (var c in turn.Text)
                {
                    if (char.IsWhiteSpace(c))
                    {
                        space = true;
                        continue;
                    }

                    if (space && key.Length > 0)
                    {
                        key.Append(' ');
                    }

                    space = false;
                    key.Append(char.ToLowerInvariant(c));
                }

                key.Append('\n');
            }

            return key.ToString();
        }

        public Conversation Redacted(PiiDetector pii) => new(
            Turns.ConvertAll(t => t with { Text = pii.Redact(t.Text) }),
            pii.Redact(Answer),
            Tools,
            ImagesDropped);

        public string Write(DatasetFormat format)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                switch (format)
                {
                    case DatasetFormat.OpenAI:
                        WriteOpenAI(json);
                        break;
                    case DatasetFormat.ShareGpt:
                        WriteShareGpt(json);
                        break;
                    default:
                        WriteAlpaca(json);
                        break;
                }

                json.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        private void WriteOpenAI(Utf8JsonWriter json)
        {
            json.WriteStartArray("messages");
            foreach (var turn in Turns)
            {
                json.WriteStartObject();
                json.WriteString("role", turn.Role);
                if (turn.ToolCalls is { } calls)
                {
                    if (turn.Text.Length > 0)
                    {
                        json.WriteString("content", turn.Text);
                    }

                    json.WritePropertyName("tool_calls");
                    json.WriteRawValue(calls);
                }
                else
                {
                    json.WriteString("content", turn.Text);
                }

                if (turn.ToolCallId is { } id)
                {
                    json.WriteString("tool_call_id", id);
                }

                json.WriteEndObject();
            }

            json.WriteStartObject();
            json.WriteString("role", "assistant");
            json.WriteString("content", Answer);
            json.WriteEndObject();
            json.WriteEndArray();
            if (Tools is { } tools)
            {
                json.WritePropertyName("tools");
                json.WriteRawValue(tools);
            }
        }

        private void WriteShareGpt(Utf8JsonWriter json)
        {
            json.WriteStartArray("conversations");
            foreach (var turn in Turns)
            {
                json.WriteStartObject();
                json.WriteString("from", turn.Role switch
                {
                    "system" or "developer" => "system",
                    "assistant" => "gpt",
                    "tool" => "observation",
                    _ => "human",
                });
                json.WriteString("value", turn.ToolCalls is { } calls && turn.Text.Length == 0 ? calls : turn.Text);
                json.WriteEndObject();
            }

            json.WriteStartObject();
            json.WriteString("from", "gpt");
            json.WriteString("value", Answer);
            json.WriteEndObject();
            json.WriteEndArray();
            if (Tools is { } tools)
            {
                // LLaMA-Factory reads the tools as a JSON string.
                json.WriteString("tools", tools);
            }
        }

        private void WriteAlpaca(Utf8JsonWriter json)
        {
            var system = string.Join("\n", Turns.Where(t => t.Role is "system" or "developer").Select(t => t.Text));
            var dialogue = Turns.Where(t => t.Role is "user" or "assistant").ToList();
            var lastUser = dialogue.FindLastIndex(t => t.Role == "user");
            json.WriteString("instruction", dialogue[lastUser].Text);
            json.WriteString("input", "");
            json.WriteString("output", Answer);
            if (system.Length > 0)
            {
                json.WriteString("system", system);
            }

            // Earlier turns as [user, assistant] pairs (LLaMA-Factory's "history").
            json.WriteStartArray("history");
            for (var i = 0; i + 1 < lastUser; i++)
            {
                if (dialogue[i].Role == "user" && dialogue[i + 1].Role == "assistant")
                {
                    json.WriteStartArray();
                    json.WriteStringValue(dialogue[i].Text);
                    json.WriteStringValue(dialogue[i + 1].Text);
                    json.WriteEndArray();
                    i++;
                }
            }

            json.WriteEndArray();
        }

        /// <summary>A message's text: a string, or the text parts of a content array (images are dropped and counted).</summary>
        private static string TextOf(JsonElement content, ref int images)
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                return content.GetString()!;
            }

            if (content.ValueKind != JsonValueKind.Array)
            {
                return "";
            }

            var text = new StringBuilder();
            foreach (var part in content.EnumerateArray())
            {
                if (part.TryGetProperty("text", out var piece) && piece.ValueKind == JsonValueKind.String)
                {
                    text.Append(text.Length == 0 ? "" : "\n").Append(piece.GetString());
                }
                else
                {
                    images++;
                }
            }

            return text.ToString();
        }
    }

    private sealed record Turn(string Role, string Text, string? ToolCalls, string? ToolCallId);
}
