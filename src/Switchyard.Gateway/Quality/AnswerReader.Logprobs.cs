using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Switchyard.Gateway.Quality;

/// <summary>The fast path for chat logprobs: a scan of <c>logprobs.content</c> that reads only the <c>logprob</c> numbers.</summary>
/// <remarks>
/// <para>
/// PERF: an answer of 1,000 tokens carries about 1,000 entries (80 bytes each, several KB more with
/// <c>top_logprobs</c>), some 16 tokens apiece: reading them with <see cref="Utf8JsonReader"/> costs several times all
/// the other checks together. The scan walks the entries' bytes directly, skipping every value but <c>logprob</c>
/// (strings, arrays, <c>top_logprobs</c> and all) and reading the usual <c>-0.0123</c> without the general parser.
/// </para>
/// <para>
/// It is exact or it gives up: it checks the JSON grammar of what it skips (structure, string escapes and control
/// characters, number syntax, literals), and on anything else (an escaped property name, an entry that is not an
/// object, nesting past <see cref="MaxScanDepth"/>, bad JSON) it drops the logprobs it added and leaves the array to
/// the reader, which then does what it always did, exception and all. When it succeeds, the reader goes on from the
/// array's end with the state it had at its start (<see cref="JsonReaderState"/>): an array the reader would have read
/// through to the same place, with the same numbers.
/// </para>
/// </remarks>
internal static partial class AnswerReader
{
    /// <summary>How deeply a value inside an entry may nest before the scan leaves it to the reader.</summary>
    private const int MaxScanDepth = 32;

    /// <summary>What ends a run of plain string bytes: the closing quote, an escape, or a control character (not allowed).</summary>
    private static readonly SearchValues<byte> StringSpecials = SearchValues.Create(
        [(byte)'"', (byte)'\\', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    /// <summary>The powers of ten a double holds exactly (the fast path's divisors).</summary>
    private static ReadOnlySpan<double> ExactPowersOfTen =>
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// Scans the entries of the <c>content</c> array the reader is on (its StartArray); when it can, adds their logprobs
    /// and leaves the reader on the array's EndArray, as the reading loop would.
    /// </summary>
    private static bool TryScanContent(ReadOnlySpan<byte> json, ref int offset, ref Utf8JsonReader reader, List<double>? pending, AnswerCollector answer)
    {
        var mark = answer.LogprobMark;
        var pendingCount = pending?.Count ?? 0;
        var end = ScanEntries(json, offset + (int)reader.BytesConsumed, pending, answer);
        if (end < 0)
        {
            answer.ResetLogprobs(mark);
            pending?.RemoveRange(pendingCount, pending.Count - pendingCount);
            return false;
        }

        // The reader's state after '[' goes on at the matching ']': to it, an array it has read to the end.
        reader = new Utf8JsonReader(json[end..], isFinalBlock: true, reader.CurrentState);
        offset = end;
        reader.Read();
        return true;
    }

    // The entries from just after '['; the index of the matching ']', or -1 to leave the array to the reader.
    private static int ScanEntries(ReadOnlySpan<byte> json, int i, List<double>? pending, AnswerCollector answer)
    {
        i = SkipWhitespace(json, i);
        if (i < json.Length && json[i] == (byte)']')
        {
            return i;
        }

        while (true)
        {
            if (i >= json.Length || json[i] != (byte)'{')
            {
                return -1;
            }

            i = SkipWhitespace(json, i + 1);
            if (i < json.Length && json[i] == (byte)'}')
            {
                i++;
            }
            else
            {
                while (true)
                {
                    if (i >= json.Length || json[i] != (byte)'"')
                    {
                        return -1;
                    }

                    var nameStart = i + 1;
                    var nameEnd = ScanString(json, nameStart, out var escaped);
                    if (nameEnd < 0 || escaped)
                    {
                        return -1;
                    }

                    var isLogprob = json[nameStart..nameEnd].SequenceEqual("logprob"u8);
                    i = SkipWhitespace(json, nameEnd + 1);
                    if (i >= json.Length || json[i] != (byte)':')
                    {
                        return -1;
                    }

                    i = SkipWhitespace(json, i + 1);
                    if (isLogprob && i < json.Length && (json[i] == (byte)'-' || char.IsAsciiDigit((char)json[i])))
                    {
                        var numberEnd = ScanNumber(json, i, out var exponent);
                        if (numberEnd < 0 || !TryParseNumber(json[i..numberEnd], exponent, out var logprob))
                        {
                            return -1;
                        }

                        Add(logprob, pending, answer);
                        i = numberEnd;
                    }
                    else if ((i = SkipValue(json, i, 0)) < 0)
                    {
                        return -1;
                    }

                    i = SkipWhitespace(json, i);
                    if (i < json.Length && json[i] == (byte)',')
                    {
                        i = SkipWhitespace(json, i + 1);
                        continue;
                    }

                    if (i < json.Length && json[i] == (byte)'}')
                    {
                        i++;
                        break;
                    }

                    return -1;
                }
            }

            i = SkipWhitespace(json, i);
            if (i < json.Length && json[i] == (byte)',')
            {
                i = SkipWhitespace(json, i + 1);
                continue;
            }

            return i < json.Length && json[i] == (byte)']' ? i : -1;
        }
    }

    // One JSON value from its first byte; the index after it, or -1.
    private static int SkipValue(ReadOnlySpan<byte> json, int i, int depth)
    {
        if (i >= json.Length)
        {
            return -1;
        }

        switch (json[i])
        {
            case (byte)'"':
                var end = ScanString(json, i + 1, out _);
                return end < 0 ? -1 : end + 1;
            case (byte)'{' or (byte)'[':
                return depth >= MaxScanDepth ? -1 : SkipContainer(json, i, depth + 1);
            case (byte)'t':
                return json[i..].StartsWith("true"u8) ? i + 4 : -1;
            case (byte)'f':
                return json[i..].StartsWith("false"u8) ? i + 5 : -1;
            case (byte)'n':
                return json[i..].StartsWith("null"u8) ? i + 4 : -1;
            default:
                return ScanNumber(json, i, out _);
        }
    }

    // An object or array from its '{' or '['; the index after its closing bracket, or -1.
    private static int SkipContainer(ReadOnlySpan<byte> json, int i, int depth)
    {
        var isObject = json[i] == (byte)'{';
        var close = isObject ? (byte)'}' : (byte)']';
        i = SkipWhitespace(json, i + 1);
        if (i < json.Length && json[i] == close)
        {
            return i + 1;
        }

        while (true)
        {
            if (isObject)
            {
                if (i >= json.Length || json[i] != (byte)'"')
                {
                    return -1;
                }

                var nameEnd = ScanString(json, i + 1, out _);
                if (nameEnd < 0)
                {
                    return -1;
                }

                i = SkipWhitespace(json, nameEnd + 1);
                if (i >= json.Length || json[i] != (byte)':')
                {
                    return -1;
                }

                i = SkipWhitespace(json, i + 1);
            }

            if ((i = SkipValue(json, i, depth)) < 0)
            {
                return -1;
            }

            i = SkipWhitespace(json, i);
            if (i < json.Length && json[i] == (byte)',')
            {
                i = SkipWhitespace(json, i + 1);
                continue;
            }

            return i < json.Length && json[i] == close ? i + 1 : -1;
        }
    }

    // A string's content from just after its opening quote; the index of the closing quote, or -1 for a control
    // character or an escape JSON does not have.
    private static int ScanString(ReadOnlySpan<byte> json, int i, out bool escaped)
    {
        escaped = false;
        while (i < json.Length)
        {
            var at = json[i..].IndexOfAny(StringSpecials);
            if (at < 0)
            {
                return -1;
            }

            i += at;
            var b = json[i];
            if (b == (byte)'"')
            {
                return i;
            }

            if (b < 0x20)
            {
                return -1;
            }

            escaped = true;
            if (i + 1 >= json.Length)
            {
                return -1;
            }

            switch (json[i + 1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    i += 2;
                    break;
                case (byte)'u' when i + 5 < json.Length && char.IsAsciiHexDigit((char)json[i + 2]) && char.IsAsciiHexDigit((char)json[i + 3])
                    && char.IsAsciiHexDigit((char)json[i + 4]) && char.IsAsciiHexDigit((char)json[i + 5]):
                    i += 6;
                    break;
                default:
                    return -1;
            }
        }

        return -1;
    }

    // A number by JSON's grammar (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?); the index after it, or -1.
    private static int ScanNumber(ReadOnlySpan<byte> json, int i, out bool exponent)
    {
        exponent = false;
        if (i < json.Length && json[i] == (byte)'-')
        {
            i++;
        }

        if (i >= json.Length || !char.IsAsciiDigit((char)json[i]))
        {
            return -1;
        }

        i = json[i] == (byte)'0' ? i + 1 : SkipDigits(json, i);
        if (i < json.Length && json[i] == (byte)'.')
        {
            if (i + 1 >= json.Length || !char.IsAsciiDigit((char)json[i + 1]))
            {
                return -1;
            }

            i = SkipDigits(json, i + 1);
        }

        if (i < json.Length && (json[i] == (byte)'e' || json[i] == (byte)'E'))
        {
            exponent = true;
            i++;
            if (i < json.Length && (json[i] == (byte)'+' || json[i] == (byte)'-'))
            {
                i++;
            }

            if (i >= json.Length || !char.IsAsciiDigit((char)json[i]))
            {
                return -1;
            }

            i = SkipDigits(json, i);
        }

        return i;
    }

    private static int SkipDigits(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && char.IsAsciiDigit((char)json[i]))
        {
            i++;
        }

        return i;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        if (i < json.Length && json[i] > (byte)' ')
        {
            return i;
        }

        while (i < json.Length && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            i++;
        }

        return i;
    }

    /// <summary>
    /// The double <see cref="Utf8JsonReader.GetDouble"/> reads from <paramref name="number"/> (valid JSON number syntax).
    /// </summary>
    /// <remarks>
    /// PERF: a number without exponent, of at most 15 digits and 22 decimals, non-zero, is its digits as an integer
    /// (exact below 2^53) divided by an exact power of ten: one correctly rounded division, so the double nearest the
    /// decimal, which is what any correct parser returns (the fast path of Clinger's algorithm). Everything else (and
    /// zero, to keep the parser's sign) goes to <see cref="Utf8Parser"/>, as the reader does.
    /// </remarks>
    internal static bool TryParseNumber(ReadOnlySpan<byte> number, bool exponent, out double value)
    {
        if (!exponent && number.Length <= 17)
        {
            var negative = number[0] == (byte)'-';
            ulong digits = 0;
            var count = 0;
            var decimals = -1;
            for (var k = negative ? 1 : 0; k < number.Length; k++)
            {
                var b = number[k];
                if (b == (byte)'.')
                {
                    decimals = 0;
                    continue;
                }

                digits = (digits * 10) + (ulong)(b - '0');
                count++;
                decimals += decimals >= 0 ? 1 : 0;
            }

            if (digits != 0 && count <= 15)
            {
                value = digits / ExactPowersOfTen[Math.Max(decimals, 0)];
                value = negative ? -value : value;
                return true;
            }
        }

        return Utf8Parser.TryParse(number, out value, out var consumed, exponent ? 'e' : default) && consumed == number.Length;
    }
}
