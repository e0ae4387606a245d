using Switchyard.Gateway.Api;

namespace Switchyard.Gateway.Forwarding;

/// <summary>
/// Builds the body sent upstream by splicing the client's bytes: the route name is replaced by the deployment's model,
/// streams always ask for usage, and a quality gate may ask for logprobs. Everything else is copied as it came.
/// </summary>
internal static class UpstreamBody
{
    private static ReadOnlySpan<byte> IncludeUsageProperty => "\"stream_options\":{\"include_usage\":true},"u8;

    private static ReadOnlySpan<byte> IncludeUsageObject => "{\"include_usage\":true}"u8;

    private static ReadOnlySpan<byte> LogprobsName => "\"logprobs\":"u8;

    /// <summary>The value that asks for logprobs: chat's <c>true</c>, or legacy completions' one alternative per token.</summary>
    public static ReadOnlySpan<byte> LogprobsValue(EndpointKind endpoint) => endpoint == EndpointKind.Completions ? "1"u8 : "true"u8;

    /// <summary>Most bytes the spliced body can need: the body, a longer model name, the usage option and logprobs.</summary>
    public static int MaxLength(int bodyLength, int encodedModelLength) => bodyLength + encodedModelLength + IncludeUsageProperty.Length + LogprobsName.Length + "true,"u8.Length;

    /// <summary>
    /// Writes the upstream body into <paramref name="destination"/> and returns its length. A non-empty
    /// <paramref name="logprobs"/> (<see cref="LogprobsValue"/>) becomes the <c>logprobs</c> value: inserted, or replacing
    /// the client's (<c>false</c> or <c>null</c>), never a second member.
    /// </summary>
    public static int Build(ReadOnlySpan<byte> body, in ParsedRequest request, ReadOnlySpan<byte> encodedModel, Span<byte> destination, ReadOnlySpan<byte> logprobs = default)
    {
        // Edits in body order: insertions after '{' (usage option, logprobs), then the values replaced, by position.
        var written = 0;
        var position = 0;
        var forceUsage = request.Stream && !request.IncludeUsage;
        var askLogprobs = !logprobs.IsEmpty && !request.ClientLogprobs;

        Copy(body, ref position, request.ObjectStart, destination, ref written);
        if (forceUsage && request.StreamOptionsLength == 0)
        {
            Insert(IncludeUsageProperty, destination, ref written);
        }

        if (askLogprobs && request.LogprobsLength == 0)
        {
            Insert(LogprobsName, destination, ref written);
            Insert(logprobs, destination, ref written);
            Insert(","u8, destination, ref written);
        }

        // COMPAT: a client's stream_options without include_usage is replaced by {"include_usage":true}; its other
        // members (rare: vLLM's continuous_usage_stats) are dropped rather than merged, which would need re-serialising.
        var options = forceUsage && request.StreamOptionsLength > 0 ? request.StreamOptionsStart : int.MaxValue;
        var logprobsAt = askLogprobs && request.LogprobsLength > 0 ? request.LogprobsStart : int.MaxValue;
        var model = request.ModelStart;
        while (true)
        {
            var next = Math.Min(model, Math.Min(options, logprobsAt));
            if (next == int.MaxValue)
            {
                break;
            }

            if (next == model)
            {
                Replace(body, ref position, model, request.ModelLength, encodedModel, destination, ref written);
                model = int.MaxValue;
            }
            else if (next == options)
            {
                Replace(body, ref position, options, request.StreamOptionsLength, IncludeUsageObject, destination, ref written);
                options = int.MaxValue;
            }
            else
            {
                Replace(body, ref position, logprobsAt, request.LogprobsLength, logprobs, destination, ref written);
                logprobsAt = int.MaxValue;
            }
        }

        Copy(body, ref position, body.Length, destination, ref written);
        return written;
    }

    private static void Insert(ReadOnlySpan<byte> bytes, Span<byte> destination, ref int written)
    {
        bytes.CopyTo(destination[written..]);
        written += bytes.Length;
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
