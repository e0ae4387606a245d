using System.Globalization;

namespace Switchyard.Gateway.Economics.Tco;

/// <summary>
/// Money and volumes as the seed analyses write them: three significant digits and a suffix ($91.3k, $1.45M, 50M), and
/// the same shapes read back from a command line (50M, 1.2M, 450k, $5, 2,500, 60%).
/// </summary>
internal static class TcoFormat
{
    private static readonly (decimal Scale, string Suffix)[] Scales = [(1m, ""), (1_000m, "k"), (1_000_000m, "M"), (1_000_000_000m, "B"), (1_000_000_000_000m, "T")];

    /// <summary><c>$91.3k</c>, <c>$1.45M</c>, <c>$800k</c>, <c>$5</c>, <c>-$2.1k</c>.</summary>
    public static string Money(decimal dollars) => dollars < 0 ? "-$" + Compact(-dollars) : "$" + Compact(dollars);

    /// <summary><c>$91,250</c>, or <c>$7,604.17</c> when there are cents: the exact figure beside a compact one.</summary>
    public static string ExactMoney(decimal dollars)
    {
        var rounded = Math.Round(dollars, 2, MidpointRounding.AwayFromZero);
        var text = Math.Abs(rounded).ToString(rounded == decimal.Truncate(rounded) ? "#,0" : "#,0.00", CultureInfo.InvariantCulture);
        return rounded < 0 ? "-$" + text : "$" + text;
    }

    /// <summary>A count such as tokens or calls: <c>50M</c>, <c>129.6M</c> is <c>130M</c>, <c>2.5k</c>.</summary>
    public static string Count(decimal value) => value < 0 ? "-" + Compact(-value) : Compact(value);

    /// <summary>A fraction as a percentage: 0.6 is <c>60%</c>.</summary>
    public static string Percent(decimal fraction) => (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>
    /// Reads an amount: digits with an optional decimal point and thousands commas or underscores, an optional leading
    /// <c>$</c>, and an optional suffix <c>k</c> (thousand), <c>M</c> (million), <c>B</c> or <c>G</c> (billion), <c>T</c>
    /// (trillion), or <c>%</c> (hundredths). Case does not matter: <c>50m</c> is 50 million.
    /// </summary>
    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.Trim().AsSpan();
        if (span.StartsWith('$'))
        {
            span = span[1..].TrimStart();
        }

        decimal multiplier = 1;
        if (span.Length > 1)
        {
            decimal? suffix = char.ToLowerInvariant(span[^1]) switch
            {
                'k' => 1_000m,
                'm' => 1_000_000m,
                'b' or 'g' => 1_000_000_000m,
                't' => 1_000_000_000_000m,
                '%' => 0.01m,
                _ => null,
            };
            if (suffix is { } scale)
            {
                multiplier = scale;
                span = span[..^1].TrimEnd();
            }
        }

        if (span.IsEmpty || !(char.IsAsciiDigit(span[0]) || span[0] == '.'))
        {
            // No sign, no exponent, no words: an amount is a plain positive number.
            return false;
        }

        var digits = span.ToString().Replace(",", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        if (!decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        value = number * multiplier;
        return true;
    }

    private static string Compact(decimal value)
    {
        var i = Scales.Length - 1;
        while (i > 0 && value < Scales[i].Scale)
        {
            i--;
        }

        var scaled = ThreeSignificant(value / Scales[i].Scale);
        if (scaled >= 1000 && i < Scales.Length - 1)
        {
            // 999,950 rounds to 1000k: write 1M instead.
            i++;
            scaled = ThreeSignificant(value / Scales[i].Scale);
        }

        return Trim(scaled) + Scales[i].Suffix;
    }

    private static decimal ThreeSignificant(decimal value)
    {
        if (value == 0)
        {
            return 0;
        }

        var decimals = 2;
        for (var bound = 1m; value >= bound * 10 && decimals > 0; bound *= 10)
        {
            decimals--;
        }

        for (var bound = 1m; value < bound && decimals < 20; bound /= 10)
        {
            decimals++;
        }

        return Math.Round(value, decimals, MidpointRounding.AwayFromZero);
    }

    private static string Trim(decimal value) => value.ToString("0.####################", CultureInfo.InvariantCulture);
}
