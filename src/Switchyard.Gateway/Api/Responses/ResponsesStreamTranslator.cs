using System.Text.Json;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Api.Responses;

/// <summary>
/// Turns the OpenAI chat chunks the forwarder relays into the Responses API's stream events for <c>/v1/responses</c>,
/// one chunk at a time, each event with its <c>sequence_number</c>.
/// </summary>
/// <remarks>
/// <code>
/// first chunk                ─► response.created, response.in_progress (status in_progress, no output)
/// delta.content              ─► a message item (output_item.added once, content_part.added) and output_text.delta
/// delta.refusal              ─► a refusal part of that message and refusal.delta
/// delta.tool_calls[i] (new)  ─► the open item is done; a function_call item is added (call_id, name)
/// delta.tool_calls[i].args   ─► function_call_arguments.delta
/// finish_reason, usage       ─► kept
/// [DONE]                     ─► the open item done (text, part, item), then response.completed, or response.incomplete
///                               (finish_reason length or content_filter), with the whole response object
/// {"error": ...}             ─► the open item closed as incomplete, response.failed (never response.completed)
/// </code>
/// The done events and the final response repeat the whole text, as the API defines them: it is gathered, as raw JSON
/// bytes, in pooled buffers while the deltas are passed on. PERF: nothing is allocated per delta; per item, nothing
/// either (the item's id is written into a buffer the stream keeps). Calls are assumed to stream one after the other,
/// as OpenAI and vLLM send them (the same assumption as the Anthropic translation).
/// </remarks>
internal sealed class ResponsesStreamTranslator(ResponseShell shell, TimeProvider time) : IDisposable
{
    private readonly PooledBufferWriter _output = new(4096);
    private readonly PooledBufferWriter _text = new(4096);
    private readonly PooledBufferWriter _parts = new(1024);
    private readonly PooledBufferWriter _call = new(256);
    private readonly PooledBufferWriter _final = new(4096);
    private readonly byte[] _itemId = new byte[4 + ResponseIds.Digits];
    private byte[] _model = [];
    private int _itemIdLength;
    private int _sequence;
    private bool _started;
    private int _items;
    private Item _open;
    private Part _part;
    private int _partCount;
    private int _callIndex = -1;
    private int _callIdLength;
    private ResponseUsage? _usage;
    private Finish _finish;

    /// <summary>How the stream ended so far.</summary>
    public enum Outcome
    {
        Open,
        Completed,
        Incomplete,
        Failed,
    }

    private enum Item
    {
        None,
        Message,
        Call,
    }

    private enum Part
    {
        None,
        Text,
        Refusal,
    }

    private enum Finish
    {
        Stop,
        Length,
        ContentFilter,
    }

    public Outcome State { get; private set; }

    /// <summary>The final response object (as sent in the last event), once <see cref="State"/> is not open.</summary>
    public ReadOnlySpan<byte> FinalResponse => _final.WrittenSpan;

    /// <summary>Translates one chat event's data (a chunk, <c>[DONE]</c> or an error) into Responses events.</summary>
    /// <exception cref="JsonException">The data is not a chunk.</exception>
    public void Translate(ReadOnlySpan<byte> data, PooledBufferWriter output)
    {
        if (State != Outcome.Open)
        {
            return;
        }

        if (data.SequenceEqual("[DONE]"u8))
        {
            Start(output, default);
            Complete(output);
            return;
        }

        var chunk = ChatChunk.Read(data);
        Start(output, chunk.Model);
        if (chunk.IsError)
        {
            Fail(output, chunk.ErrorMessage.IsEmpty ? "The upstream stream failed."u8 : chunk.ErrorMessage);
            return;
        }

        if (chunk.HasUsage)
        {
            _usage = new ResponseUsage(chunk.PromptTokens, chunk.CompletionTokens, chunk.Cached, chunk.CacheWrite, chunk.ReasoningTokens);
        }

        if (!chunk.Delta.IsEmpty)
        {
            var parts = new ChatDeltaReader(chunk.Delta);
            while (parts.Next(out var part))
            {
                if (part.Type == ChatDeltaReader.Kind.ToolCall)
                {
                    CallPiece(output, part);
                }
                else
                {
                    TextPiece(output, part.Type == ChatDeltaReader.Kind.Content ? Part.Text : Part.Refusal, part.Text);
                }
            }
        }

        if (!chunk.FinishReason.IsEmpty)
        {
            _finish = chunk.FinishReason.SequenceEqual("length"u8) ? Finish.Length
                : chunk.FinishReason.SequenceEqual("content_filter"u8) ? Finish.ContentFilter
                : Finish.Stop;
        }
    }

    /// <summary>Ends the stream with <c>response.failed</c> (a stream that could not be translated, or broke).</summary>
    public void Fail(PooledBufferWriter output, ReadOnlySpan<byte> escapedMessage)
    {
        if (State != Outcome.Open)
        {
            return;
        }

        Start(output, default);
        CloseItem(output, announce: false, "incomplete"u8);
        _final.Clear();
        shell.WriteStart(_final, "failed"u8, _model, null, default, escapedMessage);
        WriteOutput(_final);
        ResponseShell.WriteEnd(_final, _usage);
        Lifecycle(output, "response.failed"u8, _final.WrittenSpan);
        State = Outcome.Failed;
    }

    public void Dispose()
    {
        _output.Dispose();
        _text.Dispose();
        _parts.Dispose();
        _call.Dispose();
        _final.Dispose();
    }

    private void Start(PooledBufferWriter output, ReadOnlySpan<byte> model)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        _model = model.ToArray();
        _final.Clear();
        shell.WriteStart(_final, "in_progress"u8, _model, null);
        _final.Write("[]"u8);
        ResponseShell.WriteEnd(_final, null);
        Lifecycle(output, "response.created"u8, _final.WrittenSpan);
        Lifecycle(output, "response.in_progress"u8, _final.WrittenSpan);
        _final.Clear();
    }

    private void Complete(PooledBufferWriter output)
    {
        var incomplete = _finish != Finish.Stop;
        CloseItem(output, announce: true, incomplete ? "incomplete"u8 : "completed"u8);
        _final.Clear();
        shell.WriteStart(_final, incomplete ? "incomplete"u8 : "completed"u8, _model, incomplete ? null : time.GetUtcNow().ToUnixTimeSeconds(),
            _finish switch { Finish.Length => "max_output_tokens"u8, Finish.ContentFilter => "content_filter"u8, _ => default });
        WriteOutput(_final);
        ResponseShell.WriteEnd(_final, _usage);
        Lifecycle(output, incomplete ? "response.incomplete"u8 : "response.completed"u8, _final.WrittenSpan);
        State = incomplete ? Outcome.Incomplete : Outcome.Completed;
    }

    private void WriteOutput(PooledBufferWriter target)
    {
        target.Write("["u8);
        target.Write(_output.WrittenSpan);
        target.Write("]"u8);
    }

    private void TextPiece(PooledBufferWriter output, Part kind, ReadOnlySpan<byte> text)
    {
        if (_open != Item.Message)
        {
            CloseItem(output, announce: true, "completed"u8);
            OpenItem(output, Item.Message, "msg_"u8);
            output.Write("\",\"type\":\"message\",\"status\":\"in_progress\",\"content\":[],\"role\":\"assistant\"}}\n\n"u8);
        }

        if (_part != kind)
        {
            ClosePart(output);
            _part = kind;
            Begin(output, "response.content_part.added"u8);
            PartReference(output);
            output.Write(",\"part\":"u8);
            WritePart(output, kind, default);
            output.Write("}\n\n"u8);
        }

        Begin(output, kind == Part.Text ? "response.output_text.delta"u8 : "response.refusal.delta"u8);
        PartReference(output);
        output.Write(",\"delta\":\""u8);
        output.Write(text);
        output.Write(kind == Part.Text ? "\",\"logprobs\":[]}\n\n"u8 : "\"}\n\n"u8);
        _text.Write(text);
    }

    private void CallPiece(PooledBufferWriter output, in ChatDeltaReader.Part piece)
    {
        if (_open != Item.Call || piece.Index != _callIndex)
        {
            CloseItem(output, announce: true, "completed"u8);
            _callIndex = piece.Index;
            _call.Clear();
            if (piece.Id.IsEmpty)
            {
                _call.Advance(ResponseIds.Write("call_"u8, _call.GetSpan(5 + ResponseIds.Digits)));
            }
            else
            {
                _call.Write(piece.Id);
            }

            _callIdLength = _call.Length;
            _call.Write(piece.Name);
            OpenItem(output, Item.Call, "fc_"u8);
            output.Write("\",\"type\":\"function_call\",\"status\":\"in_progress\",\"arguments\":\"\""u8);
            WriteCallNames(output);
            output.Write("}}\n\n"u8);
        }

        if (!piece.Arguments.IsEmpty)
        {
            Begin(output, "response.function_call_arguments.delta"u8);
            ItemReference(output);
            output.Write(",\"delta\":\""u8);
            output.Write(piece.Arguments);
            output.Write("\"}\n\n"u8);
            _text.Write(piece.Arguments);
        }
    }

    /// <summary>Starts an item: a new id, and <c>response.output_item.added</c> up to the item's id (the caller writes the rest).</summary>
    private void OpenItem(PooledBufferWriter output, Item kind, ReadOnlySpan<byte> prefix)
    {
        _open = kind;
        _itemIdLength = ResponseIds.Write(prefix, _itemId);
        Begin(output, "response.output_item.added"u8);
        output.Write(",\"output_index\":"u8);
        ResponseShell.WriteNumber(output, _items);
        output.Write(",\"item\":{\"id\":\""u8);
        output.Write(_itemId.AsSpan(0, _itemIdLength));
    }

    private void WriteCallNames(PooledBufferWriter output)
    {
        output.Write(",\"call_id\":\""u8);
        output.Write(_call.WrittenSpan[.._callIdLength]);
        output.Write("\",\"name\":\""u8);
        output.Write(_call.WrittenSpan[_callIdLength..]);
        output.Write("\""u8);
    }

    /// <summary>Ends the open part: its done events, and the part kept for the item.</summary>
    private void ClosePart(PooledBufferWriter output)
    {
        if (_part == Part.None)
        {
            return;
        }

        Begin(output, _part == Part.Text ? "response.output_text.done"u8 : "response.refusal.done"u8);
        PartReference(output);
        output.Write(_part == Part.Text ? ",\"text\":\""u8 : ",\"refusal\":\""u8);
        output.Write(_text.WrittenSpan);
        output.Write(_part == Part.Text ? "\",\"logprobs\":[]}\n\n"u8 : "\"}\n\n"u8);
        Begin(output, "response.content_part.done"u8);
        PartReference(output);
        output.Write(",\"part\":"u8);
        WritePart(output, _part, _text.WrittenSpan);
        output.Write("}\n\n"u8);
        if (_partCount > 0)
        {
            _parts.Write(","u8);
        }

        WritePart(_parts, _part, _text.WrittenSpan);
        _partCount++;
        _part = Part.None;
        _text.Clear();
    }

    /// <summary>
    /// Ends the open item: its done events when <paramref name="announce"/> (a failed stream only keeps it), and the item
    /// kept for the final response's output.
    /// </summary>
    private void CloseItem(PooledBufferWriter output, bool announce, ReadOnlySpan<byte> status)
    {
        if (_open == Item.None)
        {
            return;
        }

        if (_open == Item.Message)
        {
            if (announce)
            {
                ClosePart(output);
            }
            else if (_part != Part.None)
            {
                // Keep the part written so far.
                if (_partCount > 0)
                {
                    _parts.Write(","u8);
                }

                WritePart(_parts, _part, _text.WrittenSpan);
                _part = Part.None;
            }
        }
        else if (announce)
        {
            Begin(output, "response.function_call_arguments.done"u8);
            ItemReference(output);
            output.Write(",\"name\":\""u8);
            output.Write(_call.WrittenSpan[_callIdLength..]);
            output.Write("\",\"arguments\":\""u8);
            output.Write(_text.WrittenSpan);
            output.Write("\"}\n\n"u8);
        }

        if (_items > 0)
        {
            _output.Write(","u8);
        }

        var start = _output.Length;
        _output.Write("{\"id\":\""u8);
        _output.Write(_itemId.AsSpan(0, _itemIdLength));
        if (_open == Item.Message)
        {
            _output.Write("\",\"type\":\"message\",\"status\":\""u8);
            _output.Write(status);
            _output.Write("\",\"content\":["u8);
            _output.Write(_parts.WrittenSpan);
            _output.Write("],\"role\":\"assistant\"}"u8);
        }
        else
        {
            _output.Write("\",\"type\":\"function_call\",\"status\":\""u8);
            _output.Write(status);
            _output.Write("\",\"arguments\":\""u8);
            _output.Write(_text.WrittenSpan);
            _output.Write("\""u8);
            WriteCallNames(_output);
            _output.Write("}"u8);
        }

        if (announce)
        {
            Begin(output, "response.output_item.done"u8);
            output.Write(",\"output_index\":"u8);
            ResponseShell.WriteNumber(output, _items);
            output.Write(",\"item\":"u8);
            output.Write(_output.WrittenSpan[start..]);
            output.Write("}\n\n"u8);
        }

        _items++;
        _open = Item.None;
        _parts.Clear();
        _partCount = 0;
        _text.Clear();
        _callIndex = -1;
    }

    private static void WritePart(PooledBufferWriter output, Part kind, ReadOnlySpan<byte> text)
    {
        output.Write(kind == Part.Text ? "{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":\""u8 : "{\"type\":\"refusal\",\"refusal\":\""u8);
        output.Write(text);
        output.Write("\"}"u8);
    }

    /// <summary>A lifecycle event: its type, sequence number and the response object.</summary>
    private void Lifecycle(PooledBufferWriter output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> response)
    {
        Begin(output, type);
        output.Write(",\"response\":"u8);
        output.Write(response);
        output.Write("}\n\n"u8);
    }

    /// <summary>Writes <c>event: TYPE</c> and the data up to its sequence number; the caller adds the rest and <c>}\n\n</c>.</summary>
    private void Begin(PooledBufferWriter output, ReadOnlySpan<byte> type)
    {
        output.Write("event: "u8);
        output.Write(type);
        output.Write("\ndata: {\"type\":\""u8);
        output.Write(type);
        output.Write("\",\"sequence_number\":"u8);
        ResponseShell.WriteNumber(output, _sequence++);
    }

    private void ItemReference(PooledBufferWriter output)
    {
        output.Write(",\"item_id\":\""u8);
        output.Write(_itemId.AsSpan(0, _itemIdLength));
        output.Write("\",\"output_index\":"u8);
        ResponseShell.WriteNumber(output, _items);
    }

    private void PartReference(PooledBufferWriter output)
    {
        ItemReference(output);
        output.Write(",\"content_index\":"u8);
        ResponseShell.WriteNumber(output, _partCount);
    }
}
