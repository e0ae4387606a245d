using System.Collections.Immutable;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>teams:</c>: the routes a team's keys may use, and limits that all of them share.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] TeamKeys = ["routes", "rpm", "tpm", "max_concurrency"];

    private ImmutableArray<TeamConfig> ReadTeams(Section top, IReadOnlyCollection<string> routeNames)
    {
        if (Value(top, "teams") is not { } node || IsNull(node))
        {
            return [];
        }

        var teams = ImmutableArray.CreateBuilder<TeamConfig>();
        foreach (var entry in ReadNamed(node, "teams", "teams: { search: { routes: [chat], rpm: 600, tpm: 2000000, max_concurrency: 50 } }"))
        {
            var path = Join("teams", entry.Name);
            if (ReadSection(entry.Value, path, entry.Key.Start, TeamKeys, "{ routes: [chat], rpm: 600, tpm: 2000000, max_concurrency: 50 }") is not { } section)
            {
                continue;
            }

            int rpm = 0, tpm = 0, concurrency = 0;
            var routes = ReadTeamRoutes(section, path, routeNames, out var routesOk);
            if (routesOk
                & TryReadInt(section, "rpm", 1, int.MaxValue, "It is the requests per minute all the team's keys may send together.", ref rpm)
                & TryReadInt(section, "tpm", 1, int.MaxValue, "It is the tokens per minute all the team's keys may use together.", ref tpm)
                & TryReadInt(section, "max_concurrency", 1, int.MaxValue, "It caps the team's requests in flight at once.", ref concurrency))
            {
                teams.Add(new TeamConfig
                {
                    Name = entry.Name,
                    Routes = routes,
                    RequestsPerMinute = Value(section, "rpm") is null ? null : rpm,
                    TokensPerMinute = Value(section, "tpm") is null ? null : tpm,
                    MaxConcurrency = Value(section, "max_concurrency") is null ? null : concurrency,
                });
            }
        }

        return teams.ToImmutable();
    }

    /// <summary><c>teams.NAME.routes</c>: absent for every route; otherwise a non-empty list of declared routes.</summary>
    private ImmutableArray<string> ReadTeamRoutes(Section section, string path, IReadOnlyCollection<string> routeNames, out bool ok)
    {
        ok = true;
        var key = Join(path, "routes");
        if (Value(section, "routes") is not { } node)
        {
            return [];
        }

        var example = routeNames.Count > 0 ? $"routes: [{routeNames.First()}]" : "routes: [chat]";
        if (node is not YamlSequenceNode list || list.Children.Count == 0)
        {
            Error(node, key, $"expected a non-empty list of the routes the team's keys may use, e.g. {example}; leave routes out to let them use every route.");
            ok = false;
            return [];
        }

        var routes = ImmutableArray.CreateBuilder<string>(list.Children.Count);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            if (Scalar(item, $"{key}[{i}]", "a route name") is not { } name)
            {
                ok = false;
            }
            else if (!routeNames.Contains(name))
            {
                Error(item, $"{key}[{i}]", $"there is no route '{Truncate(name)}'. Name one of {NameSuggester.List(routeNames)}.");
                ok = false;
            }
            else if (!routes.Contains(name))
            {
                routes.Add(name);
            }
        }

        return routes.ToImmutable();
    }
}
