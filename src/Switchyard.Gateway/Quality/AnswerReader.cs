using System.Text.Json;

namespace Switchyard.Gateway.Quality;

/// <summary>
/// Reads what the quality gate needs from an OpenAI answer, in one <see cref="Utf8JsonReader"/> pass: a whole chat or
/// text completion, or one chunk of a stream. Only choice 0 is read (with <c>n</c> above 1, the others are not gated).
/// </summary>
internal static partial class AnswerReader
{
    private const int MaxChars = 1024;

    /// <summary>Adds a whole answer (<c>chat.completion</c> or <c>text_completion</c>) to <paramref name="answer"/>.</summary>
    public static void ReadCompletion(ReadOnlySpan<byte> json, AnswerCollector answer) => Read(json, answer);

    /// <summary>Adds one stream chunk's delta (the <c>data:</c> payload) to <paramref name="answer"/>.</summary>
    public static void ReadChunk(ReadOnlySpan<byte> json, AnswerCollector answer) => Read(json, answer);

    private static void Read(ReadOnlySpan<byte> json, AnswerCollector answer)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        // Where the reader's span starts in json: the logprob scan hands the reader on past what it read (see Scan).
        var offset = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isChoices = reader.ValueTextEquals("choices"u8);
                reader.Read();
                if (isChoices && reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        ReadChoice(json, ref offset, ref reader, answer);
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // The relay validates answers before the gate sees them; a shape it let through is read as far as it goes.
        }
    }

    /// <summary>One choice, the reader on its StartObject; leaves the reader on its EndObject.</summary>
    private static void ReadChoice(ReadOnlySpan<byte> json, ref int offset, ref Utf8JsonReader reader, AnswerCollector answer)
    {
        var mark = answer.Length;
        var index = 0;
        var indexSeen = false;
        string? finish = null;
        var toolCalls = false;
        var refused = false;
        // Logprobs read before the choice's index are held until it is known (servers send the index first).
        List<double>? pending = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var i) ? i : 0;
                indexSeen = true;
            }
            else if (reader.ValueTextEquals("message"u8) || reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadMessage(ref reader, answer, ref toolCalls, ref refused);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("text"u8))
            {
                // A text completion (/v1/completions).
                reader.Read();
                AppendString(ref reader, answer);
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                reader.Read();
                finish = reader.TokenType == JsonTokenType.String ? FinishReasons.Intern(ref reader) : finish;
            }
            else if (reader.ValueTextEquals("logprobs"u8))
            {
                reader.Read();
                if (indexSeen && index != 0)
                {
                    reader.Skip();
                }
                else
                {
                    ReadLogprobs(json, ref offset, ref reader, indexSeen ? null : (pending ??= []), answer);
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (index != 0)
        {
            answer.Truncate(mark);
            return;
        }

        answer.FinishReason = finish ?? answer.FinishReason;
        answer.HasToolCalls |= toolCalls;
        answer.Refused |= refused;
        foreach (var logprob in pending ?? [])
        {
            answer.AddLogprob(logprob);
        }
    }

    private static void ReadMessage(ref Utf8JsonReader reader, AnswerCollector answer, ref bool toolCalls, ref bool refused)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    // Content parts (some servers answer with [{ "type": "text", "text": ... }]).
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var isText = reader.ValueTextEquals("text"u8);
                            reader.Read();
                            if (isText)
                            {
                                AppendString(ref reader, answer);
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }
                    }
                }
                else
                {
                    AppendString(ref reader, answer);
                }
            }
            else if (reader.ValueTextEquals("refusal"u8))
            {
                reader.Read();
                refused |= reader.TokenType == JsonTokenType.String && (reader.HasValueSequence || reader.ValueSpan.Length > 0);
            }
            else if (reader.ValueTextEquals("tool_calls"u8) || reader.ValueTextEquals("function_call"u8))
            {
                reader.Read();
                toolCalls |= reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>Chat logprobs (<c>{"content":[{"logprob":..}]}</c>) or text-completion ones (<c>{"token_logprobs":[..]}</c>).</summary>
    private static void ReadLogprobs(ReadOnlySpan<byte> json, ref int offset, ref Utf8JsonReader reader, List<double>? pending, AnswerCollector answer)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                if (TryScanContent(json, ref offset, ref reader, pending, answer))
                {
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isLogprob = reader.ValueTextEquals("logprob"u8);
                        reader.Read();
                        if (isLogprob && reader.TokenType == JsonTokenType.Number)
                        {
                            Add(reader.GetDouble(), pending, answer);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
            }
            else if (reader.ValueTextEquals("token_logprobs"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.Number)
                    {
                        Add(reader.GetDouble(), pending, answer);
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void Add(double logprob, List<double>? pending, AnswerCollector answer)
    {
        if (pending is null)
        {
            answer.AddLogprob(logprob);
        }
        else
        {
            pending.Add(logprob);
        }
    }

    /// <summary>Appends a JSON string's text (unescaped) in bounded pieces; null and other types add nothing.</summary>
    private static void AppendString(ref Utf8JsonReader reader, AnswerCollector answer)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return;
        }

        var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length <= MaxChars)
        {
            Span<char> buffer = stackalloc char[MaxChars];
            var written = reader.CopyString(buffer);
            answer.Append(buffer[..written]);
            return;
        }

        // A long answer: one decode into a rented buffer (unescaped text is never longer than its UTF-8 bytes).
        var rented = System.Buffers.ArrayPool<char>.Shared.Rent(length);
        try
        {
            var written = reader.CopyString(rented);
            answer.Append(rented.AsSpan(0, written));
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(rented);
        }
    }
}
