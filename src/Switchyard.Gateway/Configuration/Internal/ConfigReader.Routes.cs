using System.Collections.Immutable;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>routes:</c>: the model names clients use, each an ordered list of existing deployments.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] RouteKeys = ["deployments"];

    private const string RoutesExample = "routes: { chat: { deployments: [llama-8b, gpt-4o] } }";

    private ImmutableArray<RouteConfig> ReadRoutes(Section top, List<string> deploymentNames)
    {
        var routesNode = Value(top, "routes");
        var entries = ReadNamed(routesNode, "routes", RoutesExample);
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

        var key = Join(path, "deployments");
        var howToFix = deploymentNames.Count > 0
            ? $"List the deployments to try, in order, e.g. deployments: [{deploymentNames[0]}]."
            : "List the deployments to try, in order, and define them under deployments:.";
        if (Value(section, "deployments") is not { } node)
        {
            Error(MarkOf(section, "deployments"), key, $"{(section.Entries.ContainsKey("deployments") ? "empty" : "missing")}: a route needs at least one deployment. {howToFix}");
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
            Error(node, key, $"empty: a route needs at least one deployment. {howToFix}");
            return null;
        }

        var ok = true;
        var seen = new Dictionary<string, Mark>(StringComparer.Ordinal);
        var deployments = ImmutableArray.CreateBuilder<string>(list.Children.Count);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            var itemKey = $"{key}[{i}]";
            if (Scalar(item, itemKey, "a deployment name") is not { } name)
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

            deployments.Add(name);
        }

        return ok ? new RouteConfig { Name = entry.Name, Deployments = deployments.ToImmutable() } : null;
    }
}
