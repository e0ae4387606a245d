using System.Text.Json;

namespace Switchyard.Gateway.Api;

/// <summary>
/// Validates an OpenAI request body and extracts what routing and forwarding need, without building a DOM. Every other
/// field is checked for its JSON type (so a client learns of a wrong type at the gateway, with the field's name) and then
/// forwarded untouched as bytes.
/// </summary>
internal static class RequestParser
{
    private const int MaxModelChars = 256;

    /// <summary>
    /// Parses <paramref name="body"/>. On success, the first <paramref name="modelChars"/> characters of
    /// <paramref name="modelBuffer"/> hold the model name; on failure, <paramref name="error"/> says what was wrong.
    /// </summary>
    public static bool TryParse(
        ReadOnlySpan<byte> body,
        EndpointKind endpoint,
        Span<char> modelBuffer,
        out ParsedRequest request,
        out int modelChars,
        out ApiError error)
    {
        request = default;
        modelChars = 0;
        error = default;
        if (body.IsEmpty)
        {
            error = ApiError.BadRequest("The request body is empty. Send a JSON object, e.g. {\"model\": \"...\", \"messages\": [...]}.");
            return false;
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 128 });
        var hasModel = false;
        var hasInput = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = ApiError.BadRequest($"The request body must be a JSON object, but it starts with {Describe(reader.TokenType)}.");
                return false;
            }

            request.ObjectStart = (int)reader.BytesConsumed;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                var escaped = reader.ValueIsEscaped;
                // "logprob\u0073" is logprobs to the upstream too: the gateway must neither add a second one nor strip them.
                request.ClientLogprobs |= escaped && reader.ValueTextEquals("logprobs"u8);
                reader.Read();
                if (escaped)
                {
                    // A property name with escapes is legal but never one we look for; check its value is well formed.
                    reader.Skip();
                    continue;
                }

                if (name.SequenceEqual("model"u8))
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error = ApiError.InvalidType("model", "a string", Describe(reader.TokenType));
                        return false;
                    }

                    if (reader.HasValueSequence || reader.ValueSpan.Length > MaxModelChars * 3)
                    {
                        error = ApiError.InvalidValue("model", $"The model name is longer than {MaxModelChars} characters.");
                        return false;
                    }

                    modelChars = reader.CopyString(modelBuffer);
                    request.ModelStart = (int)reader.TokenStartIndex;
                    request.ModelLength = (int)reader.BytesConsumed - request.ModelStart;
                    hasModel = modelChars > 0;
                }
                else if (name.SequenceEqual("stream"u8))
                {
                    if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                    {
                        request.Stream = reader.TokenType == JsonTokenType.True;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        error = ApiError.InvalidType("stream", "a boolean", Describe(reader.TokenType));
                        return false;
                    }
                }
                else if (name.SequenceEqual("stream_options"u8))
                {
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        continue;
                    }

                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        error = ApiError.InvalidType("stream_options", "an object", Describe(reader.TokenType));
                        return false;
                    }

                    request.StreamOptionsStart = (int)reader.TokenStartIndex;
                    if (!ReadStreamOptions(ref reader, ref request, out error))
                    {
                        return false;
                    }

                    request.StreamOptionsLength = (int)reader.BytesConsumed - request.StreamOptionsStart;
                }
                else if (!CheckField(ref reader, name, endpoint, ref request, ref hasInput, out error))
                {
                    return false;
                }
            }

            // The object is closed: with the whole body as the final block, the reader throws on anything but whitespace after it.
            reader.Read();
        }
        catch (JsonException e)
        {
            error = ApiError.BadRequest(
                $"We could not parse the JSON body of your request: {TrimReaderMessage(e.Message)} (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}). Send a valid JSON object.");
            return false;
        }

        if (!hasModel)
        {
            error = ApiError.MissingParameter("model");
            return false;
        }

        if (!hasInput)
        {
            error = ApiError.MissingParameter(InputName(endpoint));
            return false;
        }

        if (request.Stream && endpoint == EndpointKind.Embeddings)
        {
            error = ApiError.InvalidValue("stream", "Embeddings cannot be streamed: remove 'stream'.");
            return false;
        }

        return true;
    }

    private static string InputName(EndpointKind endpoint) => endpoint switch
    {
        EndpointKind.ChatCompletions => "messages",
        EndpointKind.Completions => "prompt",
        _ => "input",
    };

    private static bool ReadStreamOptions(ref Utf8JsonReader reader, ref ParsedRequest request, out ApiError error)
    {
        error = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage)
            {
                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                {
                    error = ApiError.InvalidType("stream_options.include_usage", "a boolean", Describe(reader.TokenType));
                    return false;
                }

                request.IncludeUsage = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                reader.Skip();
            }
        }

        return true;
    }

    /// <summary>Checks the JSON type of a known field and skips its value.</summary>
    private static bool CheckField(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, EndpointKind endpoint, ref ParsedRequest request, ref bool hasInput, out ApiError error)
    {
        error = default;
        var token = reader.TokenType;
        switch (endpoint)
        {
            case EndpointKind.ChatCompletions when name.SequenceEqual("messages"u8):
                hasInput = true;
                request.InputStart = (int)reader.TokenStartIndex;
                if (!CheckMessages(ref reader, out request.InputItems, out error))
                {
                    return false;
                }

                request.InputLength = (int)reader.BytesConsumed - request.InputStart;
                return true;
            case EndpointKind.Completions when name.SequenceEqual("prompt"u8):
            case EndpointKind.Embeddings when name.SequenceEqual("input"u8):
                hasInput = true;
                if (token is not (JsonTokenType.String or JsonTokenType.StartArray))
                {
                    error = ApiError.InvalidType(endpoint == EndpointKind.Completions ? "prompt" : "input", "a string or an array", Describe(token));
                    return false;
                }

                request.InputStart = (int)reader.TokenStartIndex;
                request.InputItems = 1;
                if (token == JsonTokenType.StartArray)
                {
                    var start = reader.TokenStartIndex;
                    var depth = reader.CurrentDepth;
                    var items = 0;
                    while (reader.Read() && reader.CurrentDepth > depth)
                    {
                        items++;
                        reader.Skip();
                    }

                    if (reader.BytesConsumed - start <= 2)
                    {
                        var field = endpoint == EndpointKind.Completions ? "prompt" : "input";
                        error = ApiError.InvalidValue(field, $"'{field}' must not be an empty array.");
                        return false;
                    }

                    request.InputItems = Math.Max(items, 1);
                }

                request.InputLength = (int)reader.BytesConsumed - request.InputStart;
                return true;
        }

        if (name.SequenceEqual("max_tokens"u8) || name.SequenceEqual("max_completion_tokens"u8))
        {
            if (!ExpectInteger(ref reader, name, out error))
            {
                return false;
            }

            if (token == JsonTokenType.Number)
            {
                request.MaxTokens = reader.GetInt32();
                if (request.MaxTokens < 1)
                {
                    error = ApiError.InvalidValue(GetName(name), $"'{GetName(name)}' must be at least 1, but it is {request.MaxTokens}.");
                    return false;
                }
            }

            return true;
        }

        if (name.SequenceEqual("n"u8) || name.SequenceEqual("top_logprobs"u8) || name.SequenceEqual("seed"u8) || name.SequenceEqual("dimensions"u8))
        {
            return ExpectInteger(ref reader, name, out error);
        }

        if (name.SequenceEqual("temperature"u8) || name.SequenceEqual("top_p"u8)
            || name.SequenceEqual("presence_penalty"u8) || name.SequenceEqual("frequency_penalty"u8))
        {
            return Expect(ref reader, name, token is JsonTokenType.Number or JsonTokenType.Null, "a number", out error);
        }

        if (name.SequenceEqual("tools"u8) || name.SequenceEqual("functions"u8))
        {
            return Expect(ref reader, name, token is JsonTokenType.StartArray or JsonTokenType.Null, "an array", out error);
        }

        if (name.SequenceEqual("tool_choice"u8) || name.SequenceEqual("function_call"u8))
        {
            return Expect(ref reader, name, token is JsonTokenType.String or JsonTokenType.StartObject or JsonTokenType.Null, "a string or an object", out error);
        }

        if (name.SequenceEqual("metadata"u8) && token == JsonTokenType.StartObject)
        {
            request.MetadataStart = (int)reader.TokenStartIndex;
            reader.Skip();
            request.MetadataLength = (int)reader.BytesConsumed - request.MetadataStart;
            return true;
        }

        if (name.SequenceEqual("response_format"u8) || name.SequenceEqual("metadata"u8) || name.SequenceEqual("logit_bias"u8))
        {
            return Expect(ref reader, name, token is JsonTokenType.StartObject or JsonTokenType.Null, "an object", out error);
        }

        if (name.SequenceEqual("stop"u8))
        {
            return Expect(ref reader, name, token is JsonTokenType.String or JsonTokenType.StartArray or JsonTokenType.Null, "a string or an array", out error);
        }

        if (name.SequenceEqual("user"u8) || name.SequenceEqual("encoding_format"u8))
        {
            return Expect(ref reader, name, token is JsonTokenType.String or JsonTokenType.Null, "a string", out error);
        }

        if (name.SequenceEqual("parallel_tool_calls"u8))
        {
            return Expect(ref reader, name, token is JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null, "a boolean", out error);
        }

        if (name.SequenceEqual("logprobs"u8))
        {
            return ReadLogprobs(ref reader, endpoint, ref request, out error);
        }

        reader.Skip();
        return true;
    }

    /// <summary>
    /// Records where <c>logprobs</c> is, so a quality gate can ask for them (chat: <c>true</c>, completions: a number of
    /// alternatives) by replacing the value rather than adding a second member.
    /// </summary>
    private static bool ReadLogprobs(ref Utf8JsonReader reader, EndpointKind endpoint, ref ParsedRequest request, out ApiError error)
    {
        var token = reader.TokenType;
        if (endpoint == EndpointKind.ChatCompletions && token is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
        {
            error = ApiError.InvalidType("logprobs", "a boolean", Describe(token));
            return false;
        }

        error = default;
        // A second logprobs member: which one the upstream reads is its parser's choice, so the gateway leaves both.
        request.ClientLogprobs |= request.LogprobsLength > 0
            || (endpoint == EndpointKind.ChatCompletions ? token == JsonTokenType.True : token != JsonTokenType.Null);
        request.LogprobsStart = (int)reader.TokenStartIndex;
        reader.Skip();
        request.LogprobsLength = (int)reader.BytesConsumed - request.LogprobsStart;
        return true;
    }

    private static bool CheckMessages(ref Utf8JsonReader reader, out int count, out ApiError error)
    {
        error = default;
        count = 0;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            error = ApiError.InvalidType("messages", "an array", Describe(reader.TokenType));
            return false;
        }

        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error = ApiError.InvalidType($"messages[{index}]", "an object", Describe(reader.TokenType));
                return false;
            }

            var hasRole = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isRole = reader.ValueTextEquals("role"u8);
                var isContent = !isRole && reader.ValueTextEquals("content"u8);
                reader.Read();
                if (isRole)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error = ApiError.InvalidType($"messages[{index}].role", "a string", Describe(reader.TokenType));
                        return false;
                    }

                    if (!IsKnownRole(ref reader))
                    {
                        error = ApiError.InvalidValue(
                            $"messages[{index}].role",
                            $"Invalid value for 'messages[{index}].role': '{reader.GetString()}'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool' and 'function'.");
                        return false;
                    }

                    hasRole = true;
                }
                else if (isContent && reader.TokenType is not (JsonTokenType.String or JsonTokenType.StartArray or JsonTokenType.Null))
                {
                    error = ApiError.InvalidType($"messages[{index}].content", "a string or an array of content parts", Describe(reader.TokenType));
                    return false;
                }
                else
                {
                    reader.Skip();
                }
            }

            if (!hasRole)
            {
                error = ApiError.MissingParameter($"messages[{index}].role");
                return false;
            }

            index++;
        }

        count = index;
        if (index == 0)
        {
            error = ApiError.InvalidValue("messages", "'messages' must contain at least one message.");
            return false;
        }

        return true;
    }

    private static bool IsKnownRole(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("user"u8) || reader.ValueTextEquals("assistant"u8) || reader.ValueTextEquals("system"u8)
        || reader.ValueTextEquals("tool"u8) || reader.ValueTextEquals("developer"u8) || reader.ValueTextEquals("function"u8);

    private static bool ExpectInteger(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, out ApiError error)
    {
        if (reader.TokenType == JsonTokenType.Number && !reader.TryGetInt32(out _))
        {
            error = ApiError.InvalidType(GetName(name), "an integer", "a number with a fraction or out of range");
            return false;
        }

        return Expect(ref reader, name, reader.TokenType is JsonTokenType.Number or JsonTokenType.Null, "an integer", out error);
    }

    private static bool Expect(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, bool ok, string expected, out ApiError error)
    {
        if (!ok)
        {
            error = ApiError.InvalidType(GetName(name), expected, Describe(reader.TokenType));
            return false;
        }

        error = default;
        reader.Skip();
        return true;
    }

    private static string GetName(ReadOnlySpan<byte> name) => System.Text.Encoding.UTF8.GetString(name);

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        _ => "nothing",
    };

    // The reader's messages end with " LineNumber: n | BytePositionInLine: m."; the position is reported separately.
    private static string TrimReaderMessage(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ') + ".";
    }
}
