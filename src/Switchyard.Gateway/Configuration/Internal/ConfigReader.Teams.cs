using System.Collections.Immutable;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>teams:</c>: limits that all of a team's keys share.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] TeamKeys = ["rpm", "tpm", "max_concurrency"];

    private ImmutableArray<TeamConfig> ReadTeams(Section top)
    {
        if (Value(top, "teams") is not { } node || IsNull(node))
        {
            return [];
        }

        var teams = ImmutableArray.CreateBuilder<TeamConfig>();
        foreach (var entry in ReadNamed(node, "teams", "teams: { search: { rpm: 600, tpm: 2000000, max_concurrency: 50 } }"))
        {
            var path = Join("teams", entry.Name);
            if (ReadSection(entry.Value, path, entry.Key.Start, TeamKeys, "{ rpm: 600, tpm: 2000000, max_concurrency: 50 }") is not { } section)
            {
                continue;
            }

            int rpm = 0, tpm = 0, concurrency = 0;
            if (TryReadInt(section, "rpm", 1, int.MaxValue, "It is the requests per minute all the team's keys may send together.", ref rpm)
                & TryReadInt(section, "tpm", 1, int.MaxValue, "It is the tokens per minute all the team's keys may use together.", ref tpm)
                & TryReadInt(section, "max_concurrency", 1, int.MaxValue, "It caps the team's requests in flight at once.", ref concurrency))
            {
                teams.Add(new TeamConfig
                {
                    Name = entry.Name,
                    RequestsPerMinute = Value(section, "rpm") is null ? null : rpm,
                    TokensPerMinute = Value(section, "tpm") is null ? null : tpm,
                    MaxConcurrency = Value(section, "max_concurrency") is null ? null : concurrency,
                });
            }
        }

        return teams.ToImmutable();
    }
}
