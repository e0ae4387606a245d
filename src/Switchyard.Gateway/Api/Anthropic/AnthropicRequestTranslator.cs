using System.Buffers;
using System.Text.Json;

namespace Switchyard.Gateway.Api.Anthropic;

/// <summary>
/// Translates an Anthropic Messages request (<c>POST /v1/messages</c>) into the OpenAI Chat Completions request the
/// forwarder serves, so that every route, whatever serves it, answers Anthropic clients. What has no OpenAI equivalent
/// is refused with a 400 that names it (see <c>Providers/Anthropic/README.md</c> for the table).
/// </summary>
internal static class AnthropicRequestTranslator
{
    /// <summary>Writes the OpenAI body for <paramref name="body"/>, or returns the error to answer with.</summary>
    public static ApiError? TryTranslate(ReadOnlySpan<byte> body, IBufferWriter<byte> output, out bool stream)
    {
        stream = false;
        if (EdgeTranslation.TryParseObject(body, "{\"model\": \"...\", \"max_tokens\": 1024, \"messages\": [...]}", out var document) is { } invalid)
        {
            return invalid;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (Check(root) is { } refused)
            {
                return refused;
            }

            stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            using var writer = new Utf8JsonWriter(output);
            writer.WriteStartObject();
            writer.WritePropertyName("model"u8);
            root.GetProperty("model").WriteTo(writer);
            writer.WriteNumber("max_tokens"u8, root.GetProperty("max_tokens").GetInt32());
            if (stream)
            {
                writer.WriteBoolean("stream"u8, true);
                // The translation back needs the usage for message_delta; the forwarder relays it since it is asked for.
                writer.WriteStartObject("stream_options"u8);
                writer.WriteBoolean("include_usage"u8, true);
                writer.WriteEndObject();
            }

            foreach (var (from, to) in (ReadOnlySpan<(string, string)>)[("temperature", "temperature"), ("top_p", "top_p"), ("top_k", "top_k"), ("stop_sequences", "stop")])
            {
                if (root.TryGetProperty(from, out var value) && value.ValueKind != JsonValueKind.Null)
                {
                    writer.WritePropertyName(to);
                    value.WriteTo(writer);
                }
            }

            if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("user_id", out var user) && user.ValueKind == JsonValueKind.String)
            {
                writer.WriteString("user"u8, user.GetString());
            }

            writer.WriteStartArray("messages"u8);
            if (root.TryGetProperty("system", out var system) && system.ValueKind != JsonValueKind.Null)
            {
                if (WriteSystem(writer, system) is { } systemError)
                {
                    return systemError;
                }
            }

            var index = 0;
            foreach (var message in root.GetProperty("messages").EnumerateArray())
            {
                if (WriteMessage(writer, message, index++) is { } messageError)
                {
                    return messageError;
                }
            }

            writer.WriteEndArray();
            if (WriteTools(writer, root) is { } toolError)
            {
                return toolError;
            }

            writer.WriteEndObject();
            writer.Flush();
            return null;
        }
    }

    private static ApiError Unsupported(string what, string param)
        => ApiError.BadRequest($"{what} The gateway translates /v1/messages into OpenAI's format for every route, and this has no equivalent there.", param, "unsupported_parameter");

    /// <summary>Required members, and the top-level parameters that cannot be translated.</summary>
    private static ApiError? Check(JsonElement root)
    {
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 })
        {
            return ApiError.BadRequest("model: Field required (a string naming the route, e.g. \"chat\").", "model", "missing_required_parameter");
        }

        if (!root.TryGetProperty("max_tokens", out var max) || max.ValueKind != JsonValueKind.Number || !max.TryGetInt32(out var tokens) || tokens < 1)
        {
            return ApiError.BadRequest("max_tokens: Field required (a positive integer), as Anthropic's API requires it.", "max_tokens", "missing_required_parameter");
        }

        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return ApiError.BadRequest("messages: Field required (an array of user and assistant messages).", "messages", "missing_required_parameter");
        }

        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            var refusal = property.Name switch
            {
                "model" or "max_tokens" or "messages" or "system" or "temperature" or "top_p" or "top_k" or "stop_sequences" or "stream"
                    or "tools" or "tool_choice" or "metadata" => null,
                // Anthropic's capacity tiers; the gateway's routes choose capacity.
                "service_tier" => null,
                "thinking" when value.ValueKind == JsonValueKind.Null || (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var t) && t.GetString() == "disabled") => null,
                "thinking" => "thinking: extended thinking returns signed thinking blocks that OpenAI's format cannot carry back.",
                _ when value.ValueKind == JsonValueKind.Null => null,
                "container" or "mcp_servers" or "context_management" => $"{property.Name}: Anthropic's server-side containers, MCP servers and context management run inside Anthropic's API.",
                _ => $"{property.Name}: the parameter is not known to the gateway's Anthropic-to-OpenAI translation.",
            };
            if (refusal is not null)
            {
                return Unsupported(refusal, property.Name);
            }
        }

        return null;
    }

    private static ApiError? WriteSystem(Utf8JsonWriter writer, JsonElement system)
    {
        writer.WriteStartObject();
        writer.WriteString("role"u8, "system"u8);
        if (system.ValueKind == JsonValueKind.String)
        {
            writer.WriteString("content"u8, system.GetString());
        }
        else if (system.ValueKind == JsonValueKind.Array)
        {
            writer.WriteStartArray("content"u8);
            foreach (var block in system.EnumerateArray())
            {
                if (Type(block) != "text")
                {
                    return Unsupported($"system: a block of type '{Type(block)}' (only text blocks can be a system prompt).", "system");
                }

                if (block.TryGetProperty("citations", out var citations) && citations.ValueKind != JsonValueKind.Null)
                {
                    return Unsupported("system: citations.", "system");
                }

                WriteTextPart(writer, block.GetProperty("text").GetString());
            }

            writer.WriteEndArray();
        }
        else
        {
            return ApiError.BadRequest("system: expected a string or an array of text blocks.", "system", "invalid_type");
        }

        writer.WriteEndObject();
        return null;
    }

    private static string? Type(JsonElement block)
        => block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    private static void WriteTextPart(Utf8JsonWriter writer, string? text)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "text"u8);
        writer.WriteString("text"u8, text);
        writer.WriteEndObject();
    }

    /// <summary>
    /// One Anthropic message: a user turn's tool results become tool messages, before its other content (OpenAI wants them
    /// right after the assistant's calls); an assistant turn's tool uses become <c>tool_calls</c>.
    /// </summary>
    private static ApiError? WriteMessage(Utf8JsonWriter writer, JsonElement message, int index)
    {
        var path = $"messages.{index}";
        var role = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        if (role is not ("user" or "assistant"))
        {
            return ApiError.BadRequest($"{path}.role: Input should be 'user' or 'assistant'.", $"{path}.role", "invalid_value");
        }

        if (!message.TryGetProperty("content", out var content))
        {
            return ApiError.BadRequest($"{path}.content: Field required.", $"{path}.content", "missing_required_parameter");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, role);
            writer.WriteString("content"u8, content.GetString());
            writer.WriteEndObject();
            return null;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return ApiError.BadRequest($"{path}.content: expected a string or an array of content blocks.", $"{path}.content", "invalid_type");
        }

        // Tool results first, each its own tool message.
        var b = 0;
        foreach (var block in content.EnumerateArray())
        {
            if (Type(block) == "tool_result")
            {
                if (role != "user")
                {
                    return ApiError.BadRequest($"{path}.content.{b}: tool_result blocks belong in user messages.", $"{path}.content", "invalid_value");
                }

                if (WriteToolResult(writer, block, $"{path}.content.{b}") is { } error)
                {
                    return error;
                }
            }

            b++;
        }

        var parts = 0;
        var calls = 0;
        b = 0;
        foreach (var block in content.EnumerateArray())
        {
            var type = Type(block);
            var blockPath = $"{path}.content.{b++}";
            switch (type)
            {
                case "tool_result":
                    continue;
                case "text":
                    if (block.TryGetProperty("citations", out var citations) && citations.ValueKind != JsonValueKind.Null)
                    {
                        return Unsupported($"{blockPath}: text with citations.", blockPath);
                    }

                    parts++;
                    break;
                case "image" when role == "user":
                    parts++;
                    break;
                case "tool_use" when role == "assistant":
                    calls++;
                    break;
                case "thinking" or "redacted_thinking":
                    return Unsupported($"{blockPath}: a {type} block (signed reasoning that only Anthropic can verify).", blockPath);
                case "document":
                    return Unsupported($"{blockPath}: a document block (PDFs and text documents with citations).", blockPath);
                default:
                    return Unsupported($"{blockPath}: a block of type '{type}' in a {role} message.", blockPath);
            }
        }

        if (parts == 0 && calls == 0)
        {
            return null;
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, role);
        if (role == "assistant")
        {
            // OpenAI's assistant content is text: the text blocks, joined.
            var text = new System.Text.StringBuilder();
            foreach (var block in content.EnumerateArray())
            {
                if (Type(block) == "text")
                {
                    text.Append(block.GetProperty("text").GetString());
                }
            }

            if (text.Length > 0)
            {
                writer.WriteString("content"u8, text.ToString());
            }
            else
            {
                writer.WriteNull("content"u8);
            }
        }
        else
        {
            writer.WriteStartArray("content"u8);
            b = 0;
            foreach (var block in content.EnumerateArray())
            {
                var blockPath = $"{path}.content.{b++}";
                if (Type(block) == "text")
                {
                    WriteTextPart(writer, block.GetProperty("text").GetString());
                }
                else if (Type(block) == "image" && WriteImage(writer, block, blockPath) is { } imageError)
                {
                    return imageError;
                }
            }

            writer.WriteEndArray();
        }

        if (calls > 0)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (var block in content.EnumerateArray())
            {
                if (Type(block) != "tool_use")
                {
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("id"u8, block.GetProperty("id").GetString());
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, block.GetProperty("name").GetString());
                writer.WriteString("arguments"u8, block.TryGetProperty("input", out var input) ? input.GetRawText() : "{}");
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        return null;
    }

    /// <summary>An image block: base64 as a <c>data:</c> URL, a URL as it is; a file id has no OpenAI equivalent.</summary>
    private static ApiError? WriteImage(Utf8JsonWriter writer, JsonElement block, string path)
    {
        var source = block.GetProperty("source");
        var kind = Type(source);
        string url;
        if (kind == "base64")
        {
            url = $"data:{source.GetProperty("media_type").GetString()};base64,{source.GetProperty("data").GetString()}";
        }
        else if (kind == "url")
        {
            url = source.GetProperty("url").GetString() ?? "";
        }
        else
        {
            return Unsupported($"{path}: an image from Anthropic's Files API (source type '{kind}').", path);
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "image_url"u8);
        writer.WriteStartObject("image_url"u8);
        writer.WriteString("url"u8, url);
        writer.WriteEndObject();
        writer.WriteEndObject();
        return null;
    }

    /// <summary>
    /// A <c>tool_result</c> as a tool message. <c>is_error</c> has no field in OpenAI's format: the content is prefixed
    /// with <c>Error:</c>, which is what the flag tells the model.
    /// </summary>
    private static ApiError? WriteToolResult(Utf8JsonWriter writer, JsonElement block, string path)
    {
        var text = new System.Text.StringBuilder();
        if (block.TryGetProperty("is_error", out var isError) && isError.ValueKind == JsonValueKind.True)
        {
            text.Append("Error: ");
        }

        if (block.TryGetProperty("content", out var content))
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                text.Append(content.GetString());
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in content.EnumerateArray())
                {
                    if (Type(part) != "text")
                    {
                        return Unsupported($"{path}: a tool result with a '{Type(part)}' block (OpenAI's tool messages hold text only).", path);
                    }

                    text.Append(part.GetProperty("text").GetString());
                }
            }
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, "tool"u8);
        writer.WriteString("tool_call_id"u8, block.GetProperty("tool_use_id").GetString());
        writer.WriteString("content"u8, text.ToString());
        writer.WriteEndObject();
        return null;
    }

    /// <summary><c>tools</c> (custom tools only) and <c>tool_choice</c> (with <c>disable_parallel_tool_use</c>).</summary>
    private static ApiError? WriteTools(Utf8JsonWriter writer, JsonElement root)
    {
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0)
        {
            writer.WriteStartArray("tools"u8);
            var index = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                var type = Type(tool);
                if (type is not (null or "custom") || !tool.TryGetProperty("input_schema", out var schema))
                {
                    return Unsupported($"tools.{index}: '{type ?? tool.GetProperty("name").GetString()}' is one of Anthropic's server tools (web search, code execution, bash, text editor, computer use), which run inside Anthropic's API.", $"tools.{index}");
                }

                writer.WriteStartObject();
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, tool.GetProperty("name").GetString());
                if (tool.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
                {
                    writer.WriteString("description"u8, description.GetString());
                }

                writer.WritePropertyName("parameters"u8);
                schema.WriteTo(writer);
                writer.WriteEndObject();
                writer.WriteEndObject();
                index++;
            }

            writer.WriteEndArray();
        }

        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        switch (Type(choice))
        {
            case "auto":
                writer.WriteString("tool_choice"u8, "auto"u8);
                break;
            case "any":
                writer.WriteString("tool_choice"u8, "required"u8);
                break;
            case "none":
                writer.WriteString("tool_choice"u8, "none"u8);
                break;
            case "tool":
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, choice.GetProperty("name").GetString());
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            default:
                return ApiError.BadRequest("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'.", "tool_choice", "invalid_value");
        }

        if (choice.TryGetProperty("disable_parallel_tool_use", out var single) && single.ValueKind == JsonValueKind.True)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, false);
        }

        return null;
    }
}
