using System.Globalization;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary>Sizes in bytes as written in the file: a whole number (<c>4194304</c>) or a number and a unit (<c>4MiB</c>, <c>512KiB</c>, <c>1MB</c>).</summary>
internal static class ByteSizeSyntax
{
    /// <summary>Binary units (KiB = 1024) and decimal ones (KB = 1000), as IEC 80000-13 defines them; longest suffix first.</summary>
    private static readonly (string Suffix, long Multiplier)[] Units =
    [
        ("KiB", 1L << 10),
        ("MiB", 1L << 20),
        ("GiB", 1L << 30),
        ("KB", 1_000),
        ("MB", 1_000_000),
        ("GB", 1_000_000_000),
        ("B", 1),
    ];

    /// <summary>What a valid size looks like, for messages.</summary>
    public const string Expected = "a whole number of bytes, or a number and a unit: B, KiB, MiB, GiB (1024-based) or KB, MB, GB (1000-based), for example 4MiB";

    /// <summary>Parses <paramref name="text"/>; on failure returns what is wrong, ready for a message.</summary>
    public static string? TryParse(string text, out long value)
    {
        value = 0;
        var trimmed = text.Trim();
        var multiplier = 1L;
        var number = trimmed;
        foreach (var (suffix, unitMultiplier) in Units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                multiplier = unitMultiplier;
                number = trimmed[..^suffix.Length].TrimEnd();
                break;
            }
        }

        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount))
        {
            return $"'{trimmed}' is not a size; write {Expected}";
        }

        var bytes = amount * multiplier;
        if (bytes != decimal.Truncate(bytes))
        {
            return $"'{trimmed}' is not a whole number of bytes";
        }

        if (bytes > long.MaxValue || bytes < long.MinValue)
        {
            return $"'{trimmed}' is too large";
        }

        value = (long)bytes;
        return null;
    }
}
