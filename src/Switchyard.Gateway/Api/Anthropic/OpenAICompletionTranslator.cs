using System.Text.Json;
using Switchyard.Gateway.Internal;
using Switchyard.Gateway.Providers.Anthropic;

namespace Switchyard.Gateway.Api.Anthropic;

/// <summary>
/// Translates whole answers of the forwarder for <c>/v1/messages</c>: an OpenAI <c>chat.completion</c> into an Anthropic
/// <c>message</c>, and an error (OpenAI's shape, from the gateway or an upstream) into Anthropic's
/// <c>{"type":"error","error":{"type","message"}}</c>.
/// </summary>
internal static class OpenAICompletionTranslator
{
    /// <summary>Writes the Anthropic answer for the forwarder's body and status.</summary>
    public static void Translate(ReadOnlySpan<byte> body, int status, PooledBufferWriter output)
    {
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException)
        {
            // Not JSON: described by its status below.
        }

        using (document)
        {
            var root = document?.RootElement ?? default;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "error")
            {
                // Already Anthropic's error shape (written for this endpoint before the translation was in place).
                output.Write(body);
                return;
            }

            if (status is >= 200 and < 300 && root.ValueKind == JsonValueKind.Object && root.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0)
            {
                WriteMessage(root, choices[0], output);
                return;
            }

            var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
            var message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                ? m.GetString()!
                : $"The gateway answered {status} without an error it could translate.";
            var errorType = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            WriteError(output, AnthropicErrors.TypeFor(errorType, status), message);
        }
    }

    /// <summary>Anthropic's error body.</summary>
    public static void WriteError(PooledBufferWriter output, string type, string message)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "error"u8);
        writer.WriteStartObject("error"u8);
        writer.WriteString("type"u8, type);
        writer.WriteString("message"u8, message);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteMessage(JsonElement root, JsonElement choice, PooledBufferWriter output)
    {
        var message = choice.TryGetProperty("message", out var m) ? m : default;
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, String(root, "id") ?? "msg_switchyard");
            writer.WriteString("type"u8, "message"u8);
            writer.WriteString("role"u8, "assistant"u8);
            writer.WriteString("model"u8, String(root, "model") ?? "");
            writer.WriteStartArray("content"u8);
            if (String(message, "content") is { Length: > 0 } text)
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "text"u8);
                writer.WriteString("text"u8, text);
                writer.WriteEndObject();
            }

            if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    var function = call.GetProperty("function");
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "tool_use"u8);
                    writer.WriteString("id"u8, String(call, "id") ?? "toolu_switchyard");
                    writer.WriteString("name"u8, String(function, "name"));
                    writer.WritePropertyName("input"u8);
                    WriteInput(writer, String(function, "arguments"));
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
            var stopSequence = String(choice, "stop_reason");
            var finish = System.Text.Encoding.UTF8.GetBytes(String(choice, "finish_reason") ?? "stop");
            writer.WriteString("stop_reason"u8, OpenAIStreamTranslator.StopReason(finish, stopSequence is not null));
            writer.WriteString("stop_sequence"u8, stopSequence);
            writer.WritePropertyName("usage"u8);
            writer.Flush();
        }

        var usage = root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
        var cached = usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty("prompt_tokens_details", out var details) ? Count(details, "cached_tokens") : 0;
        OpenAIStreamTranslator.WriteUsage(output, Count(usage, "prompt_tokens"), Count(usage, "completion_tokens"), cached, Count(usage, "cache_creation_input_tokens"));
        output.Write("}"u8);
    }

    /// <summary>A tool call's arguments as the tool_use input object (arguments that are no object: <c>{}</c> is no answer, so they are kept under <c>_arguments</c>).</summary>
    private static void WriteInput(Utf8JsonWriter writer, string? arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            writer.WriteRawValue("{}"u8);
            return;
        }

        try
        {
            using var input = JsonDocument.Parse(arguments);
            if (input.RootElement.ValueKind == JsonValueKind.Object)
            {
                input.RootElement.WriteTo(writer);
                return;
            }
        }
        catch (JsonException)
        {
            // A model's malformed arguments: passed on as text rather than lost.
        }

        writer.WriteStartObject();
        writer.WriteString("_arguments"u8, arguments);
        writer.WriteEndObject();
    }

    private static string? String(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int Count(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) ? Math.Max(0, count) : 0;
}
