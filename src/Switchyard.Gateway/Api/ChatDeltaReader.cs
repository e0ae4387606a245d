using System.Text.Json;

namespace Switchyard.Gateway.Api;

/// <summary>
/// Walks the <c>delta</c> of a chat completion chunk (<see cref="ChatChunk.Delta"/>) part by part, in the order it
/// holds them: content text, refusal text, and each element of <c>tool_calls</c>. Values are raw (escaped) spans into the
/// delta; nothing is allocated.
/// </summary>
/// <remarks>
/// Reasoning text that some OpenAI-compatible servers add (<c>reasoning_content</c>) is not a part: neither translation
/// can carry it (README).
/// </remarks>
internal ref struct ChatDeltaReader
{
    private readonly ReadOnlySpan<byte> _delta;
    private Utf8JsonReader _reader;
    private bool _inCalls;

    public ChatDeltaReader(ReadOnlySpan<byte> delta)
    {
        _delta = delta;
        _reader = new Utf8JsonReader(delta);
        if (!_reader.Read() || _reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A chunk's delta is not a JSON object.");
        }
    }

    /// <summary>What one part is.</summary>
    public enum Kind
    {
        Content,
        Refusal,
        ToolCall,
    }

    /// <summary>Moves to the next part; false at the end of the delta.</summary>
    public bool Next(out Part part)
    {
        part = default;
        while (true)
        {
            if (_inCalls)
            {
                if (_reader.Read() && _reader.TokenType == JsonTokenType.StartObject)
                {
                    part = ToolCall();
                    return true;
                }

                _inCalls = false;
                continue;
            }

            if (!_reader.Read() || _reader.TokenType != JsonTokenType.PropertyName)
            {
                return false;
            }

            if (_reader.ValueTextEquals("content"u8) || _reader.ValueTextEquals("refusal"u8))
            {
                var kind = _reader.ValueTextEquals("content"u8) ? Kind.Content : Kind.Refusal;
                var text = ChatChunk.StringValue(ref _reader, _delta);
                if (!text.IsEmpty)
                {
                    part = new Part { Type = kind, Text = text };
                    return true;
                }
            }
            else if (_reader.ValueTextEquals("tool_calls"u8))
            {
                _reader.Read();
                if (_reader.TokenType == JsonTokenType.StartArray)
                {
                    _inCalls = true;
                }
                else
                {
                    _reader.Skip();
                }
            }
            else
            {
                _reader.Read();
                _reader.Skip();
            }
        }
    }

    /// <summary>One element of <c>tool_calls</c>; the reader is on its <c>{</c> and ends on its <c>}</c>.</summary>
    private Part ToolCall()
    {
        var part = new Part { Type = Kind.ToolCall, Index = -1 };
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            if (_reader.ValueTextEquals("index"u8))
            {
                _reader.Read();
                part.Index = _reader.TokenType == JsonTokenType.Number && _reader.TryGetInt32(out var i) ? i : -1;
            }
            else if (_reader.ValueTextEquals("id"u8))
            {
                part.Id = ChatChunk.StringValue(ref _reader, _delta);
            }
            else if (_reader.ValueTextEquals("function"u8))
            {
                _reader.Read();
                if (_reader.TokenType != JsonTokenType.StartObject)
                {
                    _reader.Skip();
                    continue;
                }

                while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (_reader.ValueTextEquals("name"u8))
                    {
                        part.Name = ChatChunk.StringValue(ref _reader, _delta);
                    }
                    else if (_reader.ValueTextEquals("arguments"u8))
                    {
                        part.Arguments = ChatChunk.StringValue(ref _reader, _delta);
                    }
                    else
                    {
                        _reader.Read();
                        _reader.Skip();
                    }
                }
            }
            else
            {
                _reader.Read();
                _reader.Skip();
            }
        }

        return part;
    }

    /// <summary>One part of a delta: text (content or refusal), or a piece of a tool call.</summary>
    public ref struct Part
    {
        public Kind Type;

        /// <summary>The text of a content or refusal part.</summary>
        public ReadOnlySpan<byte> Text;

        /// <summary>The tool call's index in the answer (-1 when the server sent none).</summary>
        public int Index;

        /// <summary>The tool call's id: in its first piece only.</summary>
        public ReadOnlySpan<byte> Id;

        /// <summary>The function's name: in its first piece only.</summary>
        public ReadOnlySpan<byte> Name;

        /// <summary>A piece of the arguments (JSON text, streamed in pieces).</summary>
        public ReadOnlySpan<byte> Arguments;
    }
}
