using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Simulator.Generation;
using Switchyard.Simulator.Internal;

namespace Switchyard.Simulator.Protocol;

/// <summary>
/// Reads a chat or legacy completion request with <see cref="Utf8JsonReader"/>, taking only the fields the simulator acts on
/// and skipping the rest. The message texts are hashed and measured as they are read, never kept.
/// </summary>
/// <remarks>
/// Errors come back as <see cref="RequestError"/> values worded as OpenAI words them (type, param and code included), so a
/// client's error handling sees what it would see from the real API.
/// </remarks>
internal static class GenerationRequestParser
{
    /// <summary>Per-message overhead in tokens (role and separators), as OpenAI's cookbook counts it.</summary>
    public const int TokensPerMessage = 4;

    /// <summary>Tokens that prime the assistant's reply.</summary>
    public const int ReplyPrimingTokens = 3;

    private const int MaxStopSequences = 4;
    private const ulong NoSeed = 0x5EED_0000_0000_0001UL;

    /// <summary>
    /// Parses a chat or legacy completion request; <paramref name="model"/>, when the URL names it (Azure's deployment
    /// URLs), is the model whatever the body says, and the body needs none.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> body, EndpointKind endpoint, out GenerationRequest request, out RequestError error, string? model = null)
    {
        request = new GenerationRequest { Endpoint = endpoint, Model = model };
        return RequestParsing.TryParse(body, request, Parse, out error);
    }

    /// <summary>A JSON token type as OpenAI names it in "expected X, but got Y instead".</summary>
    public static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.Null => "null",
        _ => "an invalid value",
    };

    private static RequestError? Parse(ReadOnlySpan<byte> body, GenerationRequest request)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return RequestError.InvalidJson("the body is not a JSON object");
        }

        var chat = request.Endpoint == EndpointKind.ChatCompletions;
        var sawInput = false;
        var prompts = new PromptInfo[1];
        var promptCount = 0;
        var toolTokens = 0;
        RequestError? error = null;
        while (error is null && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    request.Model = reader.GetString();
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    error = RequestError.InvalidType("model", "a string", Describe(reader.TokenType));
                }
            }
            else if (chat && reader.ValueTextEquals("messages"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    sawInput = true;
                    promptCount = 1;
                    error = ReadMessages(ref reader, body, request, out prompts[0]);
                }
            }
            else if (!chat && reader.ValueTextEquals("prompt"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    sawInput = true;
                    error = ReadPrompts(ref reader, ref prompts, out promptCount);
                }
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                error = ReadBool(ref reader, "stream", out var stream);
                request.Stream = stream ?? false;
            }
            else if (reader.ValueTextEquals("stream_options"u8))
            {
                error = ReadStreamOptions(ref reader, request);
            }
            else if (reader.ValueTextEquals("n"u8))
            {
                error = ReadInt(ref reader, "n", 1, 128, out var n);
                request.N = n ?? 1;
            }
            else if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8))
            {
                var name = reader.ValueTextEquals("max_tokens"u8) ? "max_tokens" : "max_completion_tokens";
                error = ReadInt(ref reader, name, 1, int.MaxValue, out var max);
                request.MaxTokens = max ?? request.MaxTokens;
            }
            else if (reader.ValueTextEquals("stop"u8))
            {
                error = ReadStop(ref reader, request);
            }
            else if (reader.ValueTextEquals("seed"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seed))
                {
                    request.Seed = seed;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    error = RequestError.InvalidType("seed", "an integer", Describe(reader.TokenType));
                }
            }
            else if (reader.ValueTextEquals("temperature"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number)
                {
                    var temperature = reader.GetDouble();
                    if (temperature is < 0 or > 2)
                    {
                        error = RequestError.BadRequest($"Invalid 'temperature': decimal out of range. Expected a value between 0 and 2, but got {temperature} instead.", "temperature", "decimal_out_of_range");
                    }

                    request.Temperature = temperature;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    error = RequestError.InvalidType("temperature", "a decimal", Describe(reader.TokenType));
                }
            }
            else if (reader.ValueTextEquals("logprobs"u8))
            {
                if (chat)
                {
                    error = ReadBool(ref reader, "logprobs", out var logprobs);
                    request.Logprobs = logprobs ?? false;
                }
                else
                {
                    error = ReadInt(ref reader, "logprobs", 0, 5, out var legacy);
                    request.Logprobs = legacy is not null;
                    request.TopLogprobs = legacy ?? 0;
                }
            }
            else if (chat && reader.ValueTextEquals("top_logprobs"u8))
            {
                error = ReadInt(ref reader, "top_logprobs", 0, 20, out var top);
                request.TopLogprobs = top ?? 0;
            }
            else if (chat && reader.ValueTextEquals("tools"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                var tools = JsonElement.ParseValue(ref reader);
                toolTokens = ((int)reader.BytesConsumed - start + 3) / 4;
                error = ReadTools(tools, request);
            }
            else if (chat && reader.ValueTextEquals("tool_choice"u8))
            {
                reader.Read();
                error = ReadToolChoice(JsonElement.ParseValue(ref reader), request);
            }
            else if (chat && reader.ValueTextEquals("parallel_tool_calls"u8))
            {
                error = ReadBool(ref reader, "parallel_tool_calls", out var parallel);
                request.ParallelToolCalls = parallel ?? true;
            }
            else if (chat && reader.ValueTextEquals("response_format"u8))
            {
                reader.Read();
                error = ReadResponseFormat(JsonElement.ParseValue(ref reader), request);
            }
            else
            {
                reader.Skip();
            }
        }

        if (error is not null)
        {
            return error;
        }

        // Anything after the closing brace makes the body invalid JSON; reading on throws for it.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return RequestError.InvalidJson("unexpected data after the JSON object");
        }

        return Validate(request, sawInput, prompts, promptCount, toolTokens);
    }

    private static RequestError? Validate(GenerationRequest request, bool sawInput, PromptInfo[] prompts, int promptCount, int toolTokens)
    {
        var chat = request.Endpoint == EndpointKind.ChatCompletions;
        if (string.IsNullOrEmpty(request.Model))
        {
            // COMPAT: OpenAI's wording for a missing model, lower case included.
            return RequestError.BadRequest("you must provide a model parameter");
        }

        if (chat && !sawInput)
        {
            return RequestError.MissingParameter("messages");
        }

        if (request.HasStreamOptions && !request.Stream)
        {
            return RequestError.InvalidValue("stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
        }

        if (chat && request.TopLogprobs > 0 && !request.Logprobs)
        {
            return RequestError.InvalidValue("top_logprobs", "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.");
        }

        if (request.HasToolChoice && request.Tools is not { Length: > 0 } && request.ToolChoice != ToolChoiceMode.None)
        {
            return RequestError.InvalidValue("tool_choice", "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.");
        }

        if (request.ToolChoice == ToolChoiceMode.Function && Array.FindIndex(request.Tools!, t => t.Name == request.ToolChoiceName) < 0)
        {
            return RequestError.InvalidValue("tool_choice", $"Tool choice 'function' name '{request.ToolChoiceName}' not found in 'tools' parameter.");
        }

        if (!chat && promptCount == 0)
        {
            // COMPAT: OpenAI treats a missing prompt as "<|endoftext|>", one token.
            promptCount = 1;
            prompts[0] = new PromptInfo(StableHash.Hash("<|endoftext|>"u8), 1, PromptKind.General);
        }

        var seed = request.Seed is { } s ? StableHash.Mix((ulong)s) : NoSeed;
        var isJson = request.ResponseFormat != ResponseFormatKind.Text;
        if (prompts.Length != promptCount)
        {
            Array.Resize(ref prompts, promptCount);
        }

        var total = toolTokens;
        for (var i = 0; i < promptCount; i++)
        {
            var prompt = prompts[i];
            prompts[i] = prompt with { Hash = StableHash.Combine(prompt.Hash, seed), Kind = isJson ? PromptKind.Json : prompt.Kind };
            total += prompt.Tokens;
        }

        request.Prompts = prompts;
        request.PromptTokens = total;
        return null;
    }

    private static RequestError? ReadMessages(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, GenerationRequest request, out PromptInfo prompt)
    {
        prompt = default;
        var hash = 0x6D65_7373_6167_6573UL;
        var tokens = ReplyPrimingTokens;
        var kind = PromptKind.General;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return RequestError.InvalidType("messages", "an array", Describe(reader.TokenType));
        }

        Span<int> scores = stackalloc int[PromptClassifier.ScoreSlots];
        var prefixes = new List<(ulong Hash, int Tokens)>(4);
        var index = 0;
        var lastUserContent = -1;
        var lastUserMarked = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return RequestError.InvalidType($"messages[{index}]", "an object", Describe(reader.TokenType));
            }

            var role = MessageRole.None;
            var messageHash = 0UL;
            var contentBytes = 0;
            var contentStart = -1;
            var marked = false;
            scores.Clear();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("role"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return RequestError.InvalidType($"messages[{index}].role", "a string", Describe(reader.TokenType));
                    }

                    role = ParseRole(ref reader);
                    if (role == MessageRole.None)
                    {
                        return RequestError.InvalidValue(
                            $"messages[{index}].role",
                            $"Invalid value: '{reader.GetString()}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.");
                    }
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    contentStart = (int)reader.TokenStartIndex;
                    // PERF: only user messages are classified; a role written before the content lets the others skip it.
                    var contentError = ReadContent(ref reader, body, index, ref messageHash, ref contentBytes, role is MessageRole.None or MessageRole.User ? scores : [], ref marked);
                    if (contentError is not null)
                    {
                        return contentError;
                    }
                }
                else if (reader.ValueTextEquals("name"u8) || reader.ValueTextEquals("tool_call_id"u8)
                    || reader.ValueTextEquals("tool_calls"u8) || reader.ValueTextEquals("function_call"u8))
                {
                    reader.Read();
                    contentBytes += HashRaw(ref reader, body, ref messageHash);
                }
                else
                {
                    reader.Skip();
                }
            }

            if (role == MessageRole.None)
            {
                return RequestError.MissingParameter($"messages[{index}].role");
            }

            hash = StableHash.Combine(StableHash.Combine(hash, (ulong)role), messageHash);
            tokens += TokensPerMessage + ((contentBytes + 3) / 4);
            prefixes.Add((hash, tokens));
            if (role == MessageRole.User)
            {
                kind = PromptClassifier.Pick(scores);
                lastUserContent = contentStart;
                lastUserMarked = marked;
            }

            request.LastMessageIsToolResult = role is MessageRole.Tool or MessageRole.Function;
            index++;
        }

        if (index == 0)
        {
            return RequestError.BadRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array");
        }

        var trueAnswer = 0;
        if (lastUserContent >= 0 && (kind == PromptKind.Math || lastUserMarked))
        {
            // Only a math question or a judge request needs the last user message's text whole: it is read a second time.
            using var text = new PooledByteBuffer();
            CopyText(body[lastUserContent..], text);
            if (kind == PromptKind.Math)
            {
                trueAnswer = FinalAnswer.TrueAnswer(text.WrittenSpan);
            }

            if (lastUserMarked)
            {
                request.Judge = JudgePrompt.Parse(text.WrittenSpan);
            }
        }

        prompt = new PromptInfo(hash, tokens, kind, trueAnswer);
        request.Prefixes = [.. prefixes];
        return null;
    }

    /// <summary>
    /// Copies the text of a message's <c>content</c> (the JSON value <paramref name="json"/> starts with, already validated),
    /// unescaped, text parts joined with '\n' as the gateway joins them.
    /// </summary>
    private static void CopyText(ReadOnlySpan<byte> json, PooledByteBuffer destination)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            CopyString(ref reader, destination);
            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isText = reader.ValueTextEquals("text"u8);
                reader.Read();
                if (isText && reader.TokenType == JsonTokenType.String)
                {
                    if (destination.Length > 0)
                    {
                        destination.Write((byte)'\n');
                    }

                    CopyString(ref reader, destination);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
    }

    private static void CopyString(ref Utf8JsonReader reader, PooledByteBuffer destination)
    {
        if (!reader.ValueIsEscaped)
        {
            destination.Write(reader.ValueSpan);
            return;
        }

        var written = reader.CopyString(destination.GetSpan(reader.ValueSpan.Length));
        destination.Advance(written);
    }

    private static RequestError? ReadContent(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, int index, ref ulong hash, ref int bytes, scoped Span<int> scores, ref bool judgeMarker)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                AddText(ref reader, ref hash, ref bytes, scores, ref judgeMarker);
                return null;
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return RequestError.InvalidType($"messages[{index}].content", "an array of content parts", Describe(reader.TokenType));
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("text"u8))
                        {
                            reader.Read();
                            if (reader.TokenType == JsonTokenType.String)
                            {
                                AddText(ref reader, ref hash, ref bytes, scores, ref judgeMarker);
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }
                        else if (reader.ValueTextEquals("type"u8))
                        {
                            reader.Skip();
                        }
                        else
                        {
                            // An image or audio part: its reference goes into the hash; a fixed cost into the tokens,
                            // as OpenAI charges a low-detail image 85 tokens.
                            reader.Read();
                            HashRaw(ref reader, body, ref hash);
                            bytes += 85 * 4;
                        }
                    }
                }

                return null;
            default:
                return RequestError.InvalidType($"messages[{index}].content", "a string or an array", Describe(reader.TokenType));
        }
    }

    private static RequestError? ReadPrompts(ref Utf8JsonReader reader, ref PromptInfo[] prompts, out int count)
    {
        count = 0;
        if (reader.TokenType == JsonTokenType.String)
        {
            AddPrompt(ref reader, ref prompts, ref count);
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return RequestError.InvalidType("prompt", "a string or an array", Describe(reader.TokenType));
        }

        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.EndArray:
                return RequestError.BadRequest("Invalid 'prompt': empty array. Expected an array with minimum length 1, but got an empty array instead.", "prompt", "empty_array");
            case JsonTokenType.Number:
                // One prompt given as token ids.
                return ReadTokenPrompt(ref reader, ref prompts, ref count);
            case JsonTokenType.String:
                do
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return RequestError.InvalidType($"prompt[{count}]", "a string", Describe(reader.TokenType));
                    }

                    AddPrompt(ref reader, ref prompts, ref count);
                }
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray);
                return null;
            case JsonTokenType.StartArray:
                do
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        return RequestError.InvalidType($"prompt[{count}]", "an array of integers", Describe(reader.TokenType));
                    }

                    reader.Read();
                    var error = ReadTokenPrompt(ref reader, ref prompts, ref count);
                    if (error is not null)
                    {
                        return error;
                    }
                }
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray);
                return null;
            default:
                return RequestError.InvalidType("prompt[0]", "a string, an integer or an array", Describe(reader.TokenType));
        }
    }

    private static void AddPrompt(ref Utf8JsonReader reader, ref PromptInfo[] prompts, ref int count)
    {
        Grow(ref prompts, count);
        var hash = 0x7072_6F6D_7074UL;
        var bytes = 0;
        var judgeMarker = false;
        Span<int> scores = stackalloc int[PromptClassifier.ScoreSlots];
        AddText(ref reader, ref hash, ref bytes, scores, ref judgeMarker);
        var kind = PromptClassifier.Pick(scores);
        var trueAnswer = 0;
        if (kind == PromptKind.Math)
        {
            using var text = new PooledByteBuffer(reader.ValueSpan.Length);
            CopyString(ref reader, text);
            trueAnswer = FinalAnswer.TrueAnswer(text.WrittenSpan);
        }

        prompts[count] = new PromptInfo(hash, Math.Max(1, (bytes + 3) / 4), kind, trueAnswer);
        count++;
    }

    private static RequestError? ReadTokenPrompt(ref Utf8JsonReader reader, ref PromptInfo[] prompts, ref int count)
    {
        Grow(ref prompts, count);
        var hash = 0x746F_6B65_6E73UL;
        var length = 0;
        while (reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var token))
            {
                return RequestError.InvalidType($"prompt[{count}]", "an array of integers", Describe(reader.TokenType));
            }

            hash = StableHash.Combine(hash, (ulong)token);
            length++;
            reader.Read();
        }

        prompts[count] = new PromptInfo(hash, Math.Max(1, length), PromptKind.General);
        count++;
        return null;
    }

    private static void Grow(ref PromptInfo[] prompts, int count)
    {
        if (count >= prompts.Length)
        {
            Array.Resize(ref prompts, prompts.Length * 2);
        }
    }

    /// <summary>
    /// Hashes, measures and scores a string value, unescaped so that two encodings of one text hash alike. A scored text (a
    /// user message or a prompt) that holds <see cref="JudgePrompt.Marker"/> sets <paramref name="judgeMarker"/>.
    /// </summary>
    private static void AddText(ref Utf8JsonReader reader, ref ulong hash, ref int bytes, scoped Span<int> scores, ref bool judgeMarker)
    {
        if (!reader.ValueIsEscaped)
        {
            AddText(reader.ValueSpan, ref hash, ref bytes, scores, ref judgeMarker);
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            var written = reader.CopyString(rented);
            AddText(rented.AsSpan(0, written), ref hash, ref bytes, scores, ref judgeMarker);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void AddText(ReadOnlySpan<byte> text, ref ulong hash, ref int bytes, scoped Span<int> scores, ref bool judgeMarker)
    {
        hash = StableHash.Hash(text, hash);
        bytes += text.Length;
        PromptClassifier.Score(text, scores);
        judgeMarker = judgeMarker || (!scores.IsEmpty && text.IndexOf(JudgePrompt.Marker) >= 0);
    }

    /// <summary>Hashes a value's raw JSON (the reader is on its first token) and returns its length in bytes.</summary>
    private static int HashRaw(ref Utf8JsonReader reader, ReadOnlySpan<byte> body, ref ulong hash)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        var end = (int)reader.BytesConsumed;
        hash = StableHash.Hash(body[start..end], hash);
        return end - start;
    }

    private static MessageRole ParseRole(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("user"u8))
        {
            return MessageRole.User;
        }

        if (reader.ValueTextEquals("assistant"u8))
        {
            return MessageRole.Assistant;
        }

        if (reader.ValueTextEquals("system"u8))
        {
            return MessageRole.System;
        }

        if (reader.ValueTextEquals("developer"u8))
        {
            return MessageRole.Developer;
        }

        if (reader.ValueTextEquals("tool"u8))
        {
            return MessageRole.Tool;
        }

        return reader.ValueTextEquals("function"u8) ? MessageRole.Function : MessageRole.None;
    }

    private static RequestError? ReadBool(ref Utf8JsonReader reader, string name, out bool? value)
    {
        reader.Read();
        value = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                value = true;
                return null;
            case JsonTokenType.False:
                value = false;
                return null;
            case JsonTokenType.Null:
                return null;
            default:
                return RequestError.InvalidType(name, "a boolean", Describe(reader.TokenType));
        }
    }

    private static RequestError? ReadInt(ref Utf8JsonReader reader, string name, int minimum, int maximum, out int? value)
    {
        reader.Read();
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            return RequestError.InvalidType(name, "an integer", Describe(reader.TokenType));
        }

        if (!reader.TryGetInt64(out var number))
        {
            return RequestError.InvalidType(name, "an integer", "a decimal");
        }

        if (number < minimum)
        {
            return RequestError.BelowMinimum(name, minimum, number);
        }

        if (number > maximum)
        {
            return RequestError.AboveMaximum(name, maximum, number);
        }

        value = (int)number;
        return null;
    }

    private static RequestError? ReadStreamOptions(ref Utf8JsonReader reader, GenerationRequest request)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return RequestError.InvalidType("stream_options", "an object", Describe(reader.TokenType));
        }

        request.HasStreamOptions = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("include_usage"u8))
            {
                var error = ReadBool(ref reader, "stream_options.include_usage", out var include);
                if (error is not null)
                {
                    return error;
                }

                request.IncludeUsage = include ?? false;
            }
            else
            {
                reader.Skip();
            }
        }

        return null;
    }

    private static RequestError? ReadStop(ref Utf8JsonReader reader, GenerationRequest request)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                var single = Encoding.UTF8.GetBytes(reader.GetString()!);
                request.Stop = single.Length > 0 ? [single] : null;
                return null;
            case JsonTokenType.StartArray:
                var stops = new List<byte[]>();
                var count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return RequestError.InvalidType($"stop[{count}]", "a string", Describe(reader.TokenType));
                    }

                    var stop = Encoding.UTF8.GetBytes(reader.GetString()!);
                    if (stop.Length > 0)
                    {
                        stops.Add(stop);
                    }

                    count++;
                }

                if (count > MaxStopSequences)
                {
                    return RequestError.BadRequest($"Invalid 'stop': array too long. Expected an array with maximum length {MaxStopSequences}, but got an array with length {count} instead.", "stop", "array_above_max_length");
                }

                request.Stop = stops.Count > 0 ? [.. stops] : null;
                return null;
            default:
                return RequestError.InvalidType("stop", "a string or an array of strings", Describe(reader.TokenType));
        }
    }

    private static RequestError? ReadTools(JsonElement tools, GenerationRequest request)
    {
        if (tools.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (tools.ValueKind != JsonValueKind.Array)
        {
            return RequestError.InvalidType("tools", "an array", Describe(tools.ValueKind));
        }

        var definitions = new List<ToolDefinition>();
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object)
            {
                return RequestError.InvalidType($"tools[{index}]", "an object", Describe(tool.ValueKind));
            }

            if (tool.TryGetProperty("type", out var type) && !(type.ValueKind == JsonValueKind.String && type.ValueEquals("function")))
            {
                // Other tool types (custom, built-in) are not simulated; they are ignored rather than refused.
                index++;
                continue;
            }

            if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                return RequestError.MissingParameter($"tools[{index}].function");
            }

            if (!function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString() is not { Length: > 0 } functionName)
            {
                return RequestError.MissingParameter($"tools[{index}].function.name");
            }

            var parameters = function.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            definitions.Add(new ToolDefinition(functionName, parameters));
            index++;
        }

        request.Tools = [.. definitions];
        return null;
    }

    private static RequestError? ReadToolChoice(JsonElement choice, GenerationRequest request)
    {
        switch (choice.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                request.HasToolChoice = true;
                switch (choice.GetString())
                {
                    case "auto":
                        request.ToolChoice = ToolChoiceMode.Auto;
                        return null;
                    case "none":
                        request.ToolChoice = ToolChoiceMode.None;
                        return null;
                    case "required":
                        request.ToolChoice = ToolChoiceMode.Required;
                        return null;
                    default:
                        return RequestError.InvalidValue("tool_choice", $"Invalid value: '{choice.GetString()}'. Supported values are: 'none', 'auto', and 'required'.");
                }

            case JsonValueKind.Object:
                request.HasToolChoice = true;
                if (choice.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                    && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    request.ToolChoice = ToolChoiceMode.Function;
                    request.ToolChoiceName = name.GetString();
                    return null;
                }

                // Newer shapes (allowed_tools, custom) behave as "required" here.
                request.ToolChoice = ToolChoiceMode.Required;
                return null;
            default:
                return RequestError.InvalidType("tool_choice", "a string or an object", Describe(choice.ValueKind));
        }
    }

    private static RequestError? ReadResponseFormat(JsonElement format, GenerationRequest request)
    {
        if (format.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (format.ValueKind != JsonValueKind.Object)
        {
            return RequestError.InvalidType("response_format", "an object", Describe(format.ValueKind));
        }

        if (!format.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return RequestError.MissingParameter("response_format.type");
        }

        switch (type.GetString())
        {
            case "text":
                request.ResponseFormat = ResponseFormatKind.Text;
                return null;
            case "json_object":
                request.ResponseFormat = ResponseFormatKind.JsonObject;
                return null;
            case "json_schema":
                if (!format.TryGetProperty("json_schema", out var jsonSchema) || jsonSchema.ValueKind != JsonValueKind.Object)
                {
                    return RequestError.MissingParameter("response_format.json_schema");
                }

                request.ResponseFormat = ResponseFormatKind.JsonSchema;
                request.ResponseSchema = jsonSchema.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object ? schema : default;
                return null;
            default:
                return RequestError.InvalidValue("response_format.type", $"Invalid value: '{type.GetString()}'. Supported values are: 'text', 'json_object', and 'json_schema'.");
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        _ => "an invalid value",
    };
}
