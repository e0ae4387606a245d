using Switchyard.Gateway.Routing.Learned;

namespace Switchyard.Gateway.Tests.Routing.Learned;

public sealed class RouterTrainerTests
{
    private static readonly RouterTrainingOptions Options = new() { Source = "synthetic", Time = new FixedClock(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero)) };

    [Fact]
    public void Train_CheapTierFailsOnCode_HeldOutAurocAboveThresholdAndShareNearTarget()
    {
        var examples = SyntheticRouterData.Generate(4000, seed: 7);
        var training = examples[..3000];
        var heldOut = examples[3000..];

        var router = RouterTrainer.Train(training, Options);

        var scores = heldOut.Select(e => router.Predict(e.Prompt, e.Tags)).ToArray();
        var auroc = RoutingMetrics.Auroc(scores, heldOut.Select(e => e.CheapFailed).ToArray());
        Assert.True(auroc > 0.85, $"held-out AUROC {auroc:0.000}");
        Assert.True(router.Info.TrainingAuroc > 0.85, $"training AUROC {router.Info.TrainingAuroc:0.000}");

        var trainingShare = training.Count(e => router.ShouldEscalate(router.Predict(e.Prompt, e.Tags))) / (double)training.Count;
        var heldOutShare = scores.Count(router.ShouldEscalate) / (double)scores.Length;
        Assert.InRange(trainingShare, 0.19, 0.21);
        Assert.InRange(heldOutShare, 0.15, 0.25);
        Assert.Equal(0.2, router.TargetShare);

        // The same scores through the paper's metrics: sending the predicted failures first recovers most of the gap early.
        var evaluation = RoutingMetrics.Evaluate(heldOut.Select((e, i) => new RoutedItem(scores[i], e.CheapScore!.Value, e.StrongScore!.Value)).ToArray());
        // A random router's APGR is 0.5 in expectation.
        Assert.True(evaluation.Apgr > 0.7, $"APGR {evaluation.Apgr:0.000}");
    }

    [Fact]
    public void Train_RecordsWhereTheRouterCameFrom()
    {
        var examples = SyntheticRouterData.Generate(500, seed: 1);

        var router = RouterTrainer.Train(examples, Options);

        Assert.Equal(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero), router.Info.TrainedAt);
        Assert.Equal(500, router.Info.Examples);
        Assert.Equal(examples.Count(e => e.CheapFailed), router.Info.Positives);
        Assert.Equal("synthetic", router.Info.Source);
        Assert.Equal(18, router.Bits);
    }

    [Fact]
    public void Train_RarePositives_StillLearns()
    {
        // About 2% failures: without class weighting the router would learn to predict "passes" for everything.
        var examples = SyntheticRouterData.Generate(8000, seed: 11, codeShare: 0.02, failIfCode: 0.9, failOtherwise: 0.002);

        var router = RouterTrainer.Train(examples[..4000], Options with { TargetShare = 0.03 });

        var heldOut = examples[4000..];
        var auroc = RoutingMetrics.Auroc(heldOut.Select(e => router.Predict(e.Prompt, e.Tags)).ToArray(), heldOut.Select(e => e.CheapFailed).ToArray());
        Assert.True(auroc > 0.85, $"held-out AUROC {auroc:0.000} with {heldOut.Count(e => e.CheapFailed)} failures");
    }

    [Fact]
    public void Train_SameSeed_SamePredictions()
    {
        var examples = SyntheticRouterData.Generate(400, seed: 2);

        var first = RouterTrainer.Train(examples, Options);
        var second = RouterTrainer.Train(examples, Options);
        var other = RouterTrainer.Train(examples, Options with { Seed = 43 });

        Assert.All(examples, e => Assert.Equal(first.Predict(e.Prompt, e.Tags), second.Predict(e.Prompt, e.Tags)));
        Assert.Equal(first.Threshold, second.Threshold);
        Assert.Contains(examples, e => first.Predict(e.Prompt, e.Tags) != other.Predict(e.Prompt, e.Tags));
    }

    [Fact]
    public void Train_NoExamples_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => RouterTrainer.Train([], Options));
        Assert.Contains("no examples", error.Message);
    }

    [Theory]
    [InlineData(true, "failed")]
    [InlineData(false, "passed")]
    public void Train_OneClass_Throws(bool failed, string word)
    {
        RouterExample[] examples = [new("a", null, failed, null, null), new("b", "code", failed, null, null)];

        var error = Assert.Throws<ArgumentException>(() => RouterTrainer.Train(examples, Options));

        Assert.Contains($"All 2 examples {word}", error.Message);
    }

    [Fact]
    public void Train_BadOptions_ListsEveryProblem()
    {
        RouterExample[] examples = [new("a", null, true, null, null), new("b", null, false, null, null)];

        var error = Assert.Throws<ArgumentException>(() => RouterTrainer.Train(examples, Options with { Bits = 8, Epochs = 0, TargetShare = 1.5 }));

        Assert.Contains("Bits is 8", error.Message);
        Assert.Contains("Epochs is 0", error.Message);
        Assert.Contains("TargetShare is 1.5", error.Message);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.2, 2)]
    [InlineData(0.5, 5)]
    [InlineData(1.0, 10)]
    public void CalibrateThreshold_DistinctScores_SendsTheTargetShare(double share, int expected)
    {
        double[] scores = [0.05, 0.9, 0.3, 0.7, 0.1, 0.5, 0.2, 0.8, 0.4, 0.6];

        var threshold = RouterTrainer.CalibrateThreshold(scores, share);

        Assert.Equal(expected, scores.Count(s => s >= threshold));
    }

    [Fact]
    public void CalibrateThreshold_Ties_PicksTheCloserReachableShare()
    {
        // Target 3 of 10; the scores allow 2 (>= 0.9) or 6 (>= 0.5): 2 is closer.
        double[] scores = [0.9, 0.9, 0.5, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1];

        var threshold = RouterTrainer.CalibrateThreshold(scores, 0.3);

        Assert.Equal(0.9, threshold);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
