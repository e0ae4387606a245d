using System.Text;
using System.Text.Json;

namespace Switchyard.Gateway.Quality.Datasets.Internal;

/// <summary>
/// Turns the fields of a JSON object or a CSV record into an <see cref="OutcomeRow"/>: finds the prompt under its usual
/// names, the label, and keeps the rest as typed cells.
/// </summary>
internal static class OutcomeRowBuilder
{
    /// <summary>The names a prompt goes by in public datasets, in the order they are tried.</summary>
    public static readonly string[] PromptNames = ["prompt", "question", "input", "query", "instruction", "text", "messages", "turns"];

    /// <summary>The names a tag goes by: ours, RouterBench's benchmark, and MT-Bench's category.</summary>
    public static readonly string[] LabelNames = ["label", "eval_name", "tag", "category"];

    /// <summary>The optional field of the request's other tags, features of the router beside the label.</summary>
    public const string TagsName = "tags";

    private const string Expected = "needs the prompt as \"prompt\" (or question, input, query, instruction, text, or messages: a list of chat messages)";

    /// <summary>A field as it arrived: JSON (any kind) or CSV (always a string).</summary>
    public readonly record struct Source(string Name, JsonElement Json, string? Text)
    {
        public bool IsString => Text is not null || Json.ValueKind == JsonValueKind.String;

        public string String => Text ?? Json.GetString()!;
    }

    public static OutcomeRow? Build(int line, IReadOnlyList<Source> fields, out string? problem)
    {
        problem = null;
        var byName = new Dictionary<string, Source>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in fields)
        {
            byName.TryAdd(field.Name, field);
        }

        if (!TryPrompt(byName, out var prompt, out problem))
        {
            return null;
        }

        if (prompt.Trim().Length == 0)
        {
            problem = "the prompt is empty";
            return null;
        }

        string? label = null;
        foreach (var name in LabelNames)
        {
            if (!byName.TryGetValue(name, out var value))
            {
                continue;
            }

            var cell = value.Text is { } text ? OutcomeCell.Of(text) : OutcomeCell.Of(value.Json);
            if (value.IsString)
            {
                label = value.String.Trim() is { Length: > 0 } tag ? tag : null;
            }
            else if (cell.Kind == OutcomeCellKind.Number)
            {
                label = cell.Shown;
            }
            else if (cell.Kind != OutcomeCellKind.Null)
            {
                problem = $"{name} must be a string (a tag such as \"code\"), but is {cell.Shown}";
                return null;
            }

            break;
        }

        string? tags = null;
        if (byName.TryGetValue(TagsName, out var tagField) && !TryTags(tagField, out tags, out problem))
        {
            return null;
        }

        List<KeyValuePair<string, OutcomeCell>>? scores = null;
        var rest = new List<KeyValuePair<string, OutcomeCell>>();
        foreach (var field in fields)
        {
            if (field.Name.Contains('|', StringComparison.Ordinal) || PromptNames.Contains(field.Name, StringComparer.OrdinalIgnoreCase)
                || LabelNames.Contains(field.Name, StringComparer.OrdinalIgnoreCase) || field.Name.Equals(TagsName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (field.Text is null && field.Name == "scores")
            {
                if (field.Json.ValueKind != JsonValueKind.Object)
                {
                    problem = "scores must be an object of tier names to a quality, e.g. {\"open\": 0, \"frontier\": 1}";
                    return null;
                }

                scores = [.. field.Json.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, OutcomeCell.Of(p.Value)))];
                continue;
            }

            rest.Add(KeyValuePair.Create(field.Name, field.Text is { } text ? OutcomeCell.Of(text) : OutcomeCell.Of(field.Json)));
        }

        return new OutcomeRow { Line = line, Prompt = prompt, Label = label, Tags = tags, Scores = scores, Fields = rest };
    }

    /// <summary>
    /// <c>tags</c>: a list of strings (<c>["code", "team-a"]</c>) or one comma-separated string (<c>"code, team-a"</c>, the
    /// only way a CSV cell can hold several), as a comma-separated list; null when empty.
    /// </summary>
    private static bool TryTags(Source field, out string? tags, out string? problem)
    {
        tags = null;
        problem = null;
        var list = new List<string>();
        if (field.IsString)
        {
            list.AddRange(field.String.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }
        else if (field.Json.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in field.Json.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    problem = $"tags[{index}] must be a string (a tag such as \"code\"), but is {OutcomeCell.Of(item).Shown}";
                    return false;
                }

                var tag = item.GetString()!.Trim();
                if (tag.Contains(',', StringComparison.Ordinal))
                {
                    problem = $"tags[{index}] is \"{tag}\": a tag cannot hold a comma; give each tag its own string";
                    return false;
                }

                if (tag.Length > 0)
                {
                    list.Add(tag);
                }

                index++;
            }
        }
        else if (field.Json.ValueKind != JsonValueKind.Null)
        {
            problem = $"tags must be a list of strings (e.g. [\"code\", \"team-a\"]) or a comma-separated string, but is {OutcomeCell.Of(field.Json).Shown}";
            return false;
        }

        tags = list.Count > 0 ? string.Join(',', list) : null;
        return true;
    }

    private static bool TryPrompt(Dictionary<string, Source> fields, out string prompt, out string? problem)
    {
        prompt = "";
        problem = null;

        // COMPAT: Alpaca-style rows put the task in instruction and its material in input (often empty).
        if (fields.TryGetValue("instruction", out var instruction) && instruction.IsString && !fields.ContainsKey("prompt")
            && !fields.ContainsKey("question"))
        {
            prompt = Unwrap(instruction.String);
            if (fields.TryGetValue("input", out var input) && input.IsString && input.String.Trim().Length > 0)
            {
                prompt += "\n\n" + Unwrap(input.String);
            }

            return true;
        }

        foreach (var name in PromptNames)
        {
            if (!fields.TryGetValue(name, out var value))
            {
                continue;
            }

            if (value.IsString)
            {
                var text = value.String;
                var trimmed = text.TrimStart();
                if (trimmed.StartsWith("[{", StringComparison.Ordinal) || trimmed.StartsWith("[ {", StringComparison.Ordinal))
                {
                    // A messages list stored as JSON text (a CSV column, or a JSON string that holds JSON).
                    try
                    {
                        using var document = JsonDocument.Parse(text);
                        return TryArray(name, document.RootElement, out prompt, out problem);
                    }
                    catch (JsonException)
                    {
                        // Not JSON after all: the text is the prompt.
                    }
                }

                prompt = Unwrap(text);
                return true;
            }

            if (value.Json.ValueKind == JsonValueKind.Array)
            {
                return TryArray(name, value.Json, out prompt, out problem);
            }

            if (value.Json.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            problem = $"{name} must be a string or a list of chat messages, but is {OutcomeCell.Of(value.Json).Shown}";
            return false;
        }

        problem = Expected;
        return false;
    }

    private static string Unwrap(string text) => PythonListLiteral.TryUnwrap(text, out var unwrapped) ? unwrapped : text;

    /// <summary>A list of strings (turns), or of chat messages: the user's turns joined by newlines.</summary>
    /// <remarks>
    /// Only the user's turns: in a dataset an assistant turn is usually the very answer that was graded, and a system
    /// prompt is the same on every row, so neither says anything about how hard the request is.
    /// </remarks>
    private static bool TryArray(string name, JsonElement array, out string prompt, out string? problem)
    {
        prompt = "";
        problem = null;
        if (array.ValueKind != JsonValueKind.Array)
        {
            problem = $"{name} must be a list of chat messages ({{\"role\": \"user\", \"content\": \"...\"}})";
            return false;
        }

        var turns = new List<string>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                turns.Add(item.GetString()!);
            }
            else if (item.ValueKind == JsonValueKind.Object)
            {
                var role = item.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                // COMPAT: ShareGPT writes {"from": "human", "value": "..."}.
                role ??= item.TryGetProperty("from", out var from) && from.ValueKind == JsonValueKind.String ? from.GetString() : null;
                if (role is null)
                {
                    problem = $"{name}[{index}] has no \"role\" (user, assistant or system)";
                    return false;
                }

                if (role is "user" or "human" && Content(item) is { } content)
                {
                    turns.Add(content);
                }
            }
            else
            {
                problem = $"{name}[{index}] must be a chat message ({{\"role\": \"user\", \"content\": \"...\"}}), but is {OutcomeCell.Of(item).Shown}";
                return false;
            }

            index++;
        }

        if (turns.Count == 0)
        {
            problem = $"{name} has no user turn";
            return false;
        }

        prompt = string.Join('\n', turns);
        return true;
    }

    /// <summary>A message's text: a string, or the text parts of a content list.</summary>
    private static string? Content(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content) && !message.TryGetProperty("value", out content))
        {
            return null;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString();
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
            {
                text.Append(text.Length > 0 ? "\n" : "").Append(t.GetString());
            }
        }

        return text.Length > 0 ? text.ToString() : null;
    }
}
