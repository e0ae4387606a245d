using System.Globalization;

namespace Switchyard.Gateway.Auth;

/// <summary>
/// What a new key may say, read the same way by <c>switchyard keys create</c> and <c>POST /admin/keys</c>: roles, team
/// names, expiry and budgets, each with the message that says what was wrong.
/// </summary>
internal static class KeyTerms
{
    /// <summary>The roles of admin-API keys; a key without one is a client key.</summary>
    public static readonly string[] Roles = ["admin", "operator", "auditor", "legal", "security"];

    /// <summary>What is wrong with a team name, or <see langword="null"/>.</summary>
    public static string? TeamProblem(string team)
        => team.Length is 0 or > 100 || team.Any(c => char.IsControl(c) || c == ',')
            ? "must be 1 to 100 characters, without commas or control characters"
            : null;

    /// <summary>What is wrong with an entry of a list stored comma-separated (routes, tags), or <see langword="null"/>.</summary>
    public static string? ListItemProblem(string item)
        => item.Length is 0 or > 200 || item.Any(c => char.IsControl(c) || c == ',')
            ? "must be 1 to 200 characters, without commas or control characters"
            : null;

    /// <summary>
    /// When a key stops working: a duration from <paramref name="now"/> (<c>90s</c>, <c>30m</c>, <c>12h</c>,
    /// <c>30d</c>) or an ISO-8601 time in the future.
    /// </summary>
    public static bool TryParseExpiry(string text, DateTimeOffset now, out DateTimeOffset at)
    {
        at = default;
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && int.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            TimeSpan? ahead = char.ToLowerInvariant(trimmed[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (ahead is { } duration)
            {
                at = now + duration;
                return true;
            }
        }

        return trimmed.Length > 0 && char.IsAsciiDigit(trimmed[0])
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at)
            && at > now;
    }

    /// <summary>The message for an expiry that <see cref="TryParseExpiry"/> refused.</summary>
    public static string ExpiryProblem(string text)
        => $"'{(text.Length > 40 ? text[..40] + "..." : text)}' is neither a duration from now (30d, 12h) nor an ISO-8601 time (2027-01-01T00:00:00Z) in the future.";

    /// <summary>A budget of the key's own: <c>DOLLARS/day</c> or <c>DOLLARS/month</c> (<c>/day</c> when left out).</summary>
    public static bool TryParseBudget(string text, out double usd, out string period)
    {
        var parts = text.Split('/', 2, StringSplitOptions.TrimEntries);
        period = parts.Length == 2 ? parts[1].ToLowerInvariant() : "day";
        return double.TryParse(parts[0].TrimStart('$'), NumberStyles.Float, CultureInfo.InvariantCulture, out usd) && IsBudget(usd, period);
    }

    /// <summary>Whether <paramref name="usd"/> per <paramref name="period"/> is a budget a key may have.</summary>
    public static bool IsBudget(double usd, string period) => double.IsFinite(usd) && usd > 0 && period is "day" or "month";
}
