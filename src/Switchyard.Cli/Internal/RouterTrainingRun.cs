using System.Diagnostics;
using Switchyard.Gateway.Routing.Learned;

namespace Switchyard.Cli.Internal;

/// <summary>What one training run produced: the router with its calibrated threshold, and how it was measured.</summary>
/// <param name="Router">The trained router, its threshold calibrated to the target share.</param>
/// <param name="HeldOut">
/// How many examples it was measured on without having trained on them (all, cross-validated, below
/// <see cref="RouterTrainingRun.CrossValidateBelow"/>; a fifth above); 0 when there were too few of one kind.
/// </param>
/// <param name="HeldOutAuroc">Its AUROC on those examples, when it was measured.</param>
/// <param name="Seconds">Time spent training and calibrating.</param>
internal sealed record RouterTrainingResult(EscalationRouter Router, int HeldOut, double? HeldOutAuroc, double Seconds);

/// <summary>
/// One training run of the learned router, as <c>switchyard router train</c> and the demo's second round both do it: measure
/// the router and calibrate its threshold on examples it did not learn from (cross-validated for small sets, a held-out fifth
/// for large ones).
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

    /// <summary>
    /// Below this many examples the router is measured and calibrated by 5-fold cross-validation, then trained on all of
    /// them: a fifth of a small set is too few scores to place a threshold on (40 examples would leave 8).
    /// </summary>
    public const int CrossValidateBelow = 5000;

    private const int Folds = 5;

    /// <summary>Trains, measures and calibrates a router on <paramref name="examples"/> (check <see cref="Insufficient"/> first).</summary>
    public static RouterTrainingResult Train(IReadOnlyList<RouterExample> examples, RouterTrainingOptions options)
    {
        // The threshold is calibrated on scores of examples the model did not train on: a model sends fewer of its own
        // training prompts ahead than of new ones (it fits them closely), so calibrating on those would send too many later.
        var shuffled = examples.OrderBy(e => Hash(e.Prompt, options.Seed)).ToList();
        var clock = Stopwatch.StartNew();
        if (shuffled.Count < CrossValidateBelow)
        {
            // Every example is scored by a model trained on the other four fifths; the router itself learns from all.
            var scores = new double[shuffled.Count];
            var measured = true;
            for (var fold = 0; fold < Folds && measured; fold++)
            {
                var train = shuffled.Where((_, i) => i % Folds != fold).ToList();
                if (!train.Exists(e => e.CheapFailed) || !train.Exists(e => !e.CheapFailed))
                {
                    measured = false;
                    break;
                }

                var model = RouterTrainer.Train(train, options);
                for (var i = fold; i < shuffled.Count; i += Folds)
                {
                    scores[i] = model.Predict(shuffled[i].Prompt, shuffled[i].Tags);
                }
            }

            var all = RouterTrainer.Train(shuffled, options);
            if (!measured)
            {
                return new RouterTrainingResult(all, 0, null, clock.Elapsed.TotalSeconds);
            }

            var evaluation = RoutingMetrics.Evaluate([.. shuffled.Select((e, i) => new RoutedItem(scores[i], e.CheapFailed ? 0 : 1, 1))]);
            var router = all.WithThreshold(RouterTrainer.CalibrateThreshold(scores, options.TargetShare), options.TargetShare);
            return new RouterTrainingResult(router, shuffled.Count, evaluation.Auroc, clock.Elapsed.TotalSeconds);
        }

        // Large sets: train on 80%, measure and calibrate on the 20% held out.
        var cut = shuffled.Count / 5;
        var heldOut = shuffled[..cut];
        var trainPart = shuffled[cut..];
        if (trainPart.Exists(e => e.CheapFailed) && trainPart.Exists(e => !e.CheapFailed) && heldOut.Exists(e => e.CheapFailed) && heldOut.Exists(e => !e.CheapFailed))
        {
            var trained = RouterTrainer.Train(trainPart, options);
            var scores = heldOut.Select(e => trained.Predict(e.Prompt, e.Tags)).ToArray();
            var evaluation = RoutingMetrics.Evaluate([.. heldOut.Select((e, i) => new RoutedItem(scores[i], e.CheapFailed ? 0 : 1, 1))]);
            var router = trained.WithThreshold(RouterTrainer.CalibrateThreshold(scores, options.TargetShare), options.TargetShare);
            return new RouterTrainingResult(router, heldOut.Count, evaluation.Auroc, clock.Elapsed.TotalSeconds);
        }

        return new RouterTrainingResult(RouterTrainer.Train(shuffled, options), 0, null, clock.Elapsed.TotalSeconds);
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
