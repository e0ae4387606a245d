using Switchyard.Gateway.Configuration;
using Switchyard.Storage.Keys;

namespace Switchyard.Gateway.Auth;

/// <summary>
/// Which routes a key may use: those its team allows (<c>teams.NAME.routes</c>; every route when the team lists none or
/// is not configured) and, within those, its own list (<c>keys create --routes</c>). A key's list only narrows its team's.
/// </summary>
internal static class RouteAccess
{
    /// <summary>The team of <paramref name="key"/> in <paramref name="config"/>, or <see langword="null"/>.</summary>
    public static TeamConfig? TeamOf(ApiKeyRecord key, GatewayConfig config)
    {
        foreach (var team in config.Teams)
        {
            if (string.Equals(team.Name, key.Team, StringComparison.Ordinal))
            {
                return team;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="key"/> may use <paramref name="route"/>.</summary>
    public static bool Allows(ApiKeyRecord key, TeamConfig? team, string route)
        => (team is null || team.Routes.IsDefaultOrEmpty || team.Routes.Contains(route, StringComparer.Ordinal))
            && (key.Routes.Count == 0 || key.Routes.Contains(route, StringComparer.Ordinal));

    /// <summary>Whether the key may use only some routes (so lists of routes are filtered for it).</summary>
    public static bool IsRestricted(ApiKeyRecord key, TeamConfig? team) => key.Routes.Count > 0 || team is { Routes.IsDefaultOrEmpty: false };

    /// <summary>The configured routes <paramref name="key"/> may use, in file order.</summary>
    public static IEnumerable<string> Allowed(ApiKeyRecord key, GatewayConfig config)
    {
        var team = TeamOf(key, config);
        foreach (var route in config.Routes)
        {
            if (Allows(key, team, route.Name))
            {
                yield return route.Name;
            }
        }
    }
}
