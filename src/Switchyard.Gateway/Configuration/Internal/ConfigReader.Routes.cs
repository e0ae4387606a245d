using System.Collections.Immutable;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary>
/// <c>routes:</c>: the model names clients use, each an ordered list of tiers of existing deployments (or the shorthand
/// <c>deployments: [a, b]</c>), with the rules that pick the tier and keep confidential requests in-house.
/// </summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] RouteKeys = ["deployments", "tiers", "tags", "classify", "allow_pinning", "confidential", "detect_pii", "hedge_after", "quality", "router", "baseline", "shadow", "cache"];
    private static readonly string[] TierKeys = ["name", "balance", "deployments", "when"];
    private static readonly string[] TierMemberKeys = ["deployment", "weight"];

    private static readonly (string Word, BalanceStrategy Value)[] BalanceStrategies =
        [("weighted", BalanceStrategy.Weighted), ("least-outstanding", BalanceStrategy.LeastOutstanding), ("latency", BalanceStrategy.Latency)];

    private const string RoutesExample = "routes: { chat: { deployments: [llama-8b, gpt-4o] } }";
    private const string TiersExample = "tiers: [ { name: open, deployments: [llama-a, llama-b] }, { name: frontier, deployments: [gpt-4o] } ]";

    private ImmutableArray<RouteConfig> ReadRoutes(Section top, List<string> deploymentNames, out List<string> routeNames)
    {
        var routesNode = Value(top, "routes");
        var entries = ReadNamed(routesNode, "routes", RoutesExample);
        routeNames = [.. entries.Select(e => e.Name)];
        if (entries.Count == 0 && (routesNode is null or YamlMappingNode))
        {
            // A gateway without routes answers every request with 404: almost certainly a mistake, so refuse to start.
            Mark? mark = top.Entries.TryGetValue("routes", out var entry) ? entry.Key.Start : null;
            Error(mark, "routes", $"no routes are defined, so no request could be served. Add at least one; a route is the name clients send as 'model', e.g. {RoutesExample}.");
        }

        var routes = ImmutableArray.CreateBuilder<RouteConfig>();
        foreach (var route in entries)
        {
            // Route names are what clients send as "model", and hub-style names such as meta-llama/Llama-3 contain '/'.
            ValidateName(route.Key, "routes", "route", allowSlash: true);
            if (ReadRoute(route, deploymentNames) is { } config)
            {
                routes.Add(config);
            }
        }

        return routes.ToImmutable();
    }

    private RouteConfig? ReadRoute(Entry entry, List<string> deploymentNames)
    {
        var path = Join("routes", entry.Name);
        if (entry.Value is YamlSequenceNode)
        {
            Error(entry.Value, path, $"expected a mapping but found a list. Write the list under deployments: {entry.Name}: {{ deployments: [a, b] }}.");
            return null;
        }

        if (ReadSection(entry.Value, path, entry.Key.Start, RouteKeys, $"{entry.Name}: {{ deployments: [a, b] }}") is not { } section)
        {
            return null;
        }

        var ok = true;
        var hasDeployments = section.Entries.ContainsKey("deployments");
        var hasTiers = section.Entries.ContainsKey("tiers");
        ImmutableArray<string> shorthand = [];
        ImmutableArray<TierConfig> tiers = [];
        if (hasDeployments && hasTiers)
        {
            Error(MarkOf(section, "tiers"), Join(path, "tiers"), $"a route has either deployments (one tier per deployment, in order) or tiers, not both. Move the deployments into a tier: {TiersExample}.");
            return null;
        }

        if (hasTiers)
        {
            var seen = new Dictionary<string, Mark>(StringComparer.Ordinal);
            if (ReadTiers(section, deploymentNames, seen) is { } read)
            {
                tiers = read;
            }
            else
            {
                ok = false;
            }
        }
        else
        {
            var seen = new Dictionary<string, Mark>(StringComparer.Ordinal);
            if (ReadDeploymentList(section, "deployments", deploymentNames, seen, "a route") is { } list)
            {
                shorthand = [.. list.Select(m => m.Deployment)];
            }
            else
            {
                ok = false;
            }
        }

        var tags = ReadLabels(section, "tags", "tags: [code, team-a]", ref ok);
        bool? classify = null;
        if (Value(section, "classify") is not null)
        {
            var value = false;
            ok &= TryReadBool(section, "classify", ref value);
            classify = value;
        }

        var defaults = new RouteConfig { Name = entry.Name };
        var allowPinning = defaults.AllowPinning;
        var confidential = defaults.Confidential;
        var detectPii = defaults.DetectPii;
        ok &= TryReadBool(section, "allow_pinning", ref allowPinning)
            & TryReadBool(section, "confidential", ref confidential)
            & TryReadBool(section, "detect_pii", ref detectPii);
        TimeSpan? hedgeAfter = null;
        if (Value(section, "hedge_after") is { } hedgeNode)
        {
            var after = TimeSpan.Zero;
            if (TryReadDuration(section, "hedge_after", ref after))
            {
                hedgeAfter = after;
                var members = tiers.IsDefaultOrEmpty ? shorthand.Length : tiers.Sum(t => t.Members.Length);
                if (members == 1)
                {
                    Error(hedgeNode, Join(path, "hedge_after"), "a hedge is a call to the next deployment of the route, but this route has only one deployment. Add a second deployment, or remove hedge_after.");
                    ok = false;
                }
            }
            else
            {
                ok = false;
            }
        }

        string? baseline = null;
        if (Value(section, "baseline") is { } baselineNode)
        {
            baseline = Scalar(baselineNode, Join(path, "baseline"), "a deployment or a model of the price catalog");
            if (baseline is not null && !deploymentNames.Contains(baseline) && !Economics.PriceCatalog.TryFind(baseline, out _) && !_pricedModels.Contains(Economics.PriceCatalog.Normalise(baseline)))
            {
                Error(baselineNode, Join(path, "baseline"), $"'{Truncate(baseline)}' is neither a deployment nor a model the price catalog or prices: knows. Name a deployment ({NameSuggester.List(deploymentNames)}), a catalog model such as gpt-4o, or add it under prices:.");
                ok = false;
            }
            else
            {
                ok &= baseline is not null;
            }
        }

        var quality = ReadQuality(section, deploymentNames, ref ok);
        var shadow = ReadShadow(section, deploymentNames, confidential, quality, ref ok);
        var cache = ReadRouteCache(section, ref ok);
        var router = ReadLearnedRouter(section, tiers.IsDefaultOrEmpty ? [.. shorthand.Select((_, i) => (i + 1).ToString(CultureInfo.InvariantCulture))] : [.. tiers.Select(t => t.Name)], ref ok);
        return ok
            ? new RouteConfig
            {
                Name = entry.Name,
                Deployments = shorthand,
                Tiers = tiers,
                Tags = tags,
                Classify = classify,
                AllowPinning = allowPinning,
                Confidential = confidential,
                DetectPii = detectPii,
                HedgeAfter = hedgeAfter,
                Quality = quality,
                Router = router,
                Baseline = baseline,
                Shadow = shadow,
                Cache = cache,
            }
            : null;
    }

    private ImmutableArray<TierConfig>? ReadTiers(Section route, List<string> deploymentNames, Dictionary<string, Mark> seen)
    {
        var key = Join(route.Path, "tiers");
        if (Value(route, "tiers") is not YamlSequenceNode list || list.Children.Count == 0)
        {
            var node = Value(route, "tiers");
            Error(node?.Start ?? MarkOf(route, "tiers"), key, $"expected a non-empty list of tiers{(node is null ? "" : $" but found {Describe(node)}")}. Write it as {TiersExample}.");
            return null;
        }

        var ok = true;
        var names = new Dictionary<string, Mark>(StringComparer.Ordinal);
        var tiers = ImmutableArray.CreateBuilder<TierConfig>(list.Children.Count);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var itemKey = $"{key}[{i}]";
            var item = list.Children[i];
            if (ReadSection(item, itemKey, item.Start, TierKeys, "{ name: open, balance: weighted, deployments: [llama-a, llama-b] }") is not { } tier)
            {
                ok = false;
                continue;
            }

            var name = (i + 1).ToString(CultureInfo.InvariantCulture);
            if (Value(tier, "name") is { } nameNode)
            {
                name = Scalar(nameNode, Join(itemKey, "name"), "a tier name") ?? name;
                if (name.Length == 0 || name.Length > 64 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
                {
                    Error(nameNode, Join(itemKey, "name"), $"'{Truncate(name)}' is not a valid tier name: use 1 to 64 letters, digits, '-', '_' or '.' (it is sent in the x-switchyard-tier header).");
                    ok = false;
                }
            }

            if (names.TryGetValue(name, out var first))
            {
                Error(Value(tier, "name")?.Start ?? item.Start, Join(itemKey, "name"), $"the tier name '{Truncate(name)}' is used twice in this route (first on line {LineOf(first)}). Give each tier its own name.");
                ok = false;
            }
            else
            {
                names.Add(name, Value(tier, "name")?.Start ?? item.Start);
            }

            var balance = BalanceStrategy.Weighted;
            ok &= TryReadChoice(tier, "balance", BalanceStrategies, ref balance);
            var when = ReadLabels(tier, "when", "when: [code]", ref ok);
            var members = ReadDeploymentList(tier, "deployments", deploymentNames, seen, "a tier");
            ok &= members is not null;
            if (ok)
            {
                tiers.Add(new TierConfig { Name = name, Balance = balance, Members = members!.Value, When = when });
            }
        }

        if (ok && tiers.All(t => !t.When.IsEmpty))
        {
            Error(list.Start, key, "every tier has a when rule, so a request that matches none of them could not be served. Add a tier without when (a general tier), usually the open model or the frontier API.");
            ok = false;
        }

        return ok ? tiers.ToImmutable() : null;
    }

    /// <summary>A list of deployments: names, or <c>{ deployment: NAME, weight: N }</c>; each deployment at most once per route.</summary>
    private ImmutableArray<TierMemberConfig>? ReadDeploymentList(Section section, string field, List<string> deploymentNames, Dictionary<string, Mark> seen, string owner)
    {
        var key = Join(section.Path, field);
        var howToFix = deploymentNames.Count > 0
            ? $"List the deployments to try, in order, e.g. deployments: [{deploymentNames[0]}]."
            : "List the deployments to try, in order, and define them under deployments:.";
        if (Value(section, field) is not { } node)
        {
            Error(MarkOf(section, field), key, $"{(section.Entries.ContainsKey(field) ? "empty" : "missing")}: {owner} needs at least one deployment. {howToFix}");
            return null;
        }

        if (node is not YamlSequenceNode list)
        {
            var hint = node is YamlScalarNode { Value: { } single } ? $" Write it as a list: deployments: [{single}]." : $" {howToFix}";
            Error(node, key, $"expected a list of deployment names but found {Describe(node)}.{hint}");
            return null;
        }

        if (list.Children.Count == 0)
        {
            Error(node, key, $"empty: {owner} needs at least one deployment. {howToFix}");
            return null;
        }

        var ok = true;
        var members = ImmutableArray.CreateBuilder<TierMemberConfig>(list.Children.Count);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            var itemKey = $"{key}[{i}]";
            string? name;
            var weight = 1;
            if (item is YamlMappingNode)
            {
                if (ReadSection(item, itemKey, item.Start, TierMemberKeys, "{ deployment: llama-a, weight: 3 }") is not { } member)
                {
                    ok = false;
                    continue;
                }

                name = RequiredString(member, "deployment", "Name the deployment, e.g. { deployment: llama-a, weight: 3 }.");
                ok &= TryReadInt(member, "weight", 1, 1_000_000, "It is the deployment's share of the tier's traffic relative to the others'.", ref weight);
                if (name is null)
                {
                    ok = false;
                    continue;
                }
            }
            else if (Scalar(item, itemKey, "a deployment name or { deployment: NAME, weight: N }") is { } text)
            {
                name = text;
            }
            else
            {
                ok = false;
                continue;
            }

            if (seen.TryGetValue(name, out var first))
            {
                Error(item, itemKey, $"'{Truncate(name)}' is listed twice in this route (first on line {LineOf(first)}); a route tries each deployment once. Remove one.");
                ok = false;
                continue;
            }

            seen.Add(name, item.Start);
            if (!deploymentNames.Contains(name, StringComparer.Ordinal))
            {
                var fix = deploymentNames.Count == 0
                    ? " No deployments are defined: add them under deployments:."
                    : $"{NameSuggester.DidYouMean(name, deploymentNames)} Defined deployments: {NameSuggester.List(deploymentNames)}.";
                Error(item, itemKey, $"the deployment '{Truncate(name)}' is not defined.{fix}");
                ok = false;
                continue;
            }

            members.Add(new TierMemberConfig(name, weight));
        }

        return ok ? members.ToImmutable() : null;
    }

    /// <summary>A list of labels (tags, classifier categories): lower-case words of letters, digits, '-', '_' and '.'.</summary>
    private ImmutableArray<string> ReadLabels(Section section, string field, string example, ref bool ok)
    {
        if (Value(section, field) is not { } node)
        {
            return [];
        }

        var key = Join(section.Path, field);
        IEnumerable<YamlNode> items = node is YamlSequenceNode list ? list.Children : [node];
        var labels = ImmutableArray.CreateBuilder<string>();
        foreach (var item in items)
        {
            if (Scalar(item, key, $"a label or a list of labels, e.g. {example}") is not { } text)
            {
                ok = false;
                continue;
            }

            var label = text.Trim().ToLowerInvariant();
            if (label.Length == 0 || label.Length > 64 || label.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            {
                Error(item, key, $"'{Truncate(text)}' is not a valid label: use 1 to 64 letters, digits, '-', '_' or '.', e.g. {example}.");
                ok = false;
                continue;
            }

            if (!labels.Contains(label))
            {
                labels.Add(label);
            }
        }

        return labels.ToImmutable();
    }
}
