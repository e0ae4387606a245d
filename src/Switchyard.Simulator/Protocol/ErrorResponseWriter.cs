using System.Text.Json;

namespace Switchyard.Simulator.Protocol;

/// <summary>Writes <see cref="RequestError"/> as OpenAI does: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class ErrorResponseWriter
{
    public static void Write(Utf8JsonWriter writer, in RequestError error)
    {
        writer.WriteStartObject();
        writer.WriteStartObject(JsonNames.Error);
        writer.WriteString(JsonNames.Message, error.Message);
        writer.WriteString(JsonNames.Type, error.Type);
        WriteNullable(writer, JsonNames.Param, error.Param);
        WriteNullable(writer, JsonNames.Code, error.Code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
