using System.Buffers.Text;
using System.Text.Json;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Providers.Anthropic;

/// <summary>
/// Turns Anthropic's stream events into OpenAI <c>chat.completion.chunk</c> events, one event at a time, keeping only
/// the stream's identity, the open block and the usage between events.
/// </summary>
/// <remarks>
/// <code>
/// message_start            ─► (remember id, model, input usage; nothing sent yet)
/// content_block_start      ─► first block: the role chunk; tool_use: a tool call header (id, name, index 0, 1, ...)
/// content_block_delta      ─► text_delta: content; input_json_delta: that call's arguments (the JSON tool's: content);
///                             thinking_delta: reasoning_content; signature_delta: nothing
/// content_block_stop       ─► a tool call that streamed no arguments gets "{}"
/// message_delta            ─► (remember stop_reason, stop_sequence, cumulative usage)
/// message_stop             ─► finish chunk, usage chunk, [DONE]
/// ping, unknown events     ─► nothing
/// error                    ─► OpenAI's {"error":{...}} event (before the first chunk: the forwarder fails over)
/// </code>
/// PERF: no JSON DOM, no strings: values are copied as the raw (already escaped) bytes of their JSON strings into
/// chunks built from byte templates; the only allocation is the stream's identity prefix, once.
/// The role chunk waits for the first content block, so a stream that fails between <c>message_start</c> and its first
/// block (Anthropic's overloaded error event after a 200) fails over like a refused request.
/// </remarks>
internal sealed class AnthropicStreamTranslator(AnthropicCall call, long created)
{
    private readonly byte[]? _jsonTool = call.JsonTool is { } name ? System.Text.Encoding.UTF8.GetBytes(name) : null;
    private byte[]? _prefix;
    private bool _started;
    private bool _finished;
    private BlockKind _block;
    private int _tools;
    private int _toolIndex;
    private long _argumentBytes;
    private int _inputTokens;
    private int _outputTokens;
    private int _cacheRead;
    private int _cacheWrite;
    private byte[]? _stopReason;
    private byte[]? _stopSequence;

    private enum BlockKind
    {
        None,
        Text,
        Tool,
        JsonTool,
        Thinking,
        Other,
    }

    /// <summary>Whether <c>message_stop</c> was translated (the stream is whole).</summary>
    public bool Finished => _finished;

    /// <summary>Translates one event's data into zero or more OpenAI events appended to <paramref name="output"/>.</summary>
    /// <exception cref="JsonException">The event is not valid JSON (the stream is broken).</exception>
    public void Translate(ReadOnlySpan<byte> data, PooledBufferWriter output)
    {
        var fields = new Fields();
        Read(data, ref fields);
        switch (fields.Type)
        {
            case var t when t.SequenceEqual("message_start"u8):
                _prefix = BuildPrefix(fields.Id, fields.Model, created);
                AddUsage(ref fields, replace: true);
                break;
            case var t when t.SequenceEqual("content_block_start"u8):
                StartBlock(ref fields, output);
                break;
            case var t when t.SequenceEqual("content_block_delta"u8):
                Delta(ref fields, output);
                break;
            case var t when t.SequenceEqual("content_block_stop"u8):
                StopBlock(output);
                break;
            case var t when t.SequenceEqual("message_delta"u8):
                if (!fields.StopReason.IsEmpty)
                {
                    _stopReason = fields.StopReason.ToArray();
                }

                if (!fields.StopSequence.IsEmpty)
                {
                    _stopSequence = fields.StopSequence.ToArray();
                }

                AddUsage(ref fields, replace: false);
                break;
            case var t when t.SequenceEqual("message_stop"u8):
                Finish(output);
                break;
            case var t when t.SequenceEqual("error"u8):
                WriteError(output, fields.ErrorType, fields.ErrorMessage);
                break;
        }
    }

    /// <summary>Usage from <c>message_start</c> (replace) or <c>message_delta</c> (cumulative counts: a present one wins).</summary>
    private void AddUsage(ref Fields fields, bool replace)
    {
        if (fields.OutputTokens >= 0)
        {
            _outputTokens = fields.OutputTokens;
        }

        if (fields.InputTokens >= 0)
        {
            _inputTokens = fields.InputTokens;
        }
        else if (replace)
        {
            _inputTokens = 0;
        }

        if (fields.CacheRead >= 0)
        {
            _cacheRead = fields.CacheRead;
        }

        if (fields.CacheWrite >= 0)
        {
            _cacheWrite = fields.CacheWrite;
        }
    }

    private void StartBlock(ref Fields fields, PooledBufferWriter output)
    {
        EnsureStarted(output);
        var type = fields.BlockType;
        if (type.SequenceEqual("text"u8))
        {
            _block = BlockKind.Text;
            if (!fields.BlockText.IsEmpty)
            {
                WriteContent(output, "\"content\":\""u8, fields.BlockText);
            }
        }
        else if (type.SequenceEqual("tool_use"u8))
        {
            _argumentBytes = 0;
            if (_jsonTool is not null && fields.BlockName.SequenceEqual(_jsonTool))
            {
                _block = BlockKind.JsonTool;
                return;
            }

            _block = BlockKind.Tool;
            _toolIndex = _tools++;
            Open(output);
            output.Write("\"tool_calls\":[{\"index\":"u8);
            WriteNumber(output, _toolIndex);
            output.Write(",\"id\":\""u8);
            output.Write(fields.BlockId);
            output.Write("\",\"type\":\"function\",\"function\":{\"name\":\""u8);
            output.Write(fields.BlockName);
            output.Write("\",\"arguments\":\"\"}}]"u8);
            Close(output, default);
        }
        else if (type.SequenceEqual("thinking"u8))
        {
            _block = BlockKind.Thinking;
        }
        else
        {
            // redacted_thinking and block types a later API version adds: nothing OpenAI's chunks can carry.
            _block = BlockKind.Other;
        }
    }

    private void Delta(ref Fields fields, PooledBufferWriter output)
    {
        var type = fields.DeltaType;
        if (type.SequenceEqual("text_delta"u8) && !fields.DeltaText.IsEmpty)
        {
            EnsureStarted(output);
            WriteContent(output, "\"content\":\""u8, fields.DeltaText);
        }
        else if (type.SequenceEqual("input_json_delta"u8) && !fields.PartialJson.IsEmpty)
        {
            _argumentBytes += fields.PartialJson.Length;
            if (_block == BlockKind.JsonTool)
            {
                WriteContent(output, "\"content\":\""u8, fields.PartialJson);
            }
            else if (_block == BlockKind.Tool)
            {
                WriteArguments(output, fields.PartialJson);
            }
        }
        else if (type.SequenceEqual("thinking_delta"u8) && !fields.Thinking.IsEmpty)
        {
            // COMPAT: reasoning text as DeepSeek's and vLLM's reasoning_content; clients that do not know it ignore it.
            WriteContent(output, "\"reasoning_content\":\""u8, fields.Thinking);
        }
    }

    private void StopBlock(PooledBufferWriter output)
    {
        if (_argumentBytes == 0)
        {
            // A tool without input streams no delta; OpenAI clients parse the arguments, and "" is not JSON.
            if (_block == BlockKind.Tool)
            {
                WriteArguments(output, "{}"u8);
            }
            else if (_block == BlockKind.JsonTool)
            {
                WriteContent(output, "\"content\":\""u8, "{}"u8);
            }
        }

        _block = BlockKind.None;
        _argumentBytes = 0;
    }

    private void Finish(PooledBufferWriter output)
    {
        EnsureStarted(output);
        Open(output);
        Close(output, FinishReason(_stopReason, call.JsonTool is not null), _stopSequence);
        output.Write("data: "u8);
        output.Write(_prefix);
        output.Write("[],\"usage\":"u8);
        WriteUsage(output, _inputTokens, _outputTokens, _cacheRead, _cacheWrite);
        output.Write("}\n\n"u8);
        output.Write("data: [DONE]\n\n"u8);
        _finished = true;
    }

    /// <summary>OpenAI's <c>usage</c> object for Anthropic's counts: its input excludes cache reads and writes, OpenAI's includes them.</summary>
    internal static void WriteUsage(PooledBufferWriter output, int input, int outputTokens, int cacheRead, int cacheWrite)
    {
        var prompt = input + cacheRead + cacheWrite;
        output.Write("{\"prompt_tokens\":"u8);
        WriteNumber(output, prompt);
        output.Write(",\"completion_tokens\":"u8);
        WriteNumber(output, outputTokens);
        output.Write(",\"total_tokens\":"u8);
        WriteNumber(output, prompt + outputTokens);
        output.Write(",\"prompt_tokens_details\":{\"cached_tokens\":"u8);
        WriteNumber(output, cacheRead);
        output.Write("},\"cache_creation_input_tokens\":"u8);
        WriteNumber(output, cacheWrite);
        output.Write("}"u8);
    }

    /// <summary>OpenAI's finish reason for Anthropic's stop reason (the README's table).</summary>
    internal static ReadOnlySpan<byte> FinishReason(ReadOnlySpan<byte> stopReason, bool jsonTool) => stopReason switch
    {
        _ when stopReason.SequenceEqual("max_tokens"u8) => "length"u8,
        _ when stopReason.SequenceEqual("tool_use"u8) => jsonTool ? "stop"u8 : "tool_calls"u8,
        _ when stopReason.SequenceEqual("refusal"u8) => "content_filter"u8,
        // end_turn, stop_sequence, pause_turn (server tools only, which the translation never asks for), and none.
        _ => "stop"u8,
    };

    /// <summary>An error event in OpenAI's shape, keeping Anthropic's type (the ingress gives it back to Anthropic clients).</summary>
    private static void WriteError(PooledBufferWriter output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> message)
    {
        output.Write("data: {\"error\":{\"message\":\""u8);
        output.Write(message.IsEmpty ? "The Anthropic stream carried an error without a message."u8 : message);
        output.Write("\",\"type\":\""u8);
        output.Write(type.IsEmpty ? "api_error"u8 : type);
        output.Write("\",\"param\":null,\"code\":null}}\n\n"u8);
    }

    private void EnsureStarted(PooledBufferWriter output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        _prefix ??= BuildPrefix("msg_unknown"u8, "unknown"u8, created);
        Open(output);
        output.Write("\"role\":\"assistant\",\"content\":\"\""u8);
        Close(output, default);
    }

    private void WriteContent(PooledBufferWriter output, ReadOnlySpan<byte> member, ReadOnlySpan<byte> rawString)
    {
        EnsureStarted(output);
        Open(output);
        output.Write(member);
        output.Write(rawString);
        output.Write("\""u8);
        Close(output, default);
    }

    private void WriteArguments(PooledBufferWriter output, ReadOnlySpan<byte> rawString)
    {
        Open(output);
        output.Write("\"tool_calls\":[{\"index\":"u8);
        WriteNumber(output, _toolIndex);
        output.Write(",\"function\":{\"arguments\":\""u8);
        output.Write(rawString);
        output.Write("\"}}]"u8);
        Close(output, default);
    }

    /// <summary>Opens a chunk with one choice, up to and including <c>"delta":{</c>.</summary>
    private void Open(PooledBufferWriter output)
    {
        output.Write("data: "u8);
        output.Write(_prefix);
        output.Write("[{\"index\":0,\"delta\":{"u8);
    }

    /// <summary>Closes the delta with <paramref name="finish"/> (or null), the vLLM-style <c>stop_reason</c> when a stop sequence matched, and the event.</summary>
    private static void Close(PooledBufferWriter output, ReadOnlySpan<byte> finish, ReadOnlySpan<byte> stopSequence = default)
    {
        output.Write("},\"logprobs\":null,\"finish_reason\":"u8);
        if (finish.IsEmpty)
        {
            output.Write("null"u8);
        }
        else
        {
            output.Write("\""u8);
            output.Write(finish);
            output.Write("\""u8);
        }

        if (!stopSequence.IsEmpty)
        {
            // COMPAT: vLLM's choices[].stop_reason: the stop string that ended the answer (Anthropic's stop_sequence).
            output.Write(",\"stop_reason\":\""u8);
            output.Write(stopSequence);
            output.Write("\""u8);
        }

        output.Write("}]}\n\n"u8);
    }

    /// <summary><c>{"id":"…","object":"chat.completion.chunk","created":…,"model":"…","choices":</c>, once per stream.</summary>
    private static byte[] BuildPrefix(ReadOnlySpan<byte> id, ReadOnlySpan<byte> model, long created)
    {
        using var buffer = new PooledBufferWriter(256);
        buffer.Write("{\"id\":\""u8);
        buffer.Write(id);
        buffer.Write("\",\"object\":\"chat.completion.chunk\",\"created\":"u8);
        WriteNumber(buffer, created);
        buffer.Write(",\"model\":\""u8);
        buffer.Write(model);
        buffer.Write("\",\"choices\":"u8);
        return buffer.WrittenSpan.ToArray();
    }

    internal static void WriteNumber(PooledBufferWriter output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    /// <summary>Reads the members of one event that the translation uses (string values as raw, escaped bytes).</summary>
    private static void Read(ReadOnlySpan<byte> data, ref Fields fields)
    {
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("An Anthropic stream event is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                fields.Type = String(ref reader, data);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                ReadObject(ref reader, data, ref fields, Scope.Message);
            }
            else if (reader.ValueTextEquals("content_block"u8))
            {
                reader.Read();
                ReadObject(ref reader, data, ref fields, Scope.Block);
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                ReadObject(ref reader, data, ref fields, Scope.Delta);
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                ReadObject(ref reader, data, ref fields, Scope.Usage);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                ReadObject(ref reader, data, ref fields, Scope.Error);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.Read())
        {
            throw new JsonException("An Anthropic stream event has data after its JSON object.");
        }
    }

    private enum Scope
    {
        Message,
        Block,
        Delta,
        Usage,
        Error,
    }

    private static void ReadObject(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> data, ref Fields fields, Scope scope)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            switch (scope)
            {
                case Scope.Message when reader.ValueTextEquals("id"u8):
                    fields.Id = String(ref reader, data);
                    break;
                case Scope.Message when reader.ValueTextEquals("model"u8):
                    fields.Model = String(ref reader, data);
                    break;
                case Scope.Message when reader.ValueTextEquals("usage"u8):
                    reader.Read();
                    ReadObject(ref reader, data, ref fields, Scope.Usage);
                    break;
                case Scope.Block when reader.ValueTextEquals("type"u8):
                    fields.BlockType = String(ref reader, data);
                    break;
                case Scope.Block when reader.ValueTextEquals("id"u8):
                    fields.BlockId = String(ref reader, data);
                    break;
                case Scope.Block when reader.ValueTextEquals("name"u8):
                    fields.BlockName = String(ref reader, data);
                    break;
                case Scope.Block when reader.ValueTextEquals("text"u8):
                    fields.BlockText = String(ref reader, data);
                    break;
                case Scope.Delta when reader.ValueTextEquals("type"u8):
                    fields.DeltaType = String(ref reader, data);
                    break;
                case Scope.Delta when reader.ValueTextEquals("text"u8):
                    fields.DeltaText = String(ref reader, data);
                    break;
                case Scope.Delta when reader.ValueTextEquals("partial_json"u8):
                    fields.PartialJson = String(ref reader, data);
                    break;
                case Scope.Delta when reader.ValueTextEquals("thinking"u8):
                    fields.Thinking = String(ref reader, data);
                    break;
                case Scope.Delta when reader.ValueTextEquals("stop_reason"u8):
                    fields.StopReason = String(ref reader, data);
                    break;
                case Scope.Delta when reader.ValueTextEquals("stop_sequence"u8):
                    fields.StopSequence = String(ref reader, data);
                    break;
                case Scope.Usage when reader.ValueTextEquals("input_tokens"u8):
                    fields.InputTokens = Count(ref reader);
                    break;
                case Scope.Usage when reader.ValueTextEquals("output_tokens"u8):
                    fields.OutputTokens = Count(ref reader);
                    break;
                case Scope.Usage when reader.ValueTextEquals("cache_read_input_tokens"u8):
                    fields.CacheRead = Count(ref reader);
                    break;
                case Scope.Usage when reader.ValueTextEquals("cache_creation_input_tokens"u8):
                    fields.CacheWrite = Count(ref reader);
                    break;
                case Scope.Error when reader.ValueTextEquals("type"u8):
                    fields.ErrorType = String(ref reader, data);
                    break;
                case Scope.Error when reader.ValueTextEquals("message"u8):
                    fields.ErrorMessage = String(ref reader, data);
                    break;
                default:
                    reader.Read();
                    reader.Skip();
                    break;
            }
        }
    }

    /// <summary>The raw bytes of a string value (escapes kept, so they can be copied into another JSON string); empty for others.</summary>
    private static ReadOnlySpan<byte> String(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> data)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            // The reader reads one contiguous span: the value's raw bytes sit just after its opening quote.
            return data.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
        }

        reader.Skip();
        return default;
    }

    /// <summary>A token count, or -1 when absent or not a number.</summary>
    private static int Count(scoped ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value))
        {
            return Math.Max(value, 0);
        }

        reader.Skip();
        return -1;
    }

    /// <summary>The members of one event, as raw spans into its data.</summary>
    private ref struct Fields
    {
        public ReadOnlySpan<byte> Type;
        public ReadOnlySpan<byte> Id;
        public ReadOnlySpan<byte> Model;
        public ReadOnlySpan<byte> BlockType;
        public ReadOnlySpan<byte> BlockId;
        public ReadOnlySpan<byte> BlockName;
        public ReadOnlySpan<byte> BlockText;
        public ReadOnlySpan<byte> DeltaType;
        public ReadOnlySpan<byte> DeltaText;
        public ReadOnlySpan<byte> PartialJson;
        public ReadOnlySpan<byte> Thinking;
        public ReadOnlySpan<byte> StopReason;
        public ReadOnlySpan<byte> StopSequence;
        public ReadOnlySpan<byte> ErrorType;
        public ReadOnlySpan<byte> ErrorMessage;
        public int InputTokens;
        public int OutputTokens;
        public int CacheRead;
        public int CacheWrite;

        public Fields()
        {
            InputTokens = OutputTokens = CacheRead = CacheWrite = -1;
        }
    }
}
