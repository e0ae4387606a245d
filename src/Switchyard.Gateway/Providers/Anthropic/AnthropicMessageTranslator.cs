using System.Text.Json;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Providers.Anthropic;

/// <summary>
/// Translates a whole Anthropic message (a non-streaming answer) into an OpenAI <c>chat.completion</c>, and an Anthropic
/// error body into OpenAI's error shape. Once per answer, so a <see cref="JsonDocument"/> is fine here.
/// </summary>
internal static class AnthropicMessageTranslator
{
    /// <summary>Writes the completion for <paramref name="message"/>; false when it is not an Anthropic message.</summary>
    public static bool TryTranslate(ReadOnlySpan<byte> message, AnthropicCall call, long created, PooledBufferWriter output)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message.ToArray());
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            using var writer = new Utf8JsonWriter(output);
            writer.WriteStartObject();
            writer.WriteString("id"u8, String(root, "id") ?? "msg_unknown");
            writer.WriteString("object"u8, "chat.completion"u8);
            writer.WriteNumber("created"u8, created);
            writer.WriteString("model"u8, String(root, "model") ?? "unknown");
            writer.WriteStartArray("choices"u8);
            writer.WriteStartObject();
            writer.WriteNumber("index"u8, 0);
            writer.WriteStartObject("message"u8);
            writer.WriteString("role"u8, "assistant"u8);

            var text = new System.Text.StringBuilder();
            var reasoning = new System.Text.StringBuilder();
            var tools = 0;
            foreach (var block in content.EnumerateArray())
            {
                switch (String(block, "type"))
                {
                    case "text":
                        text.Append(String(block, "text"));
                        break;
                    case "thinking":
                        reasoning.Append(String(block, "thinking"));
                        break;
                    case "tool_use" when call.JsonTool is not null && String(block, "name") == call.JsonTool && block.TryGetProperty("input", out var answer):
                        // The forced tool standing in for response_format: its input is the answer.
                        text.Append(answer.GetRawText());
                        break;
                    case "tool_use":
                        tools++;
                        break;
                }
            }

            if (text.Length > 0 || tools == 0)
            {
                writer.WriteString("content"u8, text.ToString());
            }
            else
            {
                writer.WriteNull("content"u8);
            }

            if (reasoning.Length > 0)
            {
                // COMPAT: DeepSeek's and vLLM's name for reasoning text.
                writer.WriteString("reasoning_content"u8, reasoning.ToString());
            }

            if (tools > 0)
            {
                writer.WriteStartArray("tool_calls"u8);
                foreach (var block in content.EnumerateArray())
                {
                    if (String(block, "type") != "tool_use" || (call.JsonTool is not null && String(block, "name") == call.JsonTool))
                    {
                        continue;
                    }

                    writer.WriteStartObject();
                    writer.WriteString("id"u8, String(block, "id"));
                    writer.WriteString("type"u8, "function"u8);
                    writer.WriteStartObject("function"u8);
                    writer.WriteString("name"u8, String(block, "name"));
                    writer.WriteString("arguments"u8, block.TryGetProperty("input", out var input) ? input.GetRawText() : "{}");
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteNull("logprobs"u8);
            var stopReason = String(root, "stop_reason") ?? "";
            writer.WriteString("finish_reason"u8, AnthropicStreamTranslator.FinishReason(System.Text.Encoding.UTF8.GetBytes(stopReason), call.JsonTool is not null));
            if (String(root, "stop_sequence") is { } sequence)
            {
                // COMPAT: vLLM's choices[].stop_reason: the stop string that ended the answer.
                writer.WriteString("stop_reason"u8, sequence);
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WritePropertyName("usage"u8);
            writer.Flush();
            var usage = root.TryGetProperty("usage", out var u) ? u : default;
            AnthropicStreamTranslator.WriteUsage(output, Count(usage, "input_tokens"), Count(usage, "output_tokens"), Count(usage, "cache_read_input_tokens"), Count(usage, "cache_creation_input_tokens"));
            // The usage object was written raw: the writer resumes after it.
            output.Write("}"u8);
            return true;
        }
    }

    /// <summary>
    /// Anthropic's error body (<c>{"type":"error","error":{"type","message"}}</c>) in OpenAI's shape, keeping Anthropic's
    /// type and deriving the code the forwarder decides on (<see cref="AnthropicErrors.CodeFor"/>). A body that is not
    /// Anthropic's is described by <paramref name="status"/>.
    /// </summary>
    public static byte[] TranslateError(ReadOnlySpan<byte> body, int status)
    {
        string? type = null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                type = String(error, "type");
                message = String(error, "message");
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page): described by the status alone.
        }

        type ??= AnthropicErrors.TypeForStatus(status);
        message ??= $"Anthropic answered {status} without an error body the gateway could read.";
        if (status == AnthropicErrors.Overloaded)
        {
            message += " (Anthropic 529 overloaded_error)";
        }

        return OpenAIError(message, type, null, AnthropicErrors.CodeFor(type, message));
    }

    /// <summary>An OpenAI error body.</summary>
    public static byte[] OpenAIError(string message, string type, string? param, string? code)
    {
        using var output = new PooledBufferWriter(256);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error"u8);
            writer.WriteString("message"u8, message);
            writer.WriteString("type"u8, type);
            writer.WriteString("param"u8, param);
            writer.WriteString("code"u8, code);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    private static string? String(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int Count(JsonElement usage, string name)
        => usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) ? Math.Max(count, 0) : 0;
}
