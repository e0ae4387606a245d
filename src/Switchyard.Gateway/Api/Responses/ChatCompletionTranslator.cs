using System.Text.Json;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Api.Responses;

/// <summary>
/// Translates whole answers of the forwarder for <c>/v1/responses</c>: a <c>chat.completion</c> becomes a response
/// object (a message item with the text, a <c>function_call</c> item per tool call, usage); an error is OpenAI's already
/// and passes as it is.
/// </summary>
/// <remarks>
/// <code>
/// finish_reason stop, tool_calls ─► status completed
/// finish_reason length           ─► status incomplete, incomplete_details.reason max_output_tokens
/// finish_reason content_filter   ─► status incomplete, incomplete_details.reason content_filter
/// </code>
/// </remarks>
internal static class ChatCompletionTranslator
{
    /// <summary>Writes the client's body for the forwarder's; returns whether it is a response object (not an error).</summary>
    public static bool Translate(ReadOnlySpan<byte> body, int status, ResponseShell shell, long now, PooledBufferWriter output)
    {
        if (status is >= 200 and < 300)
        {
            try
            {
                using var document = JsonDocument.Parse(body.ToArray());
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
                {
                    WriteResponse(root, choices[0], shell, now, output);
                    return true;
                }
            }
            catch (JsonException)
            {
                // Not an answer: passed on below as the forwarder wrote it (it validates answers, so this does not happen).
            }
        }

        output.Write(body);
        return false;
    }

    /// <summary>The response's status and incomplete reason for a chat finish reason.</summary>
    internal static (string Status, string? Reason) Outcome(string? finishReason) => finishReason switch
    {
        "length" => ("incomplete", "max_output_tokens"),
        "content_filter" => ("incomplete", "content_filter"),
        _ => ("completed", null),
    };

    private static void WriteResponse(JsonElement root, JsonElement choice, ResponseShell shell, long now, PooledBufferWriter output)
    {
        var message = choice.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var (status, reason) = Outcome(ResponseInputItems.String(choice, "finish_reason"));
        var model = JsonEncodedText.Encode(ResponseInputItems.String(root, "model") ?? "");
        shell.WriteStart(output, System.Text.Encoding.UTF8.GetBytes(status), model.EncodedUtf8Bytes, status == "completed" ? now : null,
            reason is null ? default : System.Text.Encoding.UTF8.GetBytes(reason));
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartArray();
            var text = ResponseInputItems.String(message, "content");
            var refusal = ResponseInputItems.String(message, "refusal");
            if (!string.IsNullOrEmpty(text) || !string.IsNullOrEmpty(refusal))
            {
                writer.WriteStartObject();
                writer.WriteString("id"u8, ResponseIds.New("msg_"));
                writer.WriteString("type"u8, "message"u8);
                writer.WriteString("status"u8, status);
                writer.WriteString("role"u8, "assistant"u8);
                writer.WriteStartArray("content"u8);
                if (!string.IsNullOrEmpty(text))
                {
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "output_text"u8);
                    writer.WriteStartArray("annotations"u8);
                    writer.WriteEndArray();
                    writer.WriteStartArray("logprobs"u8);
                    writer.WriteEndArray();
                    writer.WriteString("text"u8, text);
                    writer.WriteEndObject();
                }

                if (!string.IsNullOrEmpty(refusal))
                {
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "refusal"u8);
                    writer.WriteString("refusal"u8, refusal);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    var function = call.TryGetProperty("function", out var f) ? f : default;
                    writer.WriteStartObject();
                    writer.WriteString("id"u8, ResponseIds.New("fc_"));
                    writer.WriteString("type"u8, "function_call"u8);
                    writer.WriteString("status"u8, status);
                    writer.WriteString("arguments"u8, ResponseInputItems.String(function, "arguments") ?? "");
                    writer.WriteString("call_id"u8, ResponseInputItems.String(call, "id") ?? ResponseIds.New("call_"));
                    writer.WriteString("name"u8, ResponseInputItems.String(function, "name") ?? "");
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
        }

        ResponseShell.WriteEnd(output, Usage(root));
    }

    private static ResponseUsage? Usage(JsonElement root)
    {
        if (!root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new ResponseUsage(
            Count(usage, "prompt_tokens"),
            Count(usage, "completion_tokens"),
            usage.TryGetProperty("prompt_tokens_details", out var prompt) ? Count(prompt, "cached_tokens") : 0,
            Count(usage, "cache_creation_input_tokens"),
            usage.TryGetProperty("completion_tokens_details", out var completion) ? Count(completion, "reasoning_tokens") : 0);
    }

    private static int Count(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) ? Math.Max(0, count) : 0;
}
