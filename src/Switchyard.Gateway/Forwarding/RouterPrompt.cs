using Switchyard.Gateway.Api;
using Switchyard.Gateway.Routing.Content;

namespace Switchyard.Gateway.Forwarding;

/// <summary>
/// The prompt text the learned router reads: what <see cref="PromptText"/> extracts from a request body (messages
/// joined by newlines), cut at <see cref="MaxChars"/>. Training and prediction use this one definition, so that the
/// router sees the same text from stored requests as from live ones.
/// </summary>
internal static class RouterPrompt
{
    /// <summary>How much of a prompt the router reads.</summary>
    public const int MaxChars = 4096;

    /// <summary>The text of <paramref name="body"/>, written into <paramref name="destination"/> (at most <see cref="MaxChars"/>).</summary>
    public static int Extract(ReadOnlySpan<byte> body, EndpointKind endpoint, Span<char> destination)
        => PromptText.Extract(body, endpoint, destination[..Math.Min(destination.Length, MaxChars)], out _);

    /// <summary>The text of <paramref name="body"/> as a string (cold paths: records, training).</summary>
    public static string Of(ReadOnlySpan<byte> body, EndpointKind endpoint)
    {
        var buffer = new char[MaxChars];
        return new string(buffer, 0, Extract(body, endpoint, buffer));
    }
}
