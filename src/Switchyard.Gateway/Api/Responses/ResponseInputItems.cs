using System.Text.Json;

namespace Switchyard.Gateway.Api.Responses;

/// <summary>
/// The <c>input</c> of a Responses request, checked and written as the items the gateway stores: a string becomes one
/// user message; every message has a list of typed content parts; every item gets an id (its own if it brought one) and
/// a status. What Chat Completions cannot carry is refused here, with the item's path (<c>input[2].content[0]</c>).
/// </summary>
/// <remarks>
/// Items: messages (roles user, assistant, system, developer; parts <c>input_text</c>, <c>input_image</c> by URL,
/// <c>output_text</c> and <c>refusal</c> in assistant messages), <c>function_call</c> and <c>function_call_output</c>.
/// Refused: files, audio, images by file id, item references, reasoning items and the calls of OpenAI's built-in tools.
/// </remarks>
internal static class ResponseInputItems
{
    /// <summary>Writes the normalised items of <paramref name="input"/> as a JSON array, or returns the error to answer with.</summary>
    public static ApiError? Write(JsonElement input, Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        if (input.ValueKind == JsonValueKind.String)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "message"u8);
            writer.WriteString("id"u8, ResponseIds.New("msg_"));
            writer.WriteString("role"u8, "user"u8);
            writer.WriteStartArray("content"u8);
            writer.WriteStartObject();
            writer.WriteString("type"u8, "input_text"u8);
            writer.WriteString("text"u8, input.GetString());
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteString("status"u8, "completed"u8);
            writer.WriteEndObject();
        }
        else
        {
            var index = 0;
            foreach (var item in input.EnumerateArray())
            {
                if (WriteItem(writer, item, $"input[{index++}]") is { } error)
                {
                    return error;
                }
            }
        }

        writer.WriteEndArray();
        return null;
    }

    private static ApiError Unsupported(string what, string param) => ResponsesRequestReader.Unsupported(what, param);

    private static ApiError? WriteItem(Utf8JsonWriter writer, JsonElement item, string path)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return ApiError.InvalidType(path, "an object", ResponsesRequestReader.Describe(item.ValueKind));
        }

        var type = String(item, "type");
        if (type is null && item.TryGetProperty("type", out var typeValue) && typeValue.ValueKind != JsonValueKind.Null)
        {
            return ApiError.InvalidType($"{path}.type", "a string", ResponsesRequestReader.Describe(typeValue.ValueKind));
        }

        return type switch
        {
            null or "message" => WriteMessage(writer, item, path),
            "function_call" => WriteFunctionCall(writer, item, path),
            "function_call_output" => WriteFunctionCallOutput(writer, item, path),
            "item_reference" => Unsupported($"{path}: item_reference items are not resolved here. Continue a conversation with previous_response_id, or send the items themselves.", path),
            "reasoning" => Unsupported($"{path}: a reasoning item. Reasoning is not carried between turns through Chat Completions (and the gateway never returns reasoning items).", path),
            _ => Unsupported($"{path}: an item of type '{type}'. It belongs to OpenAI's built-in tools (web search, file search, computer use, code interpreter, shell, MCP, ...), which run inside OpenAI's API; the gateway runs none of them.", path),
        };
    }

    private static ApiError? WriteMessage(Utf8JsonWriter writer, JsonElement item, string path)
    {
        var role = String(item, "role");
        if (role is not ("user" or "assistant" or "system" or "developer"))
        {
            return item.TryGetProperty("role", out _)
                ? ApiError.InvalidValue($"{path}.role", $"Invalid value for '{path}.role': '{role ?? item.GetProperty("role").GetRawText()}'. Supported values are: 'user', 'assistant', 'system', and 'developer'.")
                : ApiError.MissingParameter($"{path}.role");
        }

        if (!item.TryGetProperty("content", out var content) || content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
        {
            return item.TryGetProperty("content", out var given)
                ? ApiError.InvalidType($"{path}.content", "a string or an array of content parts", ResponsesRequestReader.Describe(given.ValueKind))
                : ApiError.MissingParameter($"{path}.content");
        }

        var assistant = role == "assistant";
        writer.WriteStartObject();
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString("id"u8, String(item, "id") ?? ResponseIds.New("msg_"));
        writer.WriteString("role"u8, role);
        writer.WriteStartArray("content"u8);
        if (content.ValueKind == JsonValueKind.String)
        {
            WriteText(writer, assistant, content.GetString());
        }
        else
        {
            var index = 0;
            foreach (var part in content.EnumerateArray())
            {
                if (WritePart(writer, part, role, $"{path}.content[{index++}]") is { } error)
                {
                    return error;
                }
            }
        }

        writer.WriteEndArray();
        writer.WriteString("status"u8, "completed"u8);
        writer.WriteEndObject();
        return null;
    }

    /// <summary>A text part: <c>output_text</c> in an assistant message (as the model wrote it), <c>input_text</c> elsewhere.</summary>
    private static void WriteText(Utf8JsonWriter writer, bool assistant, string? text)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, assistant ? "output_text"u8 : "input_text"u8);
        writer.WriteString("text"u8, text);
        if (assistant)
        {
            writer.WriteStartArray("annotations"u8);
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static ApiError? WritePart(Utf8JsonWriter writer, JsonElement part, string role, string path)
    {
        var type = String(part, "type");
        var assistant = role == "assistant";
        switch (type)
        {
            case "input_text" or "output_text" when assistant || type == "input_text":
                if (String(part, "text") is not { } text)
                {
                    return ApiError.MissingParameter($"{path}.text");
                }

                WriteText(writer, assistant, text);
                return null;
            case "refusal" when assistant:
                if (String(part, "refusal") is not { } refusal)
                {
                    return ApiError.MissingParameter($"{path}.refusal");
                }

                writer.WriteStartObject();
                writer.WriteString("type"u8, "refusal"u8);
                writer.WriteString("refusal"u8, refusal);
                writer.WriteEndObject();
                return null;
            case "input_image" when role == "user":
                return WriteImage(writer, part, path);
            case "input_image":
                return Unsupported($"{path}: an image in a{(assistant ? "n" : "")} {role} message. Chat Completions takes images in user messages only.", path);
            case "input_file":
                return Unsupported($"{path}: a file part (input_file). Files are read by OpenAI's API; Chat Completions servers take text and images.", path);
            case "input_audio":
                return Unsupported($"{path}: an audio part (input_audio). Audio input is not translated.", path);
            case null:
                return ApiError.MissingParameter($"{path}.type");
            default:
                return ApiError.InvalidValue($"{path}.type", $"Invalid value for '{path}.type': '{type}'. A{(assistant ? "n assistant" : " " + role)} message takes {(assistant ? "'output_text' and 'refusal'" : "'input_text' and 'input_image'")} parts.");
        }
    }

    private static ApiError? WriteImage(Utf8JsonWriter writer, JsonElement part, string path)
    {
        if (String(part, "file_id") is not null)
        {
            return Unsupported($"{path}: an image by file_id. Files live in OpenAI's API; send the image as image_url (a URL or a data: URL).", path);
        }

        if (String(part, "image_url") is not { } url)
        {
            return ApiError.MissingParameter($"{path}.image_url");
        }

        var detail = String(part, "detail") ?? "auto";
        if (detail is not ("auto" or "low" or "high"))
        {
            return Unsupported($"{path}.detail: '{detail}'. Chat Completions knows the details auto, low and high.", $"{path}.detail");
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "input_image"u8);
        writer.WriteString("image_url"u8, url);
        writer.WriteString("detail"u8, detail);
        writer.WriteEndObject();
        return null;
    }

    private static ApiError? WriteFunctionCall(Utf8JsonWriter writer, JsonElement item, string path)
    {
        foreach (var name in (ReadOnlySpan<string>)["call_id", "name", "arguments"])
        {
            if (String(item, name) is null)
            {
                return ApiError.MissingParameter($"{path}.{name}");
            }
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "function_call"u8);
        writer.WriteString("id"u8, String(item, "id") ?? ResponseIds.New("fc_"));
        writer.WriteString("call_id"u8, String(item, "call_id"));
        writer.WriteString("name"u8, String(item, "name"));
        writer.WriteString("arguments"u8, String(item, "arguments"));
        writer.WriteString("status"u8, "completed"u8);
        writer.WriteEndObject();
        return null;
    }

    private static ApiError? WriteFunctionCallOutput(Utf8JsonWriter writer, JsonElement item, string path)
    {
        if (String(item, "call_id") is not { } callId)
        {
            return ApiError.MissingParameter($"{path}.call_id");
        }

        if (!item.TryGetProperty("output", out var output) || output.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
        {
            return item.TryGetProperty("output", out var given)
                ? ApiError.InvalidType($"{path}.output", "a string or an array of content parts", ResponsesRequestReader.Describe(given.ValueKind))
                : ApiError.MissingParameter($"{path}.output");
        }

        if (output.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var part in output.EnumerateArray())
            {
                var type = String(part, "type");
                if (type != "input_text" || String(part, "text") is null)
                {
                    return Unsupported($"{path}.output[{index}]: a part of type '{type}'. A tool's result in Chat Completions is text; send input_text parts or a string.", $"{path}.output[{index}]");
                }

                index++;
            }
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "function_call_output"u8);
        writer.WriteString("id"u8, String(item, "id") ?? ResponseIds.New("fco_"));
        writer.WriteString("call_id"u8, callId);
        writer.WritePropertyName("output"u8);
        output.WriteTo(writer);
        writer.WriteString("status"u8, "completed"u8);
        writer.WriteEndObject();
        return null;
    }

    /// <summary>A string member, or <see langword="null"/> when absent or of another kind.</summary>
    internal static string? String(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
