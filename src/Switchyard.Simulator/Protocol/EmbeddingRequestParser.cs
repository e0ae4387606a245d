using System.Buffers;
using System.Text.Json;
using Switchyard.Simulator.Generation;

namespace Switchyard.Simulator.Protocol;

/// <summary>
/// Reads an embeddings request: <c>input</c> as a string, an array of strings, an array of token ids or an array of such
/// arrays; <c>dimensions</c>; <c>encoding_format</c> (<c>float</c> or <c>base64</c>).
/// </summary>
internal static class EmbeddingRequestParser
{
    /// <summary>OpenAI's limit on inputs per request.</summary>
    public const int MaxInputs = 2048;

    public const int MaxDimensions = 16_384;

    /// <summary>Parses an embeddings request; <paramref name="model"/>, when the URL names it (Azure), makes the body's optional.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out EmbeddingRequest request, out RequestError error, string? model = null)
    {
        request = new EmbeddingRequest { Model = model };
        return RequestParsing.TryParse(body, request, Parse, out error);
    }

    private static RequestError? Parse(ReadOnlySpan<byte> body, EmbeddingRequest request)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return RequestError.InvalidJson("the body is not a JSON object");
        }

        var sawInput = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            RequestError? error = null;
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    request.Model = reader.GetString();
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    error = RequestError.InvalidType("model", "a string", GenerationRequestParser.Describe(reader.TokenType));
                }
            }
            else if (reader.ValueTextEquals("input"u8))
            {
                reader.Read();
                sawInput = reader.TokenType != JsonTokenType.Null;
                error = sawInput ? ReadInput(ref reader, request) : null;
            }
            else if (reader.ValueTextEquals("dimensions"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var dimensions))
                {
                    if (dimensions < 1)
                    {
                        error = RequestError.BelowMinimum("dimensions", 1, dimensions);
                    }
                    else if (dimensions > MaxDimensions)
                    {
                        error = RequestError.AboveMaximum("dimensions", MaxDimensions, dimensions);
                    }

                    request.Dimensions = dimensions;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    error = RequestError.InvalidType("dimensions", "an integer", GenerationRequestParser.Describe(reader.TokenType));
                }
            }
            else if (reader.ValueTextEquals("encoding_format"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("base64"u8))
                {
                    request.Base64 = true;
                }
                else if (!(reader.TokenType == JsonTokenType.Null || (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("float"u8))))
                {
                    error = RequestError.InvalidValue("encoding_format", "Invalid value for 'encoding_format': expected 'float' or 'base64'.");
                }
            }
            else
            {
                reader.Skip();
            }

            if (error is not null)
            {
                return error;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return RequestError.InvalidJson("unexpected data after the JSON object");
        }

        if (string.IsNullOrEmpty(request.Model))
        {
            return RequestError.BadRequest("you must provide a model parameter");
        }

        if (!sawInput)
        {
            return RequestError.MissingParameter("input");
        }

        var tokens = 0;
        foreach (var input in request.Inputs)
        {
            tokens += input.Tokens;
        }

        request.PromptTokens = tokens;
        return null;
    }

    private static RequestError? ReadInput(ref Utf8JsonReader reader, EmbeddingRequest request)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return AddText(ref reader, request);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return RequestError.InvalidType("input", "a string or an array", GenerationRequestParser.Describe(reader.TokenType));
        }

        reader.Read();
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            return InvalidInput();
        }

        if (reader.TokenType == JsonTokenType.Number)
        {
            return AddTokens(ref reader, request);
        }

        do
        {
            if (request.Inputs.Count >= MaxInputs)
            {
                return RequestError.BadRequest($"Invalid 'input': array too long. Expected an array with maximum length {MaxInputs}.", "input", "array_above_max_length");
            }

            RequestError? error;
            if (reader.TokenType == JsonTokenType.String)
            {
                error = AddText(ref reader, request);
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                reader.Read();
                error = AddTokens(ref reader, request);
            }
            else
            {
                error = RequestError.InvalidType($"input[{request.Inputs.Count}]", "a string or an array of integers", GenerationRequestParser.Describe(reader.TokenType));
            }

            if (error is not null)
            {
                return error;
            }
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray);

        return null;
    }

    private static RequestError? AddText(ref Utf8JsonReader reader, EmbeddingRequest request)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(reader.ValueSpan.Length, 1));
        try
        {
            var length = reader.CopyString(rented);
            if (length == 0)
            {
                return InvalidInput();
            }

            var text = rented.AsSpan(0, length);
            var words = new List<ulong>();
            var start = -1;
            for (var i = 0; i <= text.Length; i++)
            {
                var isWord = i < text.Length && IsWordByte(text[i]);
                if (isWord)
                {
                    text[i] = text[i] is >= (byte)'A' and <= (byte)'Z' ? (byte)(text[i] | 0x20) : text[i];
                    if (start < 0)
                    {
                        start = i;
                    }
                }
                else if (start >= 0)
                {
                    words.Add(StableHash.Hash(text[start..i]));
                    start = -1;
                }
            }

            request.Inputs.Add(new EmbeddingInput([.. words], StableHash.Hash(text), Math.Max(1, (length + 3) / 4)));
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static RequestError? AddTokens(ref Utf8JsonReader reader, EmbeddingRequest request)
    {
        var words = new List<ulong>();
        var whole = 0x656D_6265_6464UL;
        while (reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var token))
            {
                return RequestError.InvalidType($"input[{request.Inputs.Count}]", "an array of integers", GenerationRequestParser.Describe(reader.TokenType));
            }

            var hash = StableHash.Mix((ulong)token);
            words.Add(hash);
            whole = StableHash.Combine(whole, hash);
            reader.Read();
        }

        if (words.Count == 0)
        {
            return InvalidInput();
        }

        request.Inputs.Add(new EmbeddingInput([.. words], whole, words.Count));
        return null;
    }

    private static bool IsWordByte(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or >= 0x80;

    // COMPAT: OpenAI's wording for an empty string or array input.
    private static RequestError InvalidInput()
        => RequestError.BadRequest("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", "input");
}
