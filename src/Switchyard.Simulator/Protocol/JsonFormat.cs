using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchyard.Simulator.Protocol;

/// <summary>How the simulator writes JSON: compact, and escaping only what JSON requires, as OpenAI does ("I'm", not "I\u0027m").</summary>
internal static class JsonFormat
{
    // COMPAT: OpenAI writes apostrophes, '<' and '+' literally; the default encoder would escape them.
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = Encoder, Indented = false };

    public static JsonEncodedText Encode(string value) => JsonEncodedText.Encode(value, Encoder);
}
