using System.Globalization;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary>Durations as written in the file: a number and a unit, <c>250ms</c>, <c>2s</c>, <c>1.5s</c>, <c>5m</c>, <c>1h</c>, <c>30d</c>.</summary>
internal static class DurationSyntax
{
    /// <summary>The units, longest suffix first so that <c>ms</c> is not read as <c>m</c> followed by garbage.</summary>
    private static readonly (string Suffix, long TicksPerUnit)[] Units =
    [
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
        ("d", TimeSpan.TicksPerDay),
    ];

    /// <summary>What a valid duration looks like, for messages.</summary>
    public const string Expected = "a number and a unit: ms, s, m or h (or d for days), e.g. 250ms, 2s, 1.5s, 5m, 1h, 30d";

    /// <summary>Parses <paramref name="text"/>; on failure returns what is wrong, ready for a message.</summary>
    public static string? TryParse(string text, out TimeSpan value)
    {
        value = default;
        var trimmed = text.Trim();
        if (decimal.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare))
        {
            var number = bare.ToString(CultureInfo.InvariantCulture);
            return $"'{trimmed}' has no unit; write {number}ms or {number}s. A duration is {Expected}";
        }

        foreach (var (suffix, ticksPerUnit) in Units)
        {
            if (!trimmed.EndsWith(suffix, StringComparison.Ordinal))
            {
                continue;
            }

            var number = trimmed[..^suffix.Length].TrimEnd();
            if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount))
            {
                break;
            }

            var ticks = amount * ticksPerUnit;
            if (ticks > TimeSpan.MaxValue.Ticks || ticks < TimeSpan.MinValue.Ticks)
            {
                return $"'{trimmed}' is too long a duration";
            }

            value = TimeSpan.FromTicks((long)decimal.Round(ticks));
            return null;
        }

        return $"'{trimmed}' is not a duration; write {Expected}";
    }

    /// <summary>A duration the way a user would write it in the file, for messages.</summary>
    public static string Format(TimeSpan value) => value switch
    {
        _ when value.Ticks % TimeSpan.TicksPerHour == 0 && value != TimeSpan.Zero => $"{value.Ticks / TimeSpan.TicksPerHour}h",
        _ when value.Ticks % TimeSpan.TicksPerMinute == 0 && value != TimeSpan.Zero => $"{value.Ticks / TimeSpan.TicksPerMinute}m",
        _ when value.Ticks % TimeSpan.TicksPerSecond == 0 => $"{value.Ticks / TimeSpan.TicksPerSecond}s",
        _ => $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms",
    };
}
