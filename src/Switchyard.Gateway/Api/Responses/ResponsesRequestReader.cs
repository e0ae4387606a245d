using System.Buffers;
using System.Text.Json;

namespace Switchyard.Gateway.Api.Responses;

/// <summary>
/// Reads a <c>POST /v1/responses</c> body: checks every parameter, refuses what Chat Completions cannot carry with a
/// 400 that names it, and renders what the rest of the request needs (<see cref="ResponsesRequest"/>). The mapping and
/// the refusals, parameter by parameter: <c>Api/Responses/README.md</c>.
/// </summary>
internal static class ResponsesRequestReader
{
    /// <summary>Largest <c>metadata</c>, as OpenAI limits it: 16 pairs, keys of 64 characters, values of 512.</summary>
    private const int MaxMetadataPairs = 16;

    /// <summary>Reads <paramref name="body"/> into <paramref name="request"/>, or returns the error to answer with.</summary>
    public static ApiError? TryRead(ReadOnlySpan<byte> body, out ResponsesRequest? request)
    {
        request = null;
        if (EdgeTranslation.TryParseObject(body, "{\"model\": \"chat\", \"input\": \"Hello\"}", out var document) is { } invalid)
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

            var previous = Get(root, "previous_response_id")?.GetString();
            if (Get(root, "input") is not { } input)
            {
                if (previous is null)
                {
                    return ApiError.MissingParameter("input");
                }

                input = EmptyArray.RootElement;
            }
            else if (input.ValueKind == JsonValueKind.Array && input.GetArrayLength() == 0 && previous is null)
            {
                return ApiError.InvalidValue("input", "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.");
            }

            var items = new ArrayBufferWriter<byte>(body.Length + 256);
            using (var writer = new Utf8JsonWriter(items))
            {
                if (ResponseInputItems.Write(input, writer) is { } itemError)
                {
                    return itemError;
                }
            }

            if (Tools(root, out var tools, out var choice) is { } toolError)
            {
                return toolError;
            }

            var stream = Get(root, "stream")?.ValueKind == JsonValueKind.True;
            request = new ResponsesRequest
            {
                Model = root.GetProperty("model").GetString()!,
                Stream = stream,
                Store = Get(root, "store")?.ValueKind != JsonValueKind.False,
                PreviousResponseId = previous,
                Instructions = Get(root, "instructions")?.GetString(),
                InputItems = items.WrittenSpan.ToArray(),
                ChatParameters = Members(writer => WriteChatParameters(writer, root, stream, tools, choice)),
                Echo = Members(writer => WriteEcho(writer, root)),
            };
            return null;
        }
    }

    /// <summary>A 400 for a parameter without an equivalent in Chat Completions, naming it.</summary>
    internal static ApiError Unsupported(string what, string param)
        => ApiError.BadRequest($"{what} The gateway serves /v1/responses by translating it into Chat Completions for every route, and this has no equivalent there.", param, "unsupported_parameter");

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static readonly JsonDocument EmptyArray = JsonDocument.Parse("[]");

    /// <summary>A member that is present and not null.</summary>
    private static JsonElement? Get(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>Every top-level parameter: its type, and whether the translation can carry it.</summary>
    private static ApiError? Check(JsonElement root)
    {
        if (Get(root, "model") is not { } model || model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 })
        {
            return Get(root, "model") is { } given
                ? ApiError.InvalidType("model", "a string", Describe(given.ValueKind))
                : ApiError.MissingParameter("model");
        }

        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            var name = property.Name;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var error = name switch
            {
                "model" => null,
                "input" => Expect(value, name, "a string or an array of input items", JsonValueKind.String, JsonValueKind.Array),
                "instructions" or "previous_response_id" or "user" or "safety_identifier" or "prompt_cache_key" => Expect(value, name, "a string", JsonValueKind.String),
                "stream" or "store" or "parallel_tool_calls" => Expect(value, name, "a boolean", JsonValueKind.True, JsonValueKind.False),
                "temperature" or "top_p" => Expect(value, name, "a number", JsonValueKind.Number),
                "max_output_tokens" => PositiveInteger(value, name),
                "max_tool_calls" => PositiveInteger(value, name),
                "metadata" => Metadata(value),
                "tools" => Expect(value, name, "an array of tools", JsonValueKind.Array),
                "tool_choice" => Expect(value, name, "a string or an object", JsonValueKind.String, JsonValueKind.Object),
                "text" => Text(value),
                "reasoning" => Reasoning(value),
                "truncation" when value.ValueKind == JsonValueKind.String && value.GetString() == "disabled" => null,
                "truncation" => Unsupported("truncation: 'auto' would drop the start of the conversation to fit the model's window, which the gateway does not do; send truncation: 'disabled' (the default) and a conversation that fits.", name),
                "background" when value.ValueKind == JsonValueKind.False => null,
                "background" => Unsupported("background: true. Background responses are run and polled inside OpenAI's API; send the request without it (streaming keeps a long answer alive).", name),
                "conversation" => Unsupported("conversation: conversation objects live in OpenAI's API. Continue a conversation with previous_response_id instead.", name),
                "prompt" => Unsupported("prompt: prompt templates are kept in OpenAI's dashboard. Send the instructions and input themselves.", name),
                "include" when value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0 => null,
                "include" => Unsupported($"include: {value.GetRawText()}. Each of these adds data that only OpenAI's API produces (hosted tool results, logprobs, encrypted reasoning).", name),
                "top_logprobs" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n == 0 => null,
                "top_logprobs" => Unsupported("top_logprobs: log probabilities are not translated back into output_text.", name),
                "service_tier" when value.ValueKind == JsonValueKind.String && value.GetString() is "auto" or "default" => null,
                "service_tier" => Unsupported($"service_tier: {value.GetRawText()}. OpenAI's flex and priority processing have no equivalent; the gateway's routes choose capacity (auto or default are accepted).", name),
                // Caching hints: they never change an answer (README).
                "prompt_cache_retention" or "prompt_cache_options" => null,
                // Applies to the stream's obfuscation padding only.
                "stream_options" => Expect(value, name, "an object", JsonValueKind.Object),
                "context_management" or "moderation" or "image" or "access_programs" => Unsupported($"{name}: a feature that runs inside OpenAI's API.", name),
                _ => ApiError.BadRequest($"Unknown parameter: '{name}'.", name, "unknown_parameter"),
            };
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static ApiError? Expect(JsonElement value, string name, string expected, params ReadOnlySpan<JsonValueKind> kinds)
        => kinds.Contains(value.ValueKind) ? null : ApiError.InvalidType(name, expected, Describe(value.ValueKind));

    private static ApiError? PositiveInteger(JsonElement value, string name)
        => value.ValueKind != JsonValueKind.Number ? ApiError.InvalidType(name, "an integer", Describe(value.ValueKind))
            : value.TryGetInt32(out var n) && n >= 1 ? null
            : ApiError.InvalidValue(name, $"Invalid '{name}': expected a positive integer, but got {value.GetRawText()} instead.");

    private static ApiError? Metadata(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return ApiError.InvalidType("metadata", "an object of strings", Describe(value.ValueKind));
        }

        var count = 0;
        foreach (var pair in value.EnumerateObject())
        {
            if (++count > MaxMetadataPairs)
            {
                return ApiError.InvalidValue("metadata", $"Invalid 'metadata': at most {MaxMetadataPairs} key-value pairs.");
            }

            if (pair.Value.ValueKind != JsonValueKind.String)
            {
                return ApiError.InvalidType($"metadata.{pair.Name}", "a string", Describe(pair.Value.ValueKind));
            }

            if (pair.Name.Length > 64 || pair.Value.GetString()!.Length > 512)
            {
                return ApiError.InvalidValue($"metadata.{pair.Name}", "Invalid 'metadata': keys are at most 64 characters and values at most 512.");
            }
        }

        return null;
    }

    private static ApiError? Text(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return ApiError.InvalidType("text", "an object", Describe(value.ValueKind));
        }

        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (property.Name == "verbosity")
            {
                return Unsupported("text.verbosity: a control of OpenAI's GPT-5 models; ask for the length you want in the instructions.", "text.verbosity");
            }

            if (property.Name != "format")
            {
                return ApiError.BadRequest($"Unknown parameter: 'text.{property.Name}'.", $"text.{property.Name}", "unknown_parameter");
            }
        }

        if (Get(value, "format") is not { } format)
        {
            return null;
        }

        var type = ResponseInputItems.String(format, "type");
        return type switch
        {
            "text" or "json_object" => null,
            "json_schema" when ResponseInputItems.String(format, "name") is null => ApiError.MissingParameter("text.format.name"),
            "json_schema" when Get(format, "schema") is not { ValueKind: JsonValueKind.Object } => ApiError.MissingParameter("text.format.schema"),
            "json_schema" => null,
            _ => ApiError.InvalidValue("text.format.type", $"Invalid value for 'text.format.type': '{type}'. Supported values are: 'text', 'json_object', and 'json_schema'."),
        };
    }

    private static ApiError? Reasoning(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return ApiError.InvalidType("reasoning", "an object", Describe(value.ValueKind));
        }

        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var error = property.Name switch
            {
                "effort" => Expect(property.Value, "reasoning.effort", "a string", JsonValueKind.String),
                "summary" or "generate_summary" => Unsupported($"reasoning.{property.Name}: reasoning summaries are written by OpenAI's reasoning models; Chat Completions returns none.", $"reasoning.{property.Name}"),
                _ => ApiError.BadRequest($"Unknown parameter: 'reasoning.{property.Name}'.", $"reasoning.{property.Name}", "unknown_parameter"),
            };
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>
    /// The function tools (anything else is refused) and the chat <c>tool_choice</c>. <c>allowed_tools</c> narrows the
    /// tools the model sees to those it names, which is what it means.
    /// </summary>
    private static ApiError? Tools(JsonElement root, out List<JsonElement> tools, out JsonElement? choice)
    {
        tools = [];
        choice = Get(root, "tool_choice");
        if (Get(root, "tools") is { } given)
        {
            var index = 0;
            foreach (var tool in given.EnumerateArray())
            {
                var path = $"tools[{index++}]";
                var type = ResponseInputItems.String(tool, "type");
                if (type != "function")
                {
                    return type is null
                        ? ApiError.MissingParameter($"{path}.type")
                        : Unsupported($"{path}: '{type}' is {(type == "custom" ? "a custom tool with free-form input" : "one of OpenAI's built-in tools (web search, file search, computer use, code interpreter, image generation, MCP, shell, ...), which run inside OpenAI's API")}. Define it as a function tool that your code runs.", path);
                }

                if (ResponseInputItems.String(tool, "name") is not { Length: > 0 })
                {
                    return ApiError.MissingParameter($"{path}.name");
                }

                if (Get(tool, "parameters") is { } parameters && parameters.ValueKind != JsonValueKind.Object)
                {
                    return ApiError.InvalidType($"{path}.parameters", "an object (a JSON schema)", Describe(parameters.ValueKind));
                }

                tools.Add(tool);
            }
        }

        if (choice is not { } value || value.ValueKind == JsonValueKind.String)
        {
            return choice is { } mode && mode.GetString() is not ("none" or "auto" or "required")
                ? ApiError.InvalidValue("tool_choice", $"Invalid value for 'tool_choice': '{mode.GetString()}'. Supported values are: 'none', 'auto', and 'required'.")
                : null;
        }

        var choiceType = ResponseInputItems.String(value, "type");
        if (choiceType == "function")
        {
            return ResponseInputItems.String(value, "name") is null ? ApiError.MissingParameter("tool_choice.name") : null;
        }

        if (choiceType != "allowed_tools")
        {
            return Unsupported($"tool_choice: type '{choiceType}' forces one of OpenAI's built-in tools or a custom tool; only function tools are translated.", "tool_choice");
        }

        if (ResponseInputItems.String(value, "mode") is not ("auto" or "required"))
        {
            return ApiError.InvalidValue("tool_choice.mode", "Invalid value for 'tool_choice.mode'. Supported values are: 'auto' and 'required'.");
        }

        if (Get(value, "tools") is not { ValueKind: JsonValueKind.Array } allowed)
        {
            return ApiError.MissingParameter("tool_choice.tools");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in allowed.EnumerateArray())
        {
            if (ResponseInputItems.String(entry, "type") != "function" || ResponseInputItems.String(entry, "name") is not { } name)
            {
                return Unsupported($"tool_choice.tools: {entry.GetRawText()}. Only function tools (type function with a name) can be allowed here.", "tool_choice.tools");
            }

            names.Add(name);
        }

        tools.RemoveAll(t => !names.Contains(t.GetProperty("name").GetString()!));
        return null;
    }

    /// <summary>Renders the members an action writes into one object, without its braces.</summary>
    private static byte[] Members(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan[1..^1].ToArray();
    }

    private static void WriteChatParameters(Utf8JsonWriter writer, JsonElement root, bool stream, List<JsonElement> tools, JsonElement? choice)
    {
        writer.WriteString("model"u8, root.GetProperty("model").GetString());
        if (stream)
        {
            writer.WriteBoolean("stream"u8, true);
            // The translation back needs the usage for response.completed; the forwarder relays it since it is asked for.
            writer.WriteStartObject("stream_options"u8);
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
        }

        foreach (var (from, to) in (ReadOnlySpan<(string, string)>)[("temperature", "temperature"), ("top_p", "top_p"), ("max_output_tokens", "max_tokens"), ("parallel_tool_calls", "parallel_tool_calls"), ("metadata", "metadata")])
        {
            if (Get(root, from) is { } parameter)
            {
                writer.WritePropertyName(to);
                parameter.WriteTo(writer);
            }
        }

        if ((Get(root, "user") ?? Get(root, "safety_identifier")) is { } user)
        {
            writer.WriteString("user"u8, user.GetString());
        }

        if (Get(root, "reasoning") is { } reasoning && Get(reasoning, "effort") is { } effort)
        {
            writer.WriteString("reasoning_effort"u8, effort.GetString());
        }

        if (tools.Count > 0)
        {
            writer.WriteStartArray("tools"u8);
            foreach (var tool in tools)
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, tool.GetProperty("name").GetString());
                foreach (var member in (ReadOnlySpan<string>)["description", "parameters", "strict"])
                {
                    if (Get(tool, member) is { } field)
                    {
                        writer.WritePropertyName(member);
                        field.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (choice is { } chosen)
        {
            if (chosen.ValueKind == JsonValueKind.String)
            {
                writer.WriteString("tool_choice"u8, chosen.GetString());
            }
            else if (ResponseInputItems.String(chosen, "type") == "function")
            {
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, chosen.GetProperty("name").GetString());
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            else
            {
                // allowed_tools: the tools were narrowed above; its mode is the choice.
                writer.WriteString("tool_choice"u8, chosen.GetProperty("mode").GetString());
            }
        }

        if (Get(root, "text") is { } text && Get(text, "format") is { } format && ResponseInputItems.String(format, "type") is "json_object" or "json_schema")
        {
            writer.WriteStartObject("response_format"u8);
            var type = ResponseInputItems.String(format, "type")!;
            writer.WriteString("type"u8, type);
            if (type == "json_schema")
            {
                writer.WriteStartObject("json_schema"u8);
                foreach (var member in (ReadOnlySpan<string>)["name", "description", "schema", "strict"])
                {
                    if (Get(format, member) is { } field)
                    {
                        writer.WritePropertyName(member);
                        field.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }
    }

    /// <summary>The request's fields as the response object repeats them, with OpenAI's defaults where the request had none.</summary>
    private static void WriteEcho(Utf8JsonWriter writer, JsonElement root)
    {
        void Copy(string name, string? fallback)
        {
            writer.WritePropertyName(name);
            if (Get(root, name) is { } value)
            {
                value.WriteTo(writer);
            }
            else if (fallback is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteRawValue(fallback);
            }
        }

        Copy("instructions", null);
        Copy("max_output_tokens", null);
        Copy("max_tool_calls", null);
        Copy("metadata", "{}");
        Copy("parallel_tool_calls", "true");
        Copy("previous_response_id", null);
        writer.WriteStartObject("reasoning"u8);
        writer.WritePropertyName("effort"u8);
        if (Get(root, "reasoning") is { } reasoning && Get(reasoning, "effort") is { } effort)
        {
            effort.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteNull("summary"u8);
        writer.WriteEndObject();
        writer.WriteBoolean("store"u8, Get(root, "store")?.ValueKind != JsonValueKind.False);
        Copy("temperature", null);
        writer.WriteStartObject("text"u8);
        writer.WritePropertyName("format"u8);
        if (Get(root, "text") is { } text && Get(text, "format") is { } format)
        {
            format.WriteTo(writer);
        }
        else
        {
            writer.WriteRawValue("""{"type":"text"}""");
        }

        writer.WriteEndObject();
        Copy("tool_choice", "\"auto\"");
        Copy("tools", "[]");
        Copy("top_p", null);
        writer.WriteString("truncation"u8, "disabled"u8);
        foreach (var optional in (ReadOnlySpan<string>)["user", "safety_identifier", "prompt_cache_key"])
        {
            if (Get(root, optional) is { } value)
            {
                writer.WritePropertyName(optional);
                value.WriteTo(writer);
            }
        }
    }
}
