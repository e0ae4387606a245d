using System.Buffers;
using System.Globalization;

namespace Switchyard.Simulator.Generation;

/// <summary>
/// The "true" answer of a math prompt and the final sentence that states an answer (<c>The answer is N.</c>): answers state
/// it, the judge checks it, and the gateway compares the last number of two answers.
/// </summary>
/// <remarks>
/// N is a function of the prompt's words only (runs of bytes between ASCII whitespace, the first <see cref="MaxWords"/>), not
/// of the seed, the choice or the model: every model that answers a math prompt well states the same N, and a judge that gets
/// the question back inside a transcript (other line breaks or indentation, parts joined with '\n') finds the same N.
/// </remarks>
internal static class FinalAnswer
{
    /// <summary>The smallest answer, inclusive.</summary>
    public const int Min = 2;

    /// <summary>The largest answer, inclusive.</summary>
    public const int Max = 999;

    /// <summary>Words of the prompt that decide N; bounds the cost of a long document, as the classifier's prefix does.</summary>
    public const int MaxWords = 512;

    private const string Lead = "The answer is ";
    private const ulong KeySeed = 0x616E_7377_6572_4E55UL;

    private static readonly byte[] LeadUtf8 = "The answer is "u8.ToArray();
    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\n\r\f\v"u8);

    /// <summary>The true answer of a math prompt whose text is <paramref name="utf8"/>.</summary>
    public static int TrueAnswer(ReadOnlySpan<byte> utf8)
    {
        var key = KeySeed;
        var words = 0;
        while (words < MaxWords)
        {
            var start = utf8.IndexOfAnyExcept(Whitespace);
            if (start < 0)
            {
                break;
            }

            utf8 = utf8[start..];
            var end = utf8.IndexOfAny(Whitespace);
            var word = end < 0 ? utf8 : utf8[..end];
            key = StableHash.Combine(key, StableHash.Hash(word));
            words++;
            utf8 = utf8[word.Length..];
        }

        return Min + (int)(StableHash.Mix(key) % (Max - Min + 1));
    }

    /// <summary>Another answer of the same range, never <paramref name="trueAnswer"/>, picked by <paramref name="draw"/>.</summary>
    public static int WrongAnswer(int trueAnswer, ulong draw)
    {
        const int Range = Max - Min + 1;
        var offset = 1 + (int)(draw % (Range - 1));
        return Min + ((trueAnswer - Min + offset) % Range);
    }

    /// <summary>Appends the final sentence, <c>The answer is N.</c>, as new tokens.</summary>
    public static void Append(Answer answer, int value)
    {
        var text = answer.Text;
        var start = text.Length;
        if (start > 0 && text.WrittenSpan[^1] != (byte)'\n')
        {
            text.Write((byte)' ');
        }

        text.Write(LeadUtf8);
        var digits = text.GetSpan(11);
        value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        text.Advance(written);
        text.Write((byte)'.');
        answer.TokenizeFrom(start);
    }

    /// <summary>
    /// Finds the last <c>The answer is X</c> in <paramref name="text"/> (ignoring case). <paramref name="value"/> is X when an
    /// integer follows the phrase (a sign, digits and thousands separators), or null when something else does.
    /// </summary>
    /// <returns>Whether the phrase is there at all.</returns>
    public static bool TryFindLast(ReadOnlySpan<char> text, out long? value)
    {
        value = null;
        var at = text.LastIndexOf(Lead, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return false;
        }

        var rest = text[(at + Lead.Length)..].TrimStart();
        Span<char> digits = stackalloc char[20];
        var count = 0;
        var i = 0;
        if (rest.Length > 0 && rest[0] is '-' or '\u2212')
        {
            digits[count++] = '-';
            i++;
        }

        for (; i < rest.Length && count < digits.Length; i++)
        {
            if (char.IsAsciiDigit(rest[i]))
            {
                digits[count++] = rest[i];
            }
            else if (rest[i] is '.' && i + 1 < rest.Length && char.IsAsciiDigit(rest[i + 1]))
            {
                // A decimal is not an integer answer.
                return true;
            }
            else if (rest[i] != ',' || i + 1 >= rest.Length || !char.IsAsciiDigit(rest[i + 1]))
            {
                break;
            }
        }

        if (long.TryParse(digits[..count], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            value = number;
        }

        return true;
    }
}
