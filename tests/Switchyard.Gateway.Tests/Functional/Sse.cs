using System.Text.Json;

namespace Switchyard.Gateway.Tests.Functional;

/// <summary>Reads a server-sent event stream as a client would.</summary>
internal static class Sse
{
    /// <summary>The data payloads of a whole stream, in order (the <c>[DONE]</c> marker included).</summary>
    public static async Task<List<string>> ReadAllAsync(HttpResponseMessage response)
    {
        var events = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(line["data: ".Length..]);
            }
        }

        return events;
    }

    public static string Content(IEnumerable<string> events)
    {
        var text = new System.Text.StringBuilder();
        foreach (var e in events)
        {
            if (e == "[DONE]")
            {
                continue;
            }

            using var doc = JsonDocument.Parse(e);
            if (doc.RootElement.TryGetProperty("choices", out var choices))
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                    {
                        text.Append(content.GetString());
                    }
                }
            }
        }

        return text.ToString();
    }
}
