using System.Globalization;
using System.Text;

namespace Switchyard.Gateway.Quality.Datasets.Internal;

/// <summary>
/// Unwraps a prompt stored as the text of a Python list of strings, <c>"['What is 2+2?']"</c>: RouterBench keeps its
/// prompts that way (<c>str(list)</c>), and LMSYS Arena data as the same list in JSON (<c>"[\"What is 2+2?\"]"</c>).
/// </summary>
/// <remarks>
/// Only a value that is one whole list literal of string literals is unwrapped; anything else (a prompt that merely starts
/// with <c>[</c>, a list of numbers, text after the <c>]</c>) is left as it is. Each string may use either quote, as
/// <c>repr</c> picks per string; the escapes are Python's (<c>\'</c>, <c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\t</c>, <c>\r</c>,
/// <c>\xhh</c>, <c>\uhhhh</c>, <c>\Uhhhhhhhh</c>, ...). Several strings (turns) are joined by newlines, as the gateway joins messages.
/// </remarks>
internal static class PythonListLiteral
{
    public static bool TryUnwrap(string value, out string text)
    {
        text = value;
        var s = value.AsSpan().Trim();
        if (s.Length < 4 || s[0] != '[' || s[^1] != ']')
        {
            return false;
        }

        var parts = new List<string>();
        var i = 1;
        while (true)
        {
            i = SkipSpace(s, i);
            if (i >= s.Length)
            {
                return false;
            }

            if (s[i] == ']')
            {
                // "[]" or a trailing comma; only the closing bracket may follow.
                break;
            }

            if (!TryString(s, ref i, out var part))
            {
                return false;
            }

            parts.Add(part);
            i = SkipSpace(s, i);
            if (i < s.Length && s[i] == ',')
            {
                i++;
            }
            else if (i >= s.Length || s[i] != ']')
            {
                return false;
            }
        }

        if (parts.Count == 0 || SkipSpace(s, i + 1) != s.Length)
        {
            return false;
        }

        text = string.Join('\n', parts);
        return true;
    }

    private static int SkipSpace(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }

        return i;
    }

    private static bool TryString(ReadOnlySpan<char> s, ref int i, out string value)
    {
        value = "";
        var quote = s[i];
        if (quote is not ('\'' or '"'))
        {
            return false;
        }

        var builder = new StringBuilder();
        for (i++; i < s.Length; i++)
        {
            var c = s[i];
            if (c == quote)
            {
                i++;
                value = builder.ToString();
                return true;
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (++i >= s.Length)
            {
                return false;
            }

            switch (s[i])
            {
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case 'a': builder.Append('\a'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'v': builder.Append('\v'); break;
                case '0' when i + 1 >= s.Length || !char.IsAsciiDigit(s[i + 1]): builder.Append('\0'); break;
                case '\\' or '\'' or '"' or '/': builder.Append(s[i]); break;
                case '\n': break; // a line continuation
                case 'x' when TryHex(s, i + 1, 2, builder): i += 2; break;
                case 'u' when TryHex(s, i + 1, 4, builder): i += 4; break;
                case 'U' when TryHex(s, i + 1, 8, builder): i += 8; break;
                default:
                    // Python keeps an unknown escape as it is written.
                    builder.Append('\\').Append(s[i]);
                    break;
            }
        }

        return false;
    }

    private static bool TryHex(ReadOnlySpan<char> s, int start, int digits, StringBuilder builder)
    {
        if (start + digits > s.Length || !int.TryParse(s.Slice(start, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF && digits == 8)
        {
            return false;
        }

        if (code > 0xFFFF)
        {
            builder.Append(char.ConvertFromUtf32(code));
        }
        else
        {
            // A lone surrogate (JSON writes astral characters as two \u escapes) is appended as is and pairs with the next.
            builder.Append((char)code);
        }

        return true;
    }
}
