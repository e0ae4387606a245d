using System.Collections.Immutable;
using Switchyard.Gateway.Routing.Learned;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>routes.NAME.router:</c>: the learned router that sends the requests the cheap tiers would fail further on.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] LearnedRouterKeys = ["model", "threshold", "tier"];

    private LearnedRouterConfig? ReadLearnedRouter(Section route, ImmutableArray<string> tierNames, ref bool ok)
    {
        if (!route.Entries.TryGetValue("router", out var entry) || IsNull(entry.Value))
        {
            return null;
        }

        var path = Join(route.Path, "router");
        if (ReadSection(entry.Value, path, entry.Key.Start, LearnedRouterKeys, "router: { model: switchyard.router, tier: frontier }") is not { } section)
        {
            ok = false;
            return null;
        }

        if (Value(section, "model") is not { } modelNode || Scalar(modelNode, Join(path, "model"), "the trained router's file") is not { } model || model.Trim().Length == 0)
        {
            Error(MarkOf(section, "model"), Join(path, "model"), "the trained router's file is required, e.g. model: switchyard.router (made by `switchyard router train`).");
            ok = false;
            return null;
        }

        // Relative to the configuration file, as a user reading it expects; the file is read now so that a missing or
        // broken router stops the configuration from loading, with its line, instead of failing requests later.
        var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(_file)) ?? ".", model.Trim()));
        var good = true;
        try
        {
            using var stream = File.OpenRead(full);
            EscalationRouter.Load(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Error(modelNode, Join(path, "model"), $"cannot read the router '{full}': {e.Message}. Train one with `switchyard router train -o {model.Trim()}`.");
            good = false;
        }
        catch (RouterFileException e)
        {
            Error(modelNode, Join(path, "model"), $"'{full}' is not a router this switchyard can use: {e.Message}");
            good = false;
        }

        double? threshold = null;
        if (Value(section, "threshold") is not null)
        {
            var value = 0.5;
            good &= TryReadNumber(section, "threshold", 0, 1, ref value);
            threshold = value;
        }

        string? tier = null;
        if (Value(section, "tier") is { } tierNode)
        {
            tier = Scalar(tierNode, Join(path, "tier"), "a tier name");
            if (tier is not null && !tierNames.Contains(tier))
            {
                Error(tierNode, Join(path, "tier"), $"the route has no tier '{Truncate(tier)}'. Its tiers: {string.Join(", ", tierNames)}.{NameSuggester.DidYouMean(tier, tierNames)}");
                good = false;
            }
        }

        ok &= good;
        return good ? new LearnedRouterConfig { Model = full, Threshold = threshold, Tier = tier } : null;
    }
}
