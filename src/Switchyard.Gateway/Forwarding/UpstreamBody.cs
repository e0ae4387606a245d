using Switchyard.Gateway.Api;

namespace Switchyard.Gateway.Forwarding;

/// <summary>
/// Builds the body sent upstream by splicing the client's bytes: the route name is replaced by the deployment's model,
/// and streams always ask for usage. Everything else is copied as it came.
/// </summary>
internal static class UpstreamBody
{
    private static ReadOnlySpan<byte> IncludeUsageProperty => "\"stream_options\":{\"include_usage\":true},"u8;

    private static ReadOnlySpan<byte> IncludeUsageObject => "{\"include_usage\":true}"u8;

    /// <summary>Most bytes the spliced body can need: the body, a longer model name, and the usage option.</summary>
    public static int MaxLength(int bodyLength, int encodedModelLength) => bodyLength + encodedModelLength + IncludeUsageProperty.Length;

    /// <summary>Writes the upstream body into <paramref name="destination"/> and returns its length.</summary>
    public static int Build(ReadOnlySpan<byte> body, in ParsedRequest request, ReadOnlySpan<byte> encodedModel, Span<byte> destination)
    {
        // Edits in body order: an insertion after '{' (usage option), the stream_options value, the model value.
        var written = 0;
        var position = 0;
        var forceUsage = request.Stream && !request.IncludeUsage;

        if (forceUsage && request.StreamOptionsLength == 0)
        {
            Copy(body, ref position, request.ObjectStart, destination, ref written);
            IncludeUsageProperty.CopyTo(destination[written..]);
            written += IncludeUsageProperty.Length;
        }

        // COMPAT: a client's stream_options without include_usage is replaced by {"include_usage":true}; its other
        // members (rare: vLLM's continuous_usage_stats) are dropped rather than merged, which would need re-serialising.
        var replaceOptions = forceUsage && request.StreamOptionsLength > 0;
        if (replaceOptions && request.StreamOptionsStart < request.ModelStart)
        {
            Replace(body, ref position, request.StreamOptionsStart, request.StreamOptionsLength, IncludeUsageObject, destination, ref written);
        }

        Replace(body, ref position, request.ModelStart, request.ModelLength, encodedModel, destination, ref written);

        if (replaceOptions && request.StreamOptionsStart > request.ModelStart)
        {
            Replace(body, ref position, request.StreamOptionsStart, request.StreamOptionsLength, IncludeUsageObject, destination, ref written);
        }

        Copy(body, ref position, body.Length, destination, ref written);
        return written;
    }

    private static void Replace(ReadOnlySpan<byte> body, ref int position, int start, int length, ReadOnlySpan<byte> replacement, Span<byte> destination, ref int written)
    {
        Copy(body, ref position, start, destination, ref written);
        replacement.CopyTo(destination[written..]);
        written += replacement.Length;
        position = start + length;
    }

    private static void Copy(ReadOnlySpan<byte> body, ref int position, int end, Span<byte> destination, ref int written)
    {
        var chunk = body[position..end];
        chunk.CopyTo(destination[written..]);
        written += chunk.Length;
        position = end;
    }
}
