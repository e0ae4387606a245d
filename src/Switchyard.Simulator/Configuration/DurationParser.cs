using System.Globalization;

namespace Switchyard.Simulator.Configuration;

/// <summary>Parses durations as the gateway's YAML writes them: <c>120ms</c>, <c>1.5s</c>, <c>2m</c>, or <c>0</c>.</summary>
internal static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text == "0")
        {
            return true;
        }

        var (unit, factor) = text.EndsWith("ms", StringComparison.Ordinal) ? ("ms", 1.0)
            : text.EndsWith('s') ? ("s", 1000.0)
            : text.EndsWith('m') ? ("m", 60_000.0)
            : (null, 0.0);
        if (unit is null
            || !double.TryParse(text.AsSpan(0, text.Length - unit.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || double.IsNaN(value) || double.IsInfinity(value) || value < 0)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(value * factor);
        return true;
    }
}
