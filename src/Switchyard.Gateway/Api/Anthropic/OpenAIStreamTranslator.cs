using Switchyard.Gateway.Internal;
using Switchyard.Gateway.Providers.Anthropic;

namespace Switchyard.Gateway.Api.Anthropic;

/// <summary>
/// Turns the OpenAI chunks the forwarder relays into Anthropic's stream events for <c>/v1/messages</c>, one chunk at a
/// time: the reverse of <see cref="AnthropicStreamTranslator"/>.
/// </summary>
/// <remarks>
/// <code>
/// first chunk               ─► message_start (id, model; input usage comes with message_delta)
/// delta.content             ─► a text block (content_block_start once) and text_delta
/// delta.tool_calls[i] id    ─► the open block stops; a tool_use block starts (id, name)
/// delta.tool_calls[i] args  ─► input_json_delta of that block
/// finish_reason             ─► the open block stops; the stop reason is kept
/// usage chunk               ─► kept
/// [DONE]                    ─► message_delta (stop reason, usage), message_stop
/// {"error": ...}            ─► event: error (stream_interrupted included)
/// </code>
/// PERF: string values are copied as their raw JSON bytes into event templates; nothing is allocated per chunk but the
/// stream's identity, once. Reasoning text some OpenAI-compatible servers add (<c>reasoning_content</c>) is not passed on:
/// an Anthropic thinking block needs Anthropic's signature (README.md).
/// </remarks>
internal sealed class OpenAIStreamTranslator
{
    private bool _started;
    private int _blocks;
    private OpenBlock _open;
    private int _openTool = -1;
    private int _promptTokens;
    private int _completionTokens;
    private int _cached;
    private int _cacheWrite;
    private byte[] _stopReason = "end_turn"u8.ToArray();
    private byte[]? _stopSequence;

    private enum OpenBlock
    {
        None,
        Text,
        Tool,
    }

    /// <summary>Whether the stream ended with <c>message_stop</c>.</summary>
    public bool Finished { get; private set; }

    /// <summary>Translates one OpenAI event's data (a chunk, <c>[DONE]</c> or an error) into Anthropic events.</summary>
    public void Translate(ReadOnlySpan<byte> data, PooledBufferWriter output)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            Finish(output);
            return;
        }

        var chunk = ChatChunk.Read(data);
        if (chunk.IsError)
        {
            WriteError(output, chunk.ErrorType, chunk.ErrorMessage);
            return;
        }

        if (!_started)
        {
            _started = true;
            output.Write("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\""u8);
            output.Write(chunk.Id.IsEmpty ? "msg_switchyard"u8 : chunk.Id);
            output.Write("\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""u8);
            output.Write(chunk.Model);
            output.Write("\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":0,\"output_tokens\":0}}}\n\n"u8);
        }

        if (chunk.HasUsage)
        {
            _promptTokens = chunk.PromptTokens;
            _completionTokens = chunk.CompletionTokens;
            _cached = chunk.Cached;
            _cacheWrite = chunk.CacheWrite;
        }

        if (!chunk.Delta.IsEmpty)
        {
            TranslateDelta(chunk.Delta, output);
        }

        if (!chunk.FinishReason.IsEmpty)
        {
            Stop(output);
            _stopReason = StopReason(chunk.FinishReason, !chunk.StopSequence.IsEmpty).ToArray();
            _stopSequence = chunk.StopSequence.IsEmpty ? null : chunk.StopSequence.ToArray();
        }
    }

    /// <summary>Anthropic's stop reason for an OpenAI finish reason (a vLLM stop string makes it <c>stop_sequence</c>).</summary>
    internal static ReadOnlySpan<byte> StopReason(ReadOnlySpan<byte> finish, bool stopSequence) => finish switch
    {
        _ when finish.SequenceEqual("length"u8) => "max_tokens"u8,
        _ when finish.SequenceEqual("tool_calls"u8) || finish.SequenceEqual("function_call"u8) => "tool_use"u8,
        _ when finish.SequenceEqual("content_filter"u8) => "refusal"u8,
        _ => stopSequence ? "stop_sequence"u8 : "end_turn"u8,
    };

    /// <summary>An error event, with Anthropic's type: the upstream's own when it is one, else <c>api_error</c>.</summary>
    internal static void WriteError(PooledBufferWriter output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> message)
    {
        output.Write("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\""u8);
        Span<char> chars = stackalloc char[32];
        var known = type.Length <= chars.Length && System.Text.Encoding.UTF8.TryGetChars(type, chars, out var length)
            && AnthropicErrors.IsAnthropicType(chars[..length]);
        output.Write(known ? type : "api_error"u8);
        output.Write("\",\"message\":\""u8);
        output.Write(message);
        output.Write("\"}}\n\n"u8);
    }

    private void TranslateDelta(ReadOnlySpan<byte> delta, PooledBufferWriter output)
    {
        var parts = new ChatDeltaReader(delta);
        while (parts.Next(out var part))
        {
            if (part.Type == ChatDeltaReader.Kind.Content)
            {
                if (_open != OpenBlock.Text)
                {
                    Stop(output);
                    _open = OpenBlock.Text;
                    output.Write("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":"u8);
                    AnthropicStreamTranslator.WriteNumber(output, _blocks);
                    output.Write(",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"u8);
                }

                BlockDelta(output, "{\"type\":\"text_delta\",\"text\":\""u8, part.Text);
            }
            else if (part.Type == ChatDeltaReader.Kind.ToolCall)
            {
                ToolCall(part, output);
            }
        }
    }

    /// <summary>One piece of a tool call: a new index starts a tool_use block, arguments become its input_json_delta.</summary>
    private void ToolCall(in ChatDeltaReader.Part part, PooledBufferWriter output)
    {
        if (_open != OpenBlock.Tool || part.Index != _openTool)
        {
            // A new call (OpenAI streams calls one after the other): the open block stops, a tool_use block starts.
            Stop(output);
            _open = OpenBlock.Tool;
            _openTool = part.Index;
            output.Write("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":"u8);
            AnthropicStreamTranslator.WriteNumber(output, _blocks);
            output.Write(",\"content_block\":{\"type\":\"tool_use\",\"id\":\""u8);
            if (part.Id.IsEmpty)
            {
                output.Write("toolu_switchyard_"u8);
                AnthropicStreamTranslator.WriteNumber(output, _blocks);
            }
            else
            {
                output.Write(part.Id);
            }

            output.Write("\",\"name\":\""u8);
            output.Write(part.Name);
            output.Write("\",\"input\":{}}}\n\n"u8);
        }

        if (!part.Arguments.IsEmpty)
        {
            BlockDelta(output, "{\"type\":\"input_json_delta\",\"partial_json\":\""u8, part.Arguments);
        }
    }

    private void BlockDelta(PooledBufferWriter output, ReadOnlySpan<byte> head, ReadOnlySpan<byte> raw)
    {
        output.Write("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":"u8);
        AnthropicStreamTranslator.WriteNumber(output, _blocks);
        output.Write(",\"delta\":"u8);
        output.Write(head);
        output.Write(raw);
        output.Write("\"}}\n\n"u8);
    }

    /// <summary>Stops the open block, if any.</summary>
    private void Stop(PooledBufferWriter output)
    {
        if (_open == OpenBlock.None)
        {
            return;
        }

        output.Write("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":"u8);
        AnthropicStreamTranslator.WriteNumber(output, _blocks);
        output.Write("}\n\n"u8);
        _blocks++;
        _open = OpenBlock.None;
        _openTool = -1;
    }

    private void Finish(PooledBufferWriter output)
    {
        Stop(output);
        output.Write("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\""u8);
        output.Write(_stopReason);
        output.Write("\",\"stop_sequence\":"u8);
        if (_stopSequence is null)
        {
            output.Write("null"u8);
        }
        else
        {
            output.Write("\""u8);
            output.Write(_stopSequence);
            output.Write("\""u8);
        }

        output.Write("},\"usage\":"u8);
        WriteUsage(output, _promptTokens, _completionTokens, _cached, _cacheWrite);
        output.Write("}\n\n"u8);
        output.Write("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"u8);
        Finished = true;
    }

    /// <summary>Anthropic's usage for OpenAI's counts: Anthropic's input excludes cache reads and writes.</summary>
    internal static void WriteUsage(PooledBufferWriter output, int prompt, int completion, int cached, int cacheWrite)
    {
        output.Write("{\"input_tokens\":"u8);
        AnthropicStreamTranslator.WriteNumber(output, Math.Max(0, prompt - cached - cacheWrite));
        output.Write(",\"cache_creation_input_tokens\":"u8);
        AnthropicStreamTranslator.WriteNumber(output, cacheWrite);
        output.Write(",\"cache_read_input_tokens\":"u8);
        AnthropicStreamTranslator.WriteNumber(output, cached);
        output.Write(",\"output_tokens\":"u8);
        AnthropicStreamTranslator.WriteNumber(output, completion);
        output.Write("}"u8);
    }
}
