using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Switchyard.Gateway.Quality.Schema;

/// <summary>
/// A JSON number as the validator compares it: exactly, as a <see cref="decimal"/>, when it fits (so 0.3 is a multiple
/// of 0.1), and as a <see cref="double"/> beyond decimal's range (about ±7.9e28).
/// </summary>
internal readonly struct SchemaNumber
{
    private readonly decimal _decimal;
    private readonly double _double;
    private readonly bool _isDecimal;

    private SchemaNumber(decimal value, string? text)
    {
        _decimal = value;
        _double = (double)value;
        _isDecimal = true;
        Text = text;
    }

    private SchemaNumber(double value, string? text)
    {
        _double = value;
        Text = text;
    }

    /// <summary>The number as the schema wrote it, for messages; null for a number read from an answer.</summary>
    public string? Text { get; }

    /// <summary>Reads a JSON number; <paramref name="keepText"/> keeps its text for messages (compile time only).</summary>
    public static SchemaNumber From(JsonElement number, bool keepText = false)
    {
        var text = keepText ? number.GetRawText() : null;
        if (number.TryGetDecimal(out var exact))
        {
            return new SchemaNumber(exact, text);
        }

        // Out of decimal's range: System.Text.Json still reads a double (±Infinity past double's range).
        if (number.TryGetDouble(out var approximate))
        {
            return new SchemaNumber(approximate, text);
        }

        var raw = JsonMarshal.GetRawUtf8Value(number);
        return new SchemaNumber(raw.Length > 0 && raw[0] == (byte)'-' ? double.NegativeInfinity : double.PositiveInfinity, text);
    }

    /// <summary>Reads the JSON number the reader is on, as <see cref="From(JsonElement, bool)"/> reads it from a document.</summary>
    public static SchemaNumber From(ref Utf8JsonReader number)
    {
        if (number.TryGetDecimal(out var exact))
        {
            return new SchemaNumber(exact, null);
        }

        if (number.TryGetDouble(out var approximate))
        {
            return new SchemaNumber(approximate, null);
        }

        var raw = number.ValueSpan;
        return new SchemaNumber(raw.Length > 0 && raw[0] == (byte)'-' ? double.NegativeInfinity : double.PositiveInfinity, null);
    }

    /// <summary>Negative, zero or positive as this number is below, equal to or above <paramref name="other"/>.</summary>
    public int CompareTo(in SchemaNumber other) =>
        _isDecimal && other._isDecimal ? _decimal.CompareTo(other._decimal) : _double.CompareTo(other._double);

    /// <summary>Whether this number is an integer multiple of <paramref name="divisor"/> (which is positive).</summary>
    public bool IsMultipleOf(in SchemaNumber divisor)
    {
        if (_isDecimal && divisor._isDecimal)
        {
            try
            {
                return _decimal % divisor._decimal == 0m;
            }
            catch (OverflowException)
            {
                // Falls through to the double arithmetic below.
            }
        }

        var quotient = _double / divisor._double;
        if (!double.IsFinite(quotient))
        {
            return false;
        }

        // Beyond 2^53 every double is integral; below it, allow the rounding error of one division.
        return Math.Abs(quotient - Math.Round(quotient)) <= 1e-9 * Math.Max(1, Math.Abs(quotient));
    }

    /// <inheritdoc/>
    public override string ToString() =>
        Text ?? (_isDecimal ? _decimal.ToString(CultureInfo.InvariantCulture) : _double.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>
    /// Whether the JSON number text <paramref name="raw"/> has no fractional part, decided exactly on the digits
    /// (1.0, 1e2 and 150e-1 are integers; 1.5 and 1e-1 are not), so no rounding can make 1.0000000000000000000000000001
    /// pass.
    /// </summary>
    public static bool IsInteger(ReadOnlySpan<byte> raw)
    {
        var i = 0;
        if (i < raw.Length && raw[i] == (byte)'-')
        {
            i++;
        }

        var digitsStart = i;
        while (i < raw.Length && char.IsAsciiDigit((char)raw[i]))
        {
            i++;
        }

        var integerDigits = raw[digitsStart..i];
        var fraction = ReadOnlySpan<byte>.Empty;
        if (i < raw.Length && raw[i] == (byte)'.')
        {
            var fractionStart = ++i;
            while (i < raw.Length && char.IsAsciiDigit((char)raw[i]))
            {
                i++;
            }

            fraction = raw[fractionStart..i];
        }

        long exponent = 0;
        if (i < raw.Length && (raw[i] == (byte)'e' || raw[i] == (byte)'E'))
        {
            i++;
            var negative = false;
            if (i < raw.Length && (raw[i] == (byte)'+' || raw[i] == (byte)'-'))
            {
                negative = raw[i] == (byte)'-';
                i++;
            }

            for (; i < raw.Length; i++)
            {
                // Saturates: an exponent past a billion decides the answer on its sign alone.
                exponent = Math.Min(exponent * 10 + (raw[i] - '0'), 1_000_000_000);
            }

            exponent = negative ? -exponent : exponent;
        }

        // value = digits(integer ++ fraction) * 10^(exponent - fraction.Length); trailing zeros of the digits add scale.
        long trailingZeros = 0;
        var allZero = true;
        for (var k = fraction.Length - 1; k >= 0 && allZero; k--)
        {
            if (fraction[k] == (byte)'0')
            {
                trailingZeros++;
            }
            else
            {
                allZero = false;
            }
        }

        for (var k = integerDigits.Length - 1; k >= 0 && allZero; k--)
        {
            if (integerDigits[k] == (byte)'0')
            {
                trailingZeros++;
            }
            else
            {
                allZero = false;
            }
        }

        return allZero || exponent - fraction.Length + trailingZeros >= 0;
    }
}
