using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Switchyard.Gateway.Providers.Anthropic;

/// <summary>
/// Translates an OpenAI Chat Completions request into an Anthropic Messages request (see README.md beside this file for
/// the table). What has no faithful equivalent is refused with a message that names it, never dropped.
/// </summary>
/// <remarks>
/// Once per request: the body is read into a <see cref="JsonDocument"/> (pooled by the runtime) because Anthropic's shape
/// is not the OpenAI one reordered (system messages move to the top, tool results merge into user turns), and written
/// with one <see cref="Utf8JsonWriter"/>. Streams never come through here more than once.
/// </remarks>
internal static class AnthropicRequestWriter
{
    /// <summary>The forced tool's name when <c>response_format</c> is <c>json_object</c> (or a schema's name is not a valid tool name).</summary>
    public const string JsonToolName = "json_response";

    /// <summary>
    /// Writes the Anthropic body for <paramref name="openAiBody"/>. <paramref name="defaultMaxTokens"/> is used when the
    /// client gave no <c>max_tokens</c>. Returns false with <paramref name="error"/> set when the request cannot be translated.
    /// </summary>
    public static bool TryWrite(ReadOnlySpan<byte> openAiBody, int defaultMaxTokens, IBufferWriter<byte> output, out AnthropicCall call, out TranslationError error)
    {
        call = default;
        error = default;
        using var document = JsonDocument.Parse(openAiBody.ToArray(), new JsonDocumentOptions { MaxDepth = 128 });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = new TranslationError("The request body must be a JSON object.", null);
            return false;
        }

        if (!TryCheckParameters(root, out error))
        {
            return false;
        }

        string? jsonTool = null;
        JsonElement schema = default;
        if (Get(root, "response_format") is { } format && !TryReadResponseFormat(root, format, out jsonTool, out schema, out error))
        {
            return false;
        }

        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteString("model"u8, root.GetProperty("model").GetString());
        var maxTokens = Get(root, "max_completion_tokens") ?? Get(root, "max_tokens");
        writer.WriteNumber("max_tokens"u8, maxTokens is { } max ? max.GetInt32() : defaultMaxTokens);
        if (!TryWriteMessages(writer, root.GetProperty("messages"), out error))
        {
            return false;
        }

        if (Get(root, "temperature") is { } temperature)
        {
            var value = temperature.GetDouble();
            if (value > 1)
            {
                error = new TranslationError($"Anthropic's temperature ranges from 0 to 1, and this request asks for {value.ToString(CultureInfo.InvariantCulture)}; the two scales are not the same, so the gateway does not rescale it. Send a temperature between 0 and 1.", "temperature");
                return false;
            }

            writer.WriteNumber("temperature"u8, value);
        }

        if (Get(root, "top_p") is { } topP)
        {
            writer.WriteNumber("top_p"u8, topP.GetDouble());
        }

        if (Get(root, "top_k") is { } topK)
        {
            // COMPAT: vLLM's extension to OpenAI's format, which is Anthropic's own parameter.
            writer.WriteNumber("top_k"u8, topK.GetInt32());
        }

        if (Get(root, "stop") is { } stop)
        {
            writer.WriteStartArray("stop_sequences"u8);
            if (stop.ValueKind == JsonValueKind.String)
            {
                writer.WriteStringValue(stop.GetString());
            }
            else
            {
                foreach (var sequence in stop.EnumerateArray())
                {
                    writer.WriteStringValue(sequence.GetString());
                }
            }

            writer.WriteEndArray();
        }

        var stream = Get(root, "stream") is { ValueKind: JsonValueKind.True };
        if (stream)
        {
            writer.WriteBoolean("stream"u8, true);
        }

        if (Get(root, "user") is { ValueKind: JsonValueKind.String } user)
        {
            writer.WriteStartObject("metadata"u8);
            writer.WriteString("user_id"u8, user.GetString());
            writer.WriteEndObject();
        }

        if (jsonTool is not null)
        {
            // Structured output as one forced tool call whose input is the answer (the answer is translated back into content).
            writer.WriteStartArray("tools"u8);
            writer.WriteStartObject();
            writer.WriteString("name"u8, jsonTool);
            writer.WriteString("description"u8, "Give the answer as this tool's input, which must follow its schema.");
            writer.WritePropertyName("input_schema"u8);
            if (schema.ValueKind == JsonValueKind.Object)
            {
                schema.WriteTo(writer);
            }
            else
            {
                writer.WriteRawValue("{\"type\":\"object\"}"u8);
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteStartObject("tool_choice"u8);
            writer.WriteString("type"u8, "tool");
            writer.WriteString("name"u8, jsonTool);
            writer.WriteEndObject();
        }
        else if (!TryWriteTools(writer, root, out error))
        {
            return false;
        }

        writer.WriteEndObject();
        writer.Flush();
        call = new AnthropicCall(stream, jsonTool);
        return true;
    }

    /// <summary>A member's value, or null when absent or JSON null (OpenAI treats both as "not given").</summary>
    private static JsonElement? Get(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>Refuses what Anthropic cannot do, by parameter; lets through what the rest of the writer translates.</summary>
    private static bool TryCheckParameters(JsonElement root, out TranslationError error)
    {
        error = default;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var refusal = property.Name switch
            {
                "model" or "messages" or "max_tokens" or "max_completion_tokens" or "temperature" or "top_p" or "top_k" or "stop" or "stream"
                    or "tools" or "tool_choice" or "parallel_tool_calls" or "response_format" or "user" => null,
                // The gateway's routing metadata (metadata.tags) and OpenAI's stored-completion labels: not the model's input.
                "metadata" => null,
                // Usage is always in Anthropic's stream; the forwarder decides what the client sees.
                "stream_options" => null,
                "n" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n == 1 => null,
                "n" => "n: Anthropic's Messages API returns one answer per request. Send n: 1 (or none), or send the request several times.",
                "logprobs" when value.ValueKind == JsonValueKind.False => null,
                "logprobs" or "top_logprobs" => $"{property.Name}: Anthropic's Messages API returns no log probabilities.",
                "presence_penalty" or "frequency_penalty" when value.ValueKind == JsonValueKind.Number && value.GetDouble() == 0 => null,
                "presence_penalty" or "frequency_penalty" => $"{property.Name}: Anthropic's Messages API has no repetition penalties.",
                "logit_bias" when value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any() => null,
                "logit_bias" => "logit_bias: Anthropic's Messages API cannot bias tokens.",
                "seed" => "seed: Anthropic's Messages API has no seed; its answers cannot be made repeatable.",
                "store" when value.ValueKind == JsonValueKind.False => null,
                "store" => "store: Anthropic does not keep completions for later retrieval.",
                "service_tier" when value.ValueKind == JsonValueKind.String && value.GetString() is "auto" or "default" => null,
                "service_tier" => "service_tier: OpenAI's flex and priority tiers have no Anthropic equivalent (only auto or default are accepted).",
                "modalities" when IsTextOnly(value) => null,
                "modalities" or "audio" => $"{property.Name}: Anthropic's Messages API answers in text only.",
                "reasoning_effort" => "reasoning_effort: Anthropic's extended thinking is configured by a token budget and returns signed thinking blocks that OpenAI's format cannot carry.",
                "functions" or "function_call" => $"{property.Name}: the deprecated function-calling parameters are not translated; use tools and tool_choice.",
                "prediction" => "prediction: Anthropic has no predicted outputs.",
                "web_search_options" => "web_search_options: web search is not available through the translation.",
                _ => $"{property.Name}: the parameter is not known to the gateway's OpenAI-to-Anthropic translation.",
            };
            if (refusal is not null)
            {
                error = Unsupported(refusal, property.Name);
                return false;
            }
        }

        return true;

        static bool IsTextOnly(JsonElement modalities)
        {
            foreach (var modality in modalities.EnumerateArray())
            {
                if (modality.ValueKind != JsonValueKind.String || modality.GetString() != "text")
                {
                    return false;
                }
            }

            return true;
        }
    }

    private static TranslationError Unsupported(string what, string param)
        => new($"This request cannot be sent to an Anthropic deployment: {what}", param, "unsupported_parameter");

    private static bool TryReadResponseFormat(JsonElement root, JsonElement format, out string? tool, out JsonElement schema, out TranslationError error)
    {
        tool = null;
        schema = default;
        error = default;
        var type = format.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type is null or "text")
        {
            return true;
        }

        if (Get(root, "tools") is { ValueKind: JsonValueKind.Array } tools && tools.GetArrayLength() > 0)
        {
            error = Unsupported("response_format with tools: Anthropic has no JSON mode, and the gateway's stand-in for it (one forced tool whose input is the answer) would take the place of your tools. Send one or the other.", "response_format");
            return false;
        }

        if (type == "json_object")
        {
            tool = JsonToolName;
            return true;
        }

        if (type != "json_schema" || !format.TryGetProperty("json_schema", out var spec) || spec.ValueKind != JsonValueKind.Object)
        {
            error = Unsupported($"response_format type '{type}' is not one the translation knows (text, json_object, json_schema).", "response_format");
            return false;
        }

        var name = spec.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        tool = name is { Length: > 0 and <= 64 } && IsToolName(name) ? name : JsonToolName;
        if (spec.TryGetProperty("schema", out schema) && schema.ValueKind == JsonValueKind.Object
            && schema.TryGetProperty("type", out var schemaType) && schemaType.ValueKind == JsonValueKind.String && schemaType.GetString() != "object")
        {
            error = Unsupported($"response_format json_schema with a schema of type '{schemaType.GetString()}': Anthropic's stand-in (a forced tool call) can only produce an object. Wrap the value in an object.", "response_format");
            return false;
        }

        return true;
    }

    private static bool IsToolName(string name)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>system</c> and <c>messages</c>: system and developer messages become the system prompt, in order (Anthropic has no
    /// system turns); tool messages become <c>tool_result</c> blocks of the user turn that follows the tool calls, merged with
    /// any user message after them; assistant tool calls become <c>tool_use</c> blocks.
    /// </summary>
    private static bool TryWriteMessages(Utf8JsonWriter writer, JsonElement messages, out TranslationError error)
    {
        error = default;
        var system = new List<JsonElement>();
        foreach (var message in messages.EnumerateArray())
        {
            if (Role(message) is "system" or "developer")
            {
                system.Add(message);
            }
        }

        if (system.Count > 0)
        {
            writer.WriteStartArray("system"u8);
            foreach (var message in system)
            {
                if (!TryWriteText(writer, message, "system", out error))
                {
                    return false;
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteStartArray("messages"u8);
        var index = 0;
        var items = new List<JsonElement>(messages.GetArrayLength());
        foreach (var message in messages.EnumerateArray())
        {
            items.Add(message);
        }

        while (index < items.Count)
        {
            var role = Role(items[index]);
            if (role is "system" or "developer")
            {
                index++;
                continue;
            }

            if (role is not ("user" or "assistant" or "tool"))
            {
                error = Unsupported(role == "function"
                    ? "messages with role 'function' (the deprecated function calling) are not translated; use tools and role 'tool'."
                    : $"a message with role '{role}' has no Anthropic equivalent.", $"messages[{index}].role");
                return false;
            }

            // One Anthropic turn: consecutive messages that map to the same role (tool results and user messages are user turns).
            var turnRole = role == "assistant" ? "assistant" : "user";
            var end = index;
            while (end < items.Count && TurnRole(Role(items[end])) == turnRole)
            {
                end++;
            }

            var blocks = 0;
            writer.WriteStartObject();
            writer.WriteString("role"u8, turnRole);
            writer.WriteStartArray("content"u8);
            for (var i = index; i < end; i++)
            {
                var message = items[i];
                var written = Role(message) switch
                {
                    "tool" => TryWriteToolResult(writer, message, i, out error),
                    "assistant" => TryWriteAssistant(writer, message, i, out error),
                    _ => TryWriteUser(writer, message, i, out error),
                };
                if (written < 0)
                {
                    return false;
                }

                blocks += written;
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            if (blocks == 0)
            {
                error = new TranslationError($"messages[{index}]: the {(turnRole == "assistant" ? "assistant" : "user")} message has no content; Anthropic needs at least one non-empty text, image, tool call or tool result in every turn.", $"messages[{index}].content");
                return false;
            }

            index = end;
        }

        writer.WriteEndArray();
        return true;
    }

    /// <summary>The Anthropic turn an OpenAI role belongs to: tool results are part of the user's turn.</summary>
    private static string? TurnRole(string? role) => role switch
    {
        "assistant" => "assistant",
        "user" or "tool" => "user",
        _ => null,
    };

    private static string? Role(JsonElement message)
        => message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String ? role.GetString() : null;

    /// <summary>A system message's text as text blocks of <c>system</c>.</summary>
    private static bool TryWriteText(Utf8JsonWriter writer, JsonElement message, string what, out TranslationError error)
    {
        error = default;
        var content = Get(message, "content");
        if (content is { ValueKind: JsonValueKind.String } text)
        {
            if (text.GetString() is { Length: > 0 } value)
            {
                WriteTextBlock(writer, value);
            }

            return true;
        }

        if (content is { ValueKind: JsonValueKind.Array } parts)
        {
            foreach (var part in parts.EnumerateArray())
            {
                if (PartType(part) != "text")
                {
                    error = Unsupported($"a {what} message can only hold text on Anthropic; this one has a '{PartType(part)}' part.", "messages");
                    return false;
                }

                if (part.GetProperty("text").GetString() is { Length: > 0 } value)
                {
                    WriteTextBlock(writer, value);
                }
            }
        }

        return true;
    }

    private static string? PartType(JsonElement part)
        => part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    private static void WriteTextBlock(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "text");
        writer.WriteString("text"u8, text);
        writer.WriteEndObject();
    }

    /// <summary>A user message's content as blocks; returns how many, or -1 with <paramref name="error"/>.</summary>
    private static int TryWriteUser(Utf8JsonWriter writer, JsonElement message, int index, out TranslationError error)
    {
        error = default;
        var content = Get(message, "content");
        if (content is { ValueKind: JsonValueKind.String } text)
        {
            if (text.GetString() is not { Length: > 0 } value)
            {
                return 0;
            }

            WriteTextBlock(writer, value);
            return 1;
        }

        if (content is not { ValueKind: JsonValueKind.Array } parts)
        {
            return 0;
        }

        var blocks = 0;
        var p = 0;
        foreach (var part in parts.EnumerateArray())
        {
            switch (PartType(part))
            {
                case "text":
                    if (part.GetProperty("text").GetString() is { Length: > 0 } value)
                    {
                        WriteTextBlock(writer, value);
                        blocks++;
                    }

                    break;
                case "image_url":
                    if (!TryWriteImage(writer, part, $"messages[{index}].content[{p}]", out error))
                    {
                        return -1;
                    }

                    blocks++;
                    break;
                case var other:
                    error = Unsupported($"a content part of type '{other}' (messages[{index}].content[{p}]) has no Anthropic equivalent the gateway translates: Anthropic takes text and images in user turns.", $"messages[{index}].content[{p}].type");
                    return -1;
            }

            p++;
        }

        return blocks;
    }

    /// <summary>
    /// An <c>image_url</c> part: a <c>data:</c> URL becomes a base64 image, an http(s) URL a URL image. <c>detail</c> has no
    /// Anthropic equivalent and is not sent: it asks OpenAI for a resolution, it does not change what the image is.
    /// </summary>
    private static bool TryWriteImage(Utf8JsonWriter writer, JsonElement part, string path, out TranslationError error)
    {
        error = default;
        var image = part.GetProperty("image_url");
        var url = image.ValueKind == JsonValueKind.String ? image.GetString() : image.TryGetProperty("url", out var u) ? u.GetString() : null;
        if (url is null)
        {
            error = new TranslationError($"{path}.image_url has no url.", path);
            return false;
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "image");
        writer.WriteStartObject("source"u8);
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = url.IndexOf(',', StringComparison.Ordinal);
            var header = comma < 0 ? "" : url[5..comma];
            var semicolon = header.IndexOf(';', StringComparison.Ordinal);
            var mediaType = semicolon < 0 ? header : header[..semicolon];
            if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase)
                || mediaType is not ("image/jpeg" or "image/png" or "image/gif" or "image/webp"))
            {
                error = Unsupported($"{path}: Anthropic takes data: URLs only as base64 JPEG, PNG, GIF or WebP (data:image/png;base64,...); this one is '{(comma < 0 ? "malformed" : header)}'.", path);
                return false;
            }

            writer.WriteString("type"u8, "base64");
            writer.WriteString("media_type"u8, mediaType);
            writer.WriteString("data"u8, url.AsSpan(comma + 1));
        }
        else if (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            writer.WriteString("type"u8, "url");
            writer.WriteString("url"u8, url);
        }
        else
        {
            error = Unsupported($"{path}: an image URL must be https:// or a base64 data: URL.", path);
            return false;
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        return true;
    }

    /// <summary>An assistant message: its text, then its tool calls as <c>tool_use</c> blocks.</summary>
    private static int TryWriteAssistant(Utf8JsonWriter writer, JsonElement message, int index, out TranslationError error)
    {
        error = default;
        if (Get(message, "function_call") is not null || Get(message, "audio") is not null)
        {
            error = Unsupported($"messages[{index}] carries {(Get(message, "audio") is null ? "a function_call (deprecated; use tool_calls)" : "audio")}, which is not translated.", $"messages[{index}]");
            return -1;
        }

        var blocks = 0;
        var content = Get(message, "content");
        if (content is { ValueKind: JsonValueKind.String } text && text.GetString() is { Length: > 0 } value)
        {
            WriteTextBlock(writer, value);
            blocks++;
        }
        else if (content is { ValueKind: JsonValueKind.Array } parts)
        {
            foreach (var part in parts.EnumerateArray())
            {
                // An assistant's refusal part is what it said: text to Anthropic.
                var key = PartType(part) switch
                {
                    "text" => "text",
                    "refusal" => "refusal",
                    var other => null,
                };
                if (key is null)
                {
                    error = Unsupported($"an assistant content part of type '{PartType(part)}' has no Anthropic equivalent.", $"messages[{index}].content");
                    return -1;
                }

                if (part.GetProperty(key).GetString() is { Length: > 0 } partText)
                {
                    WriteTextBlock(writer, partText);
                    blocks++;
                }
            }
        }

        if (Get(message, "tool_calls") is { ValueKind: JsonValueKind.Array } calls)
        {
            var c = 0;
            foreach (var call in calls.EnumerateArray())
            {
                var path = $"messages[{index}].tool_calls[{c++}]";
                if (!call.TryGetProperty("function", out var function) || !function.TryGetProperty("name", out var name) || !call.TryGetProperty("id", out var id))
                {
                    error = new TranslationError($"{path} needs an id and a function with a name.", path);
                    return -1;
                }

                writer.WriteStartObject();
                writer.WriteString("type"u8, "tool_use");
                writer.WriteString("id"u8, id.GetString());
                writer.WriteString("name"u8, name.GetString());
                writer.WritePropertyName("input"u8);
                var arguments = function.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                if (string.IsNullOrWhiteSpace(arguments))
                {
                    writer.WriteRawValue("{}"u8);
                }
                else
                {
                    try
                    {
                        using var input = JsonDocument.Parse(arguments);
                        if (input.RootElement.ValueKind != JsonValueKind.Object)
                        {
                            error = new TranslationError($"{path}.function.arguments must be a JSON object for Anthropic (a tool's input is an object), but it is {input.RootElement.ValueKind.ToString().ToLowerInvariant()}.", path);
                            return -1;
                        }

                        input.RootElement.WriteTo(writer);
                    }
                    catch (JsonException)
                    {
                        error = new TranslationError($"{path}.function.arguments is not valid JSON; Anthropic needs the tool's input as an object.", path);
                        return -1;
                    }
                }

                writer.WriteEndObject();
                blocks++;
            }
        }

        return blocks;
    }

    /// <summary>A tool message as a <c>tool_result</c> block.</summary>
    private static int TryWriteToolResult(Utf8JsonWriter writer, JsonElement message, int index, out TranslationError error)
    {
        error = default;
        if (Get(message, "tool_call_id") is not { ValueKind: JsonValueKind.String } id)
        {
            error = new TranslationError($"messages[{index}] has role 'tool' but no tool_call_id; name the tool call it answers.", $"messages[{index}].tool_call_id");
            return -1;
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "tool_result");
        writer.WriteString("tool_use_id"u8, id.GetString());
        var content = Get(message, "content");
        if (content is { ValueKind: JsonValueKind.String } text)
        {
            writer.WriteString("content"u8, text.GetString());
        }
        else if (content is { ValueKind: JsonValueKind.Array })
        {
            writer.WriteStartArray("content"u8);
            if (!TryWriteText(writer, message, "tool", out error))
            {
                return -1;
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        return 1;
    }

    /// <summary><c>tools</c> and <c>tool_choice</c> (with <c>parallel_tool_calls</c> as <c>disable_parallel_tool_use</c>).</summary>
    private static bool TryWriteTools(Utf8JsonWriter writer, JsonElement root, out TranslationError error)
    {
        error = default;
        if (Get(root, "tools") is { ValueKind: JsonValueKind.Array } tools)
        {
            writer.WriteStartArray("tools"u8);
            var t = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                if (PartType(tool) != "function" || !tool.TryGetProperty("function", out var function) || !function.TryGetProperty("name", out var name))
                {
                    error = Unsupported($"tools[{t}] is of type '{PartType(tool)}'; only function tools have an Anthropic equivalent.", $"tools[{t}]");
                    return false;
                }

                writer.WriteStartObject();
                writer.WriteString("name"u8, name.GetString());
                if (Get(function, "description") is { ValueKind: JsonValueKind.String } description)
                {
                    writer.WriteString("description"u8, description.GetString());
                }

                writer.WritePropertyName("input_schema"u8);
                if (Get(function, "parameters") is { ValueKind: JsonValueKind.Object } parameters)
                {
                    parameters.WriteTo(writer);
                }
                else
                {
                    // A function without parameters takes none: Anthropic needs the empty object schema spelled out.
                    writer.WriteRawValue("{\"type\":\"object\",\"properties\":{}}"u8);
                }

                writer.WriteEndObject();
                t++;
            }

            writer.WriteEndArray();
        }

        var noParallel = Get(root, "parallel_tool_calls") is { ValueKind: JsonValueKind.False };
        var choice = Get(root, "tool_choice");
        if (choice is null && !noParallel)
        {
            return true;
        }

        string type;
        string? forced = null;
        if (choice is null)
        {
            type = "auto";
        }
        else if (choice.Value.ValueKind == JsonValueKind.String)
        {
            switch (choice.Value.GetString())
            {
                case "auto":
                    type = "auto";
                    break;
                case "none":
                    type = "none";
                    break;
                case "required":
                    type = "any";
                    break;
                case var other:
                    error = new TranslationError($"tool_choice '{other}' is not one of auto, none, required or a named function.", "tool_choice");
                    return false;
            }
        }
        else if (choice.Value.ValueKind == JsonValueKind.Object && choice.Value.TryGetProperty("function", out var named) && named.TryGetProperty("name", out var name))
        {
            type = "tool";
            forced = name.GetString();
        }
        else
        {
            error = Unsupported("tool_choice must be auto, none, required or {\"type\":\"function\",\"function\":{\"name\":...}} to be translated.", "tool_choice");
            return false;
        }

        writer.WriteStartObject("tool_choice"u8);
        writer.WriteString("type"u8, type);
        if (forced is not null)
        {
            writer.WriteString("name"u8, forced);
        }

        if (noParallel && type != "none")
        {
            writer.WriteBoolean("disable_parallel_tool_use"u8, true);
        }

        writer.WriteEndObject();
        return true;
    }
}
