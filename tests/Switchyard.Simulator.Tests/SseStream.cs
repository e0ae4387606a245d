using System.Runtime.CompilerServices;

namespace Switchyard.Simulator.Tests;

/// <summary>Reads the <c>data:</c> payloads of a server-sent event stream, as an OpenAI client does.</summary>
internal static class SseStream
{
    public static async IAsyncEnumerable<string> ReadDataAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                yield return line["data: ".Length..];
            }
        }
    }

    public static async Task<List<string>> ReadAllDataAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var events = new List<string>();
        await foreach (var data in ReadDataAsync(stream, cancellationToken))
        {
            events.Add(data);
        }

        return events;
    }
}
