using System.Collections.Immutable;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>routes.NAME.shadow:</c>: a share of the route's requests also sent to a candidate deployment and compared.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] ShadowKeys = ["deployment", "share", "seed", "budget", "compare", "judge", "max_concurrency", "queue", "timeout", "record_text"];
    private static readonly string[] ShadowBudgetKeys = ["usd", "per"];
    private static readonly (string Word, ShadowCompare Value)[] ShadowComparisons =
        [("quality", ShadowCompare.Quality), ("judge", ShadowCompare.Judge), ("agreement", ShadowCompare.Agreement)];

    private const string ShadowExample = "shadow: { deployment: qwen-32b, share: 0.1, seed: 42, budget: { usd: 5, per: day }, compare: [quality, agreement] }";

    /// <summary>The deployments read before the routes: a shadow's candidate must be in-house on a confidential route.</summary>
    private ImmutableArray<DeploymentConfig> _deployments = [];

    private ShadowConfig? ReadShadow(Section route, List<string> deploymentNames, bool confidential, QualityConfig? quality, ref bool ok)
    {
        if (!route.Entries.TryGetValue("shadow", out var entry) || IsNull(entry.Value))
        {
            return null;
        }

        var path = Join(route.Path, "shadow");
        if (ReadSection(entry.Value, path, entry.Key.Start, ShadowKeys, ShadowExample) is not { } section)
        {
            ok = false;
            return null;
        }

        var good = true;
        var deployment = RequiredString(section, "deployment", $"Name the candidate deployment, e.g. {ShadowExample}.");
        if (deployment is not null && !deploymentNames.Contains(deployment, StringComparer.Ordinal))
        {
            Error(MarkOf(section, "deployment"), Join(path, "deployment"), $"the deployment '{Truncate(deployment)}' is not defined.{NameSuggester.DidYouMean(deployment, deploymentNames)} Defined deployments: {NameSuggester.List(deploymentNames)}.");
            good = false;
        }
        else if (deployment is not null && confidential && _deployments.FirstOrDefault(d => d.Name == deployment) is { Hosting: Hosting.External })
        {
            // SECURITY: every request of a confidential route stays in-house, so an external candidate would never be asked.
            Error(MarkOf(section, "deployment"), Join(path, "deployment"), $"the route is confidential, so its requests never go to '{Truncate(deployment)}', an external deployment: the shadow would never run. Shadow with an in-house (self-hosted) deployment.");
            good = false;
        }

        good &= deployment is not null;
        var defaults = new ShadowConfig { Deployment = "" };
        var share = defaults.Share;
        var maxConcurrency = defaults.MaxConcurrency;
        var queue = defaults.Queue;
        var timeout = defaults.Timeout;
        var record = defaults.RecordText;
        long seed = 0;
        good &= TryReadNumber(section, "share", 0, 1, ref share)
            & TryReadInt(section, "seed", long.MinValue / 2, long.MaxValue / 2, "It picks which requests are shadowed: the same seed and request id always choose alike.", ref seed)
            & TryReadInt(section, "max_concurrency", 1, 1024, "It is how many comparisons run at once.", ref maxConcurrency)
            & TryReadInt(section, "queue", 1, 100_000, "It is how many comparisons may wait; beyond it new ones are dropped and counted.", ref queue)
            & TryReadDuration(section, "timeout", ref timeout)
            & TryReadBool(section, "record_text", ref record);
        if (share == 0 && Value(section, "share") is { } shareNode)
        {
            Error(shareNode, Join(path, "share"), "0 shadows nothing: give a share above 0 (0.1 shadows one request in ten), or remove shadow.");
            good = false;
        }

        var budget = ReadShadowBudget(section, ref good);
        var compare = ReadShadowCompare(section, ref good);
        var judge = ReadJudge(section, deploymentNames, ref good);
        if ((compare & ShadowCompare.Judge) != 0 && judge is null && quality?.Judge is null && good)
        {
            Error(MarkOf(section, "compare"), Join(path, "compare"), "compares with a judge, but neither shadow.judge nor the route's quality.judge names one. Add judge: { deployment: gpt-4o } under shadow, or leave judge out of compare.");
            good = false;
        }

        ok &= good;
        return good
            ? new ShadowConfig
            {
                Deployment = deployment!,
                Share = share,
                Seed = seed,
                Budget = budget,
                Compare = compare,
                Judge = judge ?? quality?.Judge,
                MaxConcurrency = maxConcurrency,
                Queue = queue,
                Timeout = timeout,
                RecordText = record,
            }
            : null;
    }

    private ShadowBudgetConfig? ReadShadowBudget(Section shadow, ref bool ok)
    {
        if (!shadow.Entries.TryGetValue("budget", out var entry) || IsNull(entry.Value))
        {
            return null;
        }

        var path = Join(shadow.Path, "budget");
        if (ReadSection(entry.Value, path, entry.Key.Start, ShadowBudgetKeys, "budget: { usd: 5, per: day }") is not { } section)
        {
            ok = false;
            return null;
        }

        var usd = 0.0;
        var per = BudgetPeriod.Day;
        var good = true;
        if (Value(section, "usd") is null)
        {
            Error(section.Owner, Join(path, "usd"), "is required: the US dollars the shadow may spend per day or month (its candidate's and its judge's calls), e.g. budget: { usd: 5, per: day }.");
            good = false;
        }
        else
        {
            good &= TryReadNumber(section, "usd", 0, 1e9, ref usd);
        }

        good &= TryReadChoice(section, "per", BudgetPeriods, ref per);
        ok &= good;
        return good ? new ShadowBudgetConfig(decimal.Round((decimal)usd, 8), per) : null;
    }

    private ShadowCompare ReadShadowCompare(Section shadow, ref bool ok)
    {
        if (Value(shadow, "compare") is not { } node)
        {
            return new ShadowConfig { Deployment = "" }.Compare;
        }

        var key = Join(shadow.Path, "compare");
        IEnumerable<YamlNode> items = node is YamlSequenceNode list ? list.Children : [node];
        var compare = ShadowCompare.None;
        foreach (var item in items)
        {
            if (Scalar(item, key, "quality, judge or agreement") is not { } word)
            {
                ok = false;
                continue;
            }

            var match = ShadowComparisons.FirstOrDefault(c => c.Word == word);
            if (match.Word is null)
            {
                Error(item, key, $"'{Truncate(word)}' is not a comparison.{NameSuggester.DidYouMean(word, ShadowComparisons.Select(c => c.Word))} Use quality, judge or agreement, e.g. compare: [quality, judge, agreement].");
                ok = false;
                continue;
            }

            compare |= match.Value;
        }

        if (compare == ShadowCompare.None && ok)
        {
            Error(node, key, "compares nothing: list at least one of quality, judge and agreement.");
            ok = false;
        }

        return compare;
    }
}
