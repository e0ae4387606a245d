using System.Text.Json;
using Switchyard.Simulator.Generation;

namespace Switchyard.Simulator.Protocol;

/// <summary>
/// Writes answers in Anthropic's Messages format: the whole <c>message</c> object, the events of a stream
/// (<c>message_start</c>, <c>content_block_start/delta/stop</c>, <c>message_delta</c>, <c>message_stop</c>, <c>ping</c>,
/// <c>error</c>), and errors (<c>{"type":"error","error":{"type","message"}}</c>).
/// </summary>
internal static class AnthropicResponseWriter
{
    public static void WriteMessage(Utf8JsonWriter writer, string id, string model, Answer answer, int promptTokens)
    {
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("type", "message");
        writer.WriteString("role", "assistant");
        writer.WriteString("model", model);
        writer.WriteStartArray("content");
        if (answer.ContentTokenCount > 0 || !answer.HasToolCalls)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("text", answer.Content);
            writer.WriteEndObject();
        }

        if (answer.HasToolCalls)
        {
            foreach (var call in answer.ToolCalls!)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "tool_use");
                writer.WriteString("id", ToolUseId(call.Id));
                writer.WriteString("name", call.Name);
                writer.WritePropertyName("input");
                var input = answer.Tokens(call.FirstToken, call.EndToken);
                // An input cut short by max_tokens is no object: Anthropic sends what it could parse, here nothing.
                writer.WriteRawValue(IsObject(input) ? input : "{}"u8);
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
        writer.WriteString("stop_reason", StopReason(answer.FinishReason));
        writer.WriteNull("stop_sequence");
        WriteUsage(writer, promptTokens, answer.TokenCount);
        writer.WriteEndObject();
    }

    /// <summary>The <c>message_start</c> event's data: the message with no content yet, and the input usage.</summary>
    public static void WriteMessageStart(Utf8JsonWriter writer, string id, string model, int promptTokens)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "message_start");
        writer.WriteStartObject("message");
        writer.WriteString("id", id);
        writer.WriteString("type", "message");
        writer.WriteString("role", "assistant");
        writer.WriteString("model", model);
        writer.WriteStartArray("content");
        writer.WriteEndArray();
        writer.WriteNull("stop_reason");
        writer.WriteNull("stop_sequence");
        WriteUsage(writer, promptTokens, 1);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static void WriteTextBlockStart(Utf8JsonWriter writer, int index)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "content_block_start");
        writer.WriteNumber("index", index);
        writer.WriteStartObject("content_block");
        writer.WriteString("type", "text");
        writer.WriteString("text", "");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static void WriteToolBlockStart(Utf8JsonWriter writer, int index, ToolCallSegment call)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "content_block_start");
        writer.WriteNumber("index", index);
        writer.WriteStartObject("content_block");
        writer.WriteString("type", "tool_use");
        writer.WriteString("id", ToolUseId(call.Id));
        writer.WriteString("name", call.Name);
        writer.WriteStartObject("input");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>A <c>content_block_delta</c>: <c>text_delta</c>, or <c>input_json_delta</c> for a tool's input.</summary>
    public static void WriteDelta(Utf8JsonWriter writer, int index, bool json, ReadOnlySpan<byte> text)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "content_block_delta");
        writer.WriteNumber("index", index);
        writer.WriteStartObject("delta");
        writer.WriteString("type", json ? "input_json_delta" : "text_delta");
        writer.WriteString(json ? "partial_json" : "text", text);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static void WriteBlockStop(Utf8JsonWriter writer, int index)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "content_block_stop");
        writer.WriteNumber("index", index);
        writer.WriteEndObject();
    }

    public static void WriteMessageDelta(Utf8JsonWriter writer, FinishReason reason, int outputTokens)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "message_delta");
        writer.WriteStartObject("delta");
        writer.WriteString("stop_reason", StopReason(reason));
        writer.WriteNull("stop_sequence");
        writer.WriteEndObject();
        writer.WriteStartObject("usage");
        writer.WriteNumber("output_tokens", outputTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static void WriteType(Utf8JsonWriter writer, string type)
    {
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WriteEndObject();
    }

    /// <summary>An error body (also an <c>error</c> event's data), with Anthropic's type for the error's status.</summary>
    public static void WriteError(Utf8JsonWriter writer, in RequestError error)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "error");
        writer.WriteStartObject("error");
        writer.WriteString("type", ErrorType(error));
        writer.WriteString("message", error.Message);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Anthropic's error type: the error's own when it is one of Anthropic's, else the one for its status.</summary>
    public static string ErrorType(in RequestError error) => error.Type switch
    {
        "invalid_request_error" or "authentication_error" or "permission_error" or "not_found_error" or "request_too_large"
            or "rate_limit_error" or "api_error" or "overloaded_error" or "timeout_error" => error.Type,
        _ => error.Status switch
        {
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            413 => "request_too_large",
            429 => "rate_limit_error",
            529 or 503 => "overloaded_error",
            >= 500 => "api_error",
            _ => "invalid_request_error",
        },
    };

    public static string StopReason(FinishReason reason) => reason switch
    {
        FinishReason.Length => "max_tokens",
        FinishReason.ToolCalls => "tool_use",
        FinishReason.ContentFilter => "refusal",
        _ => "end_turn",
    };

    private static bool IsObject(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Anthropic's tool use ids start with <c>toolu_</c>; the generator's are OpenAI's <c>call_</c> ones.</summary>
    private static string ToolUseId(string id) => id.StartsWith("call_", StringComparison.Ordinal) ? "toolu_" + id[5..] : id;

    private static void WriteUsage(Utf8JsonWriter writer, int input, int output)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("input_tokens", input);
        writer.WriteNumber("cache_creation_input_tokens", 0);
        writer.WriteNumber("cache_read_input_tokens", 0);
        writer.WriteNumber("output_tokens", output);
        writer.WriteEndObject();
    }
}
