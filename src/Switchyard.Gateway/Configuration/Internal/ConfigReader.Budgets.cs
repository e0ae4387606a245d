using System.Collections.Immutable;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>budgets:</c>: spending limits per day or month, for a route or the whole gateway.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] SpendingBudgetKeys = ["route", "team", "key", "limit", "per", "mode", "warn_at"];
    private static readonly (string Word, BudgetPeriod Value)[] BudgetPeriods = [("day", BudgetPeriod.Day), ("month", BudgetPeriod.Month)];
    private static readonly (string Word, BudgetMode Value)[] BudgetModes = [("hard", BudgetMode.Hard), ("soft", BudgetMode.Soft)];
    private const string BudgetExample = "budgets: { chat-daily: { route: chat, limit: 50, per: day, mode: hard, warn_at: 0.8 } }";

    private ImmutableArray<BudgetConfig> ReadBudgets(Section top, IReadOnlyCollection<string> routeNames)
    {
        if (Value(top, "budgets") is not { } node || IsNull(node))
        {
            return [];
        }

        var budgets = ImmutableArray.CreateBuilder<BudgetConfig>();
        foreach (var entry in ReadNamed(node, "budgets", BudgetExample))
        {
            ValidateName(entry.Key, "budgets", "budget", allowSlash: false);
            var path = Join("budgets", entry.Name);
            if (ReadSection(entry.Value, path, entry.Key.Start, SpendingBudgetKeys, "{ route: chat, limit: 50, per: day }") is not { } section)
            {
                continue;
            }

            var ok = true;
            string? route = null;
            if (Value(section, "route") is { } routeNode)
            {
                route = Scalar(routeNode, Join(path, "route"), "a route name");
                if (route is not null && !routeNames.Contains(route))
                {
                    Error(routeNode, Join(path, "route"), $"there is no route '{route}'. Name one of {NameSuggester.List(routeNames)}, or leave route out to limit the whole gateway.");
                    ok = false;
                }

                ok &= route is not null;
            }

            string? team = null;
            if (Value(section, "team") is { } teamNode)
            {
                team = Scalar(teamNode, Join(path, "team"), "a team name, as keys create --team gives it");
                ok &= team is not null;
            }

            string? key = null;
            if (Value(section, "key") is { } keyNode)
            {
                key = Scalar(keyNode, Join(path, "key"), "a key's id, as switchyard keys list shows it");
                if (key is not null && (key.Length != 13 || !key.StartsWith(Auth.ApiKeys.Prefix, StringComparison.Ordinal)))
                {
                    // Never the whole key in a configuration file: its id is enough, and it is not a secret.
                    Error(keyNode, Join(path, "key"), "expected a key's id: sy_ and 10 characters, as `switchyard keys list` shows it (never the whole key).");
                    ok = false;
                }

                ok &= key is not null;
            }

            var limit = -1.0;
            if (Value(section, "limit") is null)
            {
                Error(section.Owner, Join(path, "limit"), "is required: the dollars the window may spend, e.g. limit: 50.");
                ok = false;
            }
            else
            {
                ok &= TryReadNumber(section, "limit", 0, 1e12, ref limit);
            }

            var period = BudgetPeriod.Day;
            var mode = BudgetMode.Hard;
            var warnAt = 0.8;
            ok &= TryReadChoice(section, "per", BudgetPeriods, ref period)
                & TryReadChoice(section, "mode", BudgetModes, ref mode)
                & TryReadRatio(section, "warn_at", ref warnAt);
            if (ok)
            {
                budgets.Add(new BudgetConfig { Name = entry.Name, Route = route, Team = team, Key = key, Limit = limit, Period = period, Mode = mode, WarnAt = warnAt });
            }
        }

        return budgets.ToImmutable();
    }
}
