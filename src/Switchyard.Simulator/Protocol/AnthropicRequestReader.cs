using System.Text.Json;
using Switchyard.Simulator.Internal;

namespace Switchyard.Simulator.Protocol;

/// <summary>
/// Reads an Anthropic Messages request (<c>POST /v1/messages</c>) by restating it as the chat completion request that
/// asks the same thing, which <see cref="GenerationRequestParser"/> then reads: the same prompt hashing, prompt kinds,
/// judge detection and tool handling serve both protocols, so a model answers a question alike whichever way it is asked.
/// </summary>
/// <remarks>
/// Validates what Anthropic's API validates before generating: <c>model</c>, <c>max_tokens</c> and <c>messages</c> are
/// required, roles are <c>user</c> or <c>assistant</c>, <c>temperature</c> is at most 1. Errors are
/// <see cref="RequestError"/>s with Anthropic's error types, written by <see cref="AnthropicResponseWriter.WriteError"/>.
/// </remarks>
internal static class AnthropicRequestReader
{
    /// <summary>Writes the equivalent chat request into <paramref name="chat"/>; returns the error instead when the request is invalid.</summary>
    public static RequestError? TryRestate(ReadOnlySpan<byte> body, PooledByteBuffer chat)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException e)
        {
            return Invalid($"The request body is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Invalid("The request body must be a JSON object.");
            }

            foreach (var required in (ReadOnlySpan<string>)["model", "max_tokens", "messages"])
            {
                if (!root.TryGetProperty(required, out _))
                {
                    return Invalid($"{required}: Field required");
                }
            }

            if (root.GetProperty("max_tokens") is not { ValueKind: JsonValueKind.Number } maxTokens || !maxTokens.TryGetInt32(out var max) || max < 1)
            {
                return Invalid("max_tokens: Input should be a positive integer");
            }

            if (root.TryGetProperty("temperature", out var temperature) && temperature.ValueKind == JsonValueKind.Number && temperature.GetDouble() > 1)
            {
                return Invalid("temperature: Input should be less than or equal to 1");
            }

            if (root.GetProperty("messages") is not { ValueKind: JsonValueKind.Array } messages || messages.GetArrayLength() == 0)
            {
                return Invalid("messages: at least one message is required");
            }

            var writer = JsonWriterCache.Rent(chat);
            try
            {
                writer.WriteStartObject();
                writer.WritePropertyName("model");
                root.GetProperty("model").WriteTo(writer);
                writer.WriteNumber("max_tokens", max);
                if (root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
                {
                    writer.WriteBoolean("stream", true);
                }

                Copy(root, "temperature", writer, "temperature");
                Copy(root, "top_p", writer, "top_p");
                Copy(root, "stop_sequences", writer, "stop");
                writer.WriteStartArray("messages");
                if (root.TryGetProperty("system", out var system))
                {
                    writer.WriteStartObject();
                    writer.WriteString("role", "system");
                    writer.WriteString("content", Text(system));
                    writer.WriteEndObject();
                }

                var index = 0;
                foreach (var message in messages.EnumerateArray())
                {
                    if (WriteMessage(writer, message, index++) is { } error)
                    {
                        return error;
                    }
                }

                writer.WriteEndArray();
                if (WriteTools(writer, root) is { } toolError)
                {
                    return toolError;
                }

                writer.WriteEndObject();
                writer.Flush();
            }
            finally
            {
                JsonWriterCache.Return(writer);
            }

            return null;
        }
    }

    private static RequestError Invalid(string message) => new(400, "invalid_request_error", message);

    private static void Copy(JsonElement root, string from, Utf8JsonWriter writer, string to)
    {
        if (root.TryGetProperty(from, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            writer.WritePropertyName(to);
            value.WriteTo(writer);
        }
    }

    /// <summary>A string, or the text of an array of blocks, joined.</summary>
    private static string Text(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString() ?? "";
        }

        var text = new System.Text.StringBuilder();
        if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in content.EnumerateArray())
            {
                if (block.ValueKind == JsonValueKind.Object && block.TryGetProperty("text", out var part) && part.ValueKind == JsonValueKind.String)
                {
                    text.Append(part.GetString());
                }
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// One Anthropic message as chat messages: a user turn's tool results become tool messages (first, as OpenAI wants them
    /// right after the calls) and its text a user message; an assistant turn's tool uses become tool calls.
    /// </summary>
    private static RequestError? WriteMessage(Utf8JsonWriter writer, JsonElement message, int index)
    {
        var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        if (role is not ("user" or "assistant"))
        {
            return Invalid($"messages.{index}.role: Input should be 'user' or 'assistant'");
        }

        if (!message.TryGetProperty("content", out var content))
        {
            return Invalid($"messages.{index}.content: Field required");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            writer.WriteStartObject();
            writer.WriteString("role", role);
            writer.WriteString("content", content.GetString());
            writer.WriteEndObject();
            return null;
        }

        var text = new System.Text.StringBuilder();
        var calls = new List<JsonElement>();
        foreach (var block in content.EnumerateArray())
        {
            var type = block.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (type)
            {
                case "text":
                    text.Append(block.GetProperty("text").GetString());
                    break;
                case "tool_result":
                    writer.WriteStartObject();
                    writer.WriteString("role", "tool");
                    writer.WriteString("tool_call_id", block.GetProperty("tool_use_id").GetString());
                    writer.WriteString("content", block.TryGetProperty("content", out var result) ? Text(result) : "");
                    writer.WriteEndObject();
                    break;
                case "tool_use" when role == "assistant":
                    calls.Add(block);
                    break;
                case "image" or "document" or "thinking" or "redacted_thinking":
                    // Seen, not read: the simulated model answers the text.
                    break;
                default:
                    return Invalid($"messages.{index}.content: a block of type '{type}' is not valid in a {role} message");
            }
        }

        if (text.Length == 0 && calls.Count == 0)
        {
            return null;
        }

        writer.WriteStartObject();
        writer.WriteString("role", role);
        writer.WriteString("content", text.ToString());
        if (calls.Count > 0)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                writer.WriteStartObject();
                writer.WriteString("id", call.GetProperty("id").GetString());
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", call.GetProperty("name").GetString());
                writer.WriteString("arguments", call.GetProperty("input").GetRawText());
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        return null;
    }

    private static RequestError? WriteTools(Utf8JsonWriter writer, JsonElement root)
    {
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            writer.WriteStartArray("tools");
            var index = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                if (!tool.TryGetProperty("name", out var name) || !tool.TryGetProperty("input_schema", out var schema))
                {
                    return Invalid($"tools.{index}: a custom tool needs name and input_schema");
                }

                writer.WriteStartObject();
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", name.GetString());
                writer.WritePropertyName("parameters");
                schema.WriteTo(writer);
                writer.WriteEndObject();
                writer.WriteEndObject();
                index++;
            }

            writer.WriteEndArray();
        }

        if (root.TryGetProperty("tool_choice", out var choice) && choice.ValueKind == JsonValueKind.Object)
        {
            var type = choice.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (type)
            {
                case "auto":
                    writer.WriteString("tool_choice", "auto");
                    break;
                case "any":
                    writer.WriteString("tool_choice", "required");
                    break;
                case "none":
                    writer.WriteString("tool_choice", "none");
                    break;
                case "tool":
                    writer.WriteStartObject("tool_choice");
                    writer.WriteString("type", "function");
                    writer.WriteStartObject("function");
                    writer.WriteString("name", choice.GetProperty("name").GetString());
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    break;
                default:
                    return Invalid($"tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
            }

            if (choice.TryGetProperty("disable_parallel_tool_use", out var single) && single.ValueKind == JsonValueKind.True)
            {
                writer.WriteBoolean("parallel_tool_calls", false);
            }
        }

        return null;
    }
}
