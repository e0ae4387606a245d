using System.Text;
using System.Text.Json;

namespace Switchyard.Gateway.Evaluation;

/// <summary>
/// Choice 0 of a chat completion as the gateway returned it, whole or streamed: its text, its tool calls (arguments
/// joined across chunks), why it finished, whether it refused, and the usage. Cold path: each body or chunk is parsed
/// as a document.
/// </summary>
internal sealed class EvalAnswer
{
    private readonly StringBuilder _text = new();
    private readonly SortedDictionary<int, (string? Name, StringBuilder Arguments)> _calls = [];

    public string? FinishReason { get; private set; }

    /// <summary>OpenAI's structured-output <c>refusal</c> field was set.</summary>
    public bool Refused { get; private set; }

    public int? InputTokens { get; private set; }

    public int? OutputTokens { get; private set; }

    public bool HasToolCalls => _calls.Count > 0;

    /// <summary>Whether any text or tool call has arrived (for a stream: the first token).</summary>
    public bool Started => _text.Length > 0 || _calls.Count > 0;

    /// <summary>
    /// The answer as scorers read it: its text, or for an answer made only of tool calls, one
    /// <c>[tool call NAME(ARGUMENTS)]</c> line per call.
    /// </summary>
    public string Text => _text.Length > 0 || _calls.Count == 0
        ? _text.ToString()
        : string.Join("\n", _calls.Values.Select(c => $"[tool call {c.Name}({c.Arguments})]"));

    /// <summary>Reads a whole <c>chat.completion</c> body; false when it is not one.</summary>
    public bool ReadCompletion(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            ReadUsage(root);
            foreach (var choice in choices.EnumerateArray())
            {
                if (Index(choice) == 0)
                {
                    Read(choice, "message");
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads one stream chunk (a <c>data:</c> payload); false when it is not JSON.</summary>
    public bool ReadChunk(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            ReadUsage(root);
            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    if (Index(choice) == 0)
                    {
                        Read(choice, "delta");
                    }
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static int Index(JsonElement choice)
        => choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("index", out var index) && index.TryGetInt32(out var i) ? i : 0;

    private void Read(JsonElement choice, string field)
    {
        if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
        {
            FinishReason = finish.GetString();
        }

        if (!choice.TryGetProperty(field, out var message) || message.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (message.TryGetProperty("content", out var content))
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                _text.Append(content.GetString());
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                    {
                        _text.Append(text.GetString());
                    }
                }
            }
        }

        if (message.TryGetProperty("refusal", out var refusal) && refusal.ValueKind == JsonValueKind.String && refusal.GetString() is { Length: > 0 })
        {
            Refused = true;
        }

        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            var position = 0;
            foreach (var call in calls.EnumerateArray())
            {
                // A whole answer lists its calls in order; a stream's deltas name theirs by index.
                var index = call.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : position;
                position++;
                if (!_calls.TryGetValue(index, out var entry))
                {
                    entry = (null, new StringBuilder());
                }

                if (call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
                {
                    if (function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                    {
                        entry.Name = name.GetString();
                    }

                    if (function.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.String)
                    {
                        entry.Arguments.Append(arguments.GetString());
                    }
                }

                _calls[index] = entry;
            }
        }
    }

    private void ReadUsage(JsonElement root)
    {
        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            InputTokens = usage.TryGetProperty("prompt_tokens", out var prompt) && prompt.TryGetInt32(out var p) ? p : InputTokens;
            OutputTokens = usage.TryGetProperty("completion_tokens", out var completion) && completion.TryGetInt32(out var c) ? c : OutputTokens;
        }
    }
}
