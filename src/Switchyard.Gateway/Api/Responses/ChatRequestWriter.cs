using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Switchyard.Gateway.Api.Responses;

/// <summary>
/// Writes the chat completion request for a Responses request: its parameters, then the messages: <c>instructions</c>
/// as the system message, the stored conversation it continues (each earlier response's input items and output items,
/// oldest first), and its own input items.
/// </summary>
/// <remarks>
/// <code>
/// message (user, system)       ─► a message of that role: one text part as a string, else parts (text, image_url)
/// message (developer)          ─► a system message (every chat server knows system; OpenAI treats them alike)
/// message (assistant)          ─► an assistant message; output_text and refusal parts joined as its content
/// function_call (one or more)  ─► tool_calls of the assistant message before them (or of a new one)
/// function_call_output         ─► a tool message (tool_call_id = call_id; input_text parts joined)
/// </code>
/// Items reach this writer checked (<see cref="ResponseInputItems"/>) or written by the gateway (output items).
/// </remarks>
internal static class ChatRequestWriter
{
    /// <summary>The chat completion body for <paramref name="request"/> after <paramref name="conversation"/> (items arrays, in order).</summary>
    public static byte[] Write(ResponsesRequest request, IEnumerable<JsonElement> conversation)
    {
        var buffer = new ArrayBufferWriter<byte>(request.InputItems.Length + request.ChatParameters.Length + 1024);
        buffer.Write("{"u8);
        buffer.Write(request.ChatParameters);
        buffer.Write(",\"messages\":"u8);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            if (request.Instructions is { } instructions)
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, "system"u8);
                writer.WriteString("content"u8, instructions);
                writer.WriteEndObject();
            }

            var assistant = new PendingAssistant();
            foreach (var items in conversation)
            {
                foreach (var item in items.EnumerateArray())
                {
                    WriteItem(writer, item, assistant);
                }
            }

            using (var own = JsonDocument.Parse(request.InputItems))
            {
                foreach (var item in own.RootElement.EnumerateArray())
                {
                    WriteItem(writer, item, assistant);
                }
            }

            assistant.Flush(writer);
            writer.WriteEndArray();
        }

        buffer.Write("}"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteItem(Utf8JsonWriter writer, JsonElement item, PendingAssistant assistant)
    {
        switch (ResponseInputItems.String(item, "type") ?? "message")
        {
            case "message" when ResponseInputItems.String(item, "role") == "assistant":
                if (assistant.HasCalls)
                {
                    // Text after tool calls is a later turn of its own.
                    assistant.Flush(writer);
                }

                foreach (var part in item.GetProperty("content").EnumerateArray())
                {
                    assistant.Text.Append(ResponseInputItems.String(part, "text") ?? ResponseInputItems.String(part, "refusal"));
                }

                assistant.Open = true;
                break;
            case "message":
                assistant.Flush(writer);
                WriteMessage(writer, item);
                break;
            case "function_call":
                assistant.Calls.Add(item);
                assistant.Open = true;
                break;
            case "function_call_output":
                assistant.Flush(writer);
                writer.WriteStartObject();
                writer.WriteString("role"u8, "tool"u8);
                writer.WriteString("tool_call_id"u8, item.GetProperty("call_id").GetString());
                var output = item.GetProperty("output");
                if (output.ValueKind == JsonValueKind.String)
                {
                    writer.WriteString("content"u8, output.GetString());
                }
                else
                {
                    var text = new StringBuilder();
                    foreach (var part in output.EnumerateArray())
                    {
                        text.Append(ResponseInputItems.String(part, "text"));
                    }

                    writer.WriteString("content"u8, text.ToString());
                }

                writer.WriteEndObject();
                break;
        }
    }

    /// <summary>A user, system or developer message.</summary>
    private static void WriteMessage(Utf8JsonWriter writer, JsonElement item)
    {
        var content = item.GetProperty("content");
        writer.WriteStartObject();
        writer.WriteString("role"u8, ResponseInputItems.String(item, "role") == "user" ? "user"u8 : "system"u8);
        if (content.GetArrayLength() == 1 && ResponseInputItems.String(content[0], "type") == "input_text")
        {
            writer.WriteString("content"u8, content[0].GetProperty("text").GetString());
        }
        else
        {
            writer.WriteStartArray("content"u8);
            foreach (var part in content.EnumerateArray())
            {
                writer.WriteStartObject();
                if (ResponseInputItems.String(part, "type") == "input_image")
                {
                    writer.WriteString("type"u8, "image_url"u8);
                    writer.WriteStartObject("image_url"u8);
                    writer.WriteString("url"u8, part.GetProperty("image_url").GetString());
                    writer.WriteString("detail"u8, ResponseInputItems.String(part, "detail") ?? "auto");
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WriteString("type"u8, "text"u8);
                    writer.WriteString("text"u8, part.GetProperty("text").GetString());
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>The assistant turn being gathered: its text and the function calls that follow it.</summary>
    private sealed class PendingAssistant
    {
        public StringBuilder Text { get; } = new();

        public List<JsonElement> Calls { get; } = [];

        public bool Open { get; set; }

        public bool HasCalls => Calls.Count > 0;

        public void Flush(Utf8JsonWriter writer)
        {
            if (!Open)
            {
                return;
            }

            writer.WriteStartObject();
            writer.WriteString("role"u8, "assistant"u8);
            if (Text.Length > 0)
            {
                writer.WriteString("content"u8, Text.ToString());
            }
            else
            {
                writer.WriteNull("content"u8);
            }

            if (Calls.Count > 0)
            {
                writer.WriteStartArray("tool_calls"u8);
                foreach (var call in Calls)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id"u8, call.GetProperty("call_id").GetString());
                    writer.WriteString("type"u8, "function"u8);
                    writer.WriteStartObject("function"u8);
                    writer.WriteString("name"u8, call.GetProperty("name").GetString());
                    writer.WriteString("arguments"u8, call.GetProperty("arguments").GetString());
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            Text.Clear();
            Calls.Clear();
            Open = false;
        }
    }
}
