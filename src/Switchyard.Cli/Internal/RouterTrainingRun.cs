using System.Diagnostics;
using Switchyard.Gateway.Routing.Learned;

namespace Switchyard.Cli.Internal;

/// <summary>What one training run produced: the router with its calibrated threshold, and how it was measured.</summary>
/// <param name="Router">The trained router, its threshold calibrated to the target share.</param>
/// <param name="HeldOut">How many examples were held out to measure it; 0 when there were too few of one kind.</param>
/// <param name="HeldOutAuroc">Its AUROC on the held-out examples, when some were held out.</param>
/// <param name="Seconds">Time spent training and calibrating.</param>
internal sealed record RouterTrainingResult(EscalationRouter Router, int HeldOut, double? HeldOutAuroc, double Seconds);

/// <summary>
/// One training run of the learned router, as <c>switchyard router train</c> and the demo's second round both do it: train on
/// 80% of the examples, measure on the 20% held out, and calibrate the threshold there.
/// </summary>
internal static class RouterTrainingRun
{
    /// <summary>
    /// Whether <paramref name="examples"/> can teach a router anything: at least 10, with both outcomes. <see langword="null"/>
    /// when they can; otherwise what is missing.
    /// </summary>
    public static string? Insufficient(IReadOnlyList<RouterExample> examples)
    {
        var positives = examples.Count(e => e.CheapFailed);
        return positives == 0 || positives == examples.Count || examples.Count < 10
            ? $"Not enough to learn from: {examples.Count} examples, {positives} where the cheap tier failed. The router needs both kinds, at least 10 in all."
            : null;
    }

    /// <summary>Trains, measures and calibrates a router on <paramref name="examples"/> (check <see cref="Insufficient"/> first).</summary>
    public static RouterTrainingResult Train(IReadOnlyList<RouterExample> examples, RouterTrainingOptions options)
    {
        // Train on 80% and measure on the 20% held out; the threshold is calibrated on the held-out scores too, since a model
        // sends fewer of its own training prompts ahead than of new ones (it fits them closely).
        var shuffled = examples.OrderBy(e => Hash(e.Prompt, options.Seed)).ToList();
        var cut = Math.Max(1, shuffled.Count / 5);
        var heldOut = shuffled[..cut];
        var trainPart = shuffled[cut..];
        var clock = Stopwatch.StartNew();
        if (trainPart.Exists(e => e.CheapFailed) && trainPart.Exists(e => !e.CheapFailed) && heldOut.Exists(e => e.CheapFailed) && heldOut.Exists(e => !e.CheapFailed))
        {
            var trained = RouterTrainer.Train(trainPart, options);
            var scores = heldOut.Select(e => trained.Predict(e.Prompt, e.Label)).ToArray();
            var evaluation = RoutingMetrics.Evaluate([.. heldOut.Select((e, i) => new RoutedItem(scores[i], e.CheapFailed ? 0 : 1, 1))]);
            var router = trained.WithThreshold(RouterTrainer.CalibrateThreshold(scores, options.TargetShare), options.TargetShare);
            return new RouterTrainingResult(router, heldOut.Count, evaluation.Auroc, clock.Elapsed.TotalSeconds);
        }

        var all = RouterTrainer.Train(examples, options);
        return new RouterTrainingResult(all, 0, null, clock.Elapsed.TotalSeconds);
    }

    /// <summary>A seeded FNV-1a hash of the prompt: the same split for the same examples and seed.</summary>
    private static ulong Hash(string text, int seed)
    {
        var hash = 14695981039346656037UL ^ (ulong)seed;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
