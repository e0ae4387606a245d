using System.Buffers;
using System.Text.Json;

namespace Switchyard.Gateway.Caching;

/// <summary>
/// A cached whole answer, sent to a client that asked for a stream: the SSE events an OpenAI server would have sent
/// for it (decision 0024). For each choice, a chunk with its role, content (or text), refusal and tool calls in one
/// delta, then a chunk with its <c>finish_reason</c>; the usage chunk when the client asked for usage; then
/// <c>data: [DONE]</c>.
/// </summary>
internal static class CachedStream
{
    /// <summary>The events for <paramref name="answer"/>; <see langword="null"/> when it is not a chat completion or a completion.</summary>
    public static byte[]? Events(ReadOnlySpan<byte> answer, bool includeUsage)
    {
        using var document = JsonDocument.Parse(answer.ToArray());
        var root = document.RootElement;
        var kind = root.TryGetProperty("object"u8, out var o) ? o.GetString() : null;
        var chat = kind == "chat.completion";
        if (!chat && kind != "text_completion")
        {
            return null;
        }

        var output = new ArrayBufferWriter<byte>(answer.Length + 512);
        if (!root.TryGetProperty("choices"u8, out var choices) || choices.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var choice in choices.EnumerateArray())
        {
            var index = choice.TryGetProperty("index"u8, out var i) && i.TryGetInt32(out var n) ? n : 0;
            Event(output, root, chat, writer =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("index"u8, index);
                if (chat)
                {
                    writer.WritePropertyName("delta"u8);
                    writer.WriteStartObject();
                    if (choice.TryGetProperty("message"u8, out var message) && message.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var field in message.EnumerateObject())
                        {
                            if (field.NameEquals("tool_calls"u8) && field.Value.ValueKind == JsonValueKind.Array)
                            {
                                // COMPAT: a streamed tool call carries its position in the list (OpenAI's chunk format).
                                writer.WritePropertyName("tool_calls"u8);
                                writer.WriteStartArray();
                                var position = 0;
                                foreach (var call in field.Value.EnumerateArray())
                                {
                                    writer.WriteStartObject();
                                    writer.WriteNumber("index"u8, position++);
                                    foreach (var part in call.EnumerateObject())
                                    {
                                        part.WriteTo(writer);
                                    }

                                    writer.WriteEndObject();
                                }

                                writer.WriteEndArray();
                            }
                            else
                            {
                                field.WriteTo(writer);
                            }
                        }
                    }

                    writer.WriteEndObject();
                }
                else if (choice.TryGetProperty("text"u8, out var text))
                {
                    writer.WritePropertyName("text"u8);
                    text.WriteTo(writer);
                }

                if (choice.TryGetProperty("logprobs"u8, out var logprobs))
                {
                    writer.WritePropertyName("logprobs"u8);
                    logprobs.WriteTo(writer);
                }

                writer.WriteNull("finish_reason"u8);
                writer.WriteEndObject();
            });
            Event(output, root, chat, writer =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("index"u8, index);
                if (chat)
                {
                    writer.WritePropertyName("delta"u8);
                    writer.WriteStartObject();
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WriteString("text"u8, "");
                }

                writer.WritePropertyName("finish_reason"u8);
                if (choice.TryGetProperty("finish_reason"u8, out var finish))
                {
                    finish.WriteTo(writer);
                }
                else
                {
                    writer.WriteStringValue("stop");
                }

                writer.WriteEndObject();
            });
        }

        if (includeUsage && root.TryGetProperty("usage"u8, out var usage))
        {
            Event(output, root, chat, null, usage);
        }

        output.Write("data: [DONE]\n\n"u8);
        return output.WrittenSpan.ToArray();
    }

    private static void Event(ArrayBufferWriter<byte> output, JsonElement root, bool chat, Action<Utf8JsonWriter>? choice, JsonElement usage = default)
    {
        output.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            foreach (var field in root.EnumerateObject())
            {
                if (field.NameEquals("id"u8) || field.NameEquals("created"u8) || field.NameEquals("model"u8) || field.NameEquals("system_fingerprint"u8))
                {
                    field.WriteTo(writer);
                }
            }

            writer.WriteString("object"u8, chat ? "chat.completion.chunk" : "text_completion");
            writer.WritePropertyName("choices"u8);
            writer.WriteStartArray();
            choice?.Invoke(writer);
            writer.WriteEndArray();
            if (usage.ValueKind == JsonValueKind.Object)
            {
                writer.WritePropertyName("usage"u8);
                usage.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        output.Write("\n\n"u8);
    }
}
