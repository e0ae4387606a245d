using System.Text;
using System.Text.Json;

namespace Switchyard.Gateway.Forwarding.Internal;

/// <summary>Reads the message and code out of an upstream's error body, whatever shape it has.</summary>
internal static class UpstreamErrorReader
{
    private const int MaxMessageChars = 500;

    /// <summary>
    /// Returns <c>error.message</c> (OpenAI), <c>message</c> or <c>error</c> as a string (vLLM, TGI, Ollama), or null when
    /// the body is not JSON. <paramref name="code"/> gets <c>error.code</c> when there is one.
    /// </summary>
    public static string? Describe(byte[] body, out string? code)
    {
        code = null;
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return Trim(error.GetString());
                }

                if (error.ValueKind == JsonValueKind.Object)
                {
                    if (error.TryGetProperty("code", out var codeElement))
                    {
                        code = codeElement.ValueKind switch
                        {
                            JsonValueKind.String => codeElement.GetString(),
                            JsonValueKind.Number => codeElement.GetRawText(),
                            _ => null,
                        };
                    }

                    if (error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                    {
                        return Trim(message.GetString());
                    }
                }
            }

            if (root.TryGetProperty("message", out var plain) && plain.ValueKind == JsonValueKind.String)
            {
                return Trim(plain.GetString());
            }

            return "(an error without a message)";
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A short printable excerpt of a non-JSON body (markup removed, whitespace collapsed), for messages.</summary>
    public static string Excerpt(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 4 * MaxMessageChars));
        var plain = new StringBuilder(text.Length);
        var inTag = false;
        foreach (var c in text)
        {
            if (c == '<')
            {
                inTag = true;
                plain.Append(' ');
            }
            else if (c == '>')
            {
                inTag = false;
            }
            else if (!inTag)
            {
                // SECURITY: control characters never reach messages, headers or logs.
                plain.Append(char.IsControl(c) || char.IsWhiteSpace(c) ? ' ' : c);
            }
        }

        var collapsed = string.Join(' ', plain.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return Trim(collapsed) ?? string.Empty;
    }

    private static string? Trim(string? message) => message is { Length: > MaxMessageChars } ? message[..MaxMessageChars] + "..." : message;
}
