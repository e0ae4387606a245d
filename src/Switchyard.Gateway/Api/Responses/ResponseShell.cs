using System.Buffers.Text;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Api.Responses;

/// <summary>
/// The response object of one request around its output: id, times, status, model and the request's repeated fields
/// before <c>output</c>, usage after. Written as byte templates, so a stream renders its lifecycle events without a DOM.
/// </summary>
/// <param name="Id">The response's id (<c>resp_...</c>).</param>
/// <param name="CreatedAt">Unix seconds of its creation.</param>
/// <param name="Echo">The request's fields, as members (<see cref="ResponsesRequest.Echo"/>).</param>
internal sealed record ResponseShell(string Id, long CreatedAt, byte[] Echo)
{
    private readonly byte[] _id = System.Text.Encoding.ASCII.GetBytes(Id);

    /// <summary>
    /// Writes the object up to <c>"output":</c> (the caller writes the array, then <see cref="WriteEnd"/>).
    /// <paramref name="model"/>, <paramref name="incompleteReason"/> and <paramref name="errorMessage"/> are JSON-escaped bytes.
    /// </summary>
    public void WriteStart(PooledBufferWriter output, ReadOnlySpan<byte> status, ReadOnlySpan<byte> model, long? completedAt,
        ReadOnlySpan<byte> incompleteReason = default, ReadOnlySpan<byte> errorMessage = default)
    {
        output.Write("{\"id\":\""u8);
        output.Write(_id);
        output.Write("\",\"object\":\"response\",\"created_at\":"u8);
        WriteNumber(output, CreatedAt);
        output.Write(",\"status\":\""u8);
        output.Write(status);
        output.Write("\",\"background\":false,\"completed_at\":"u8);
        if (completedAt is { } at)
        {
            WriteNumber(output, at);
        }
        else
        {
            output.Write("null"u8);
        }

        output.Write(",\"error\":"u8);
        if (errorMessage.IsEmpty)
        {
            output.Write("null"u8);
        }
        else
        {
            output.Write("{\"code\":\"server_error\",\"message\":\""u8);
            output.Write(errorMessage);
            output.Write("\"}"u8);
        }

        output.Write(",\"incomplete_details\":"u8);
        if (incompleteReason.IsEmpty)
        {
            output.Write("null"u8);
        }
        else
        {
            output.Write("{\"reason\":\""u8);
            output.Write(incompleteReason);
            output.Write("\"}"u8);
        }

        output.Write(",\"model\":\""u8);
        output.Write(model);
        output.Write("\","u8);
        output.Write(Echo);
        output.Write(",\"output\":"u8);
    }

    /// <summary>Writes <c>,"usage":...}</c>: the usage, or null when the answer had none (yet).</summary>
    public static void WriteEnd(PooledBufferWriter output, in ResponseUsage? usage)
    {
        output.Write(",\"usage\":"u8);
        if (usage is not { } counts)
        {
            output.Write("null}"u8);
            return;
        }

        output.Write("{\"input_tokens\":"u8);
        WriteNumber(output, counts.Input);
        output.Write(",\"input_tokens_details\":{\"cached_tokens\":"u8);
        WriteNumber(output, counts.Cached);
        output.Write(",\"cache_write_tokens\":"u8);
        WriteNumber(output, counts.CacheWrite);
        output.Write("},\"output_tokens\":"u8);
        WriteNumber(output, counts.Output);
        output.Write(",\"output_tokens_details\":{\"reasoning_tokens\":"u8);
        WriteNumber(output, counts.Reasoning);
        output.Write("},\"total_tokens\":"u8);
        WriteNumber(output, counts.Input + counts.Output);
        output.Write("}}"u8);
    }

    public static void WriteNumber(PooledBufferWriter output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }
}
