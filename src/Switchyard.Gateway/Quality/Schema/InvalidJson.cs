using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Switchyard.Gateway.Quality.Schema;

/// <summary>
/// Explains why an answer did not parse: not UTF-8, nested too deeply, or a syntax error, each with the byte offset.
/// Runs only on the failure path, so it may re-read the answer.
/// </summary>
internal static class InvalidJson
{
    /// <summary>The violation for <paramref name="answer"/>, which failed to parse with <paramref name="exception"/> (null: not UTF-8).</summary>
    public static SchemaViolation Describe(ReadOnlySpan<byte> answer, JsonException? exception)
    {
        var invalidUtf8 = FirstInvalidUtf8(answer);
        if (invalidUtf8 >= 0)
        {
            return Violation($"byte {invalidUtf8} is not valid UTF-8", invalidUtf8);
        }

        if (answer.IsEmpty || IsWhiteSpace(answer))
        {
            return Violation("the answer is empty", answer.Length);
        }

        var tooDeep = FirstTooDeep(answer);
        if (tooDeep >= 0)
        {
            return Violation($"it nests deeper than {SchemaWalker.MaxInstanceDepth} levels", tooDeep);
        }

        if (exception is null)
        {
            return Violation("it does not parse", 0);
        }

        var message = exception.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        return Violation(message.TrimEnd('.'), Offset(answer, exception.LineNumber ?? 0, exception.BytePositionInLine ?? 0));
    }

    private static SchemaViolation Violation(string reason, long position) =>
        new("$", $"the answer is not valid JSON at byte {position}: {reason}", position);

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> answer)
    {
        for (var i = 0; i < answer.Length;)
        {
            if (Rune.DecodeFromUtf8(answer[i..], out _, out var consumed) != OperationStatus.Done)
            {
                return i;
            }

            i += consumed;
        }

        return -1;
    }

    private static bool IsWhiteSpace(ReadOnlySpan<byte> answer) => answer.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    // The offset of the first object or array that opens past the nesting limit, or -1 (a syntax error comes first).
    private static long FirstTooDeep(ReadOnlySpan<byte> answer)
    {
        var reader = new Utf8JsonReader(answer, new JsonReaderOptions { MaxDepth = SchemaWalker.MaxInstanceDepth + 1 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= SchemaWalker.MaxInstanceDepth)
                {
                    return reader.TokenStartIndex;
                }
            }
        }
        catch (JsonException)
        {
            // A syntax error before any excess depth: the caller reports it from the parser's exception.
        }

        return -1;
    }

    // System.Text.Json reports line (counting '\n') and byte within the line; the violation wants one offset.
    private static long Offset(ReadOnlySpan<byte> answer, long line, long byteInLine)
    {
        long start = 0;
        for (long seen = 0; seen < line; seen++)
        {
            var next = answer[(int)start..].IndexOf((byte)'\n');
            if (next < 0)
            {
                break;
            }

            start += next + 1;
        }

        return Math.Min(answer.Length, start + byteInLine);
    }
}
