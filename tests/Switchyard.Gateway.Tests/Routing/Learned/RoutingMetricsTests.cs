using Switchyard.Gateway.Routing.Learned;

namespace Switchyard.Gateway.Tests.Routing.Learned;

public sealed class RoutingMetricsTests
{
    private const double Exact = 1e-12;

    [Fact]
    public void Evaluate_FiveItems_MatchesHandComputedFigures()
    {
        // item  score  weak  strong  gain (strong - weak)
        //  A     0.9   0.2   1.0      0.8
        //  B     0.6   0.5   0.9      0.4   } same score: routed together
        //  C     0.6   0.8   0.8      0.0   }
        //  D     0.3   0.6   0.4     -0.2
        //  E     0.1   0.9   1.0      0.1
        // weak mean = 3.0 / 5 = 0.6; strong mean = 4.1 / 5 = 0.82; gap = 0.22.
        // quality(t) = 0.6 + (sum of gains routed) / 5; PGR = (quality - 0.6) / 0.22.
        //   none      share 0.0  quality 0.60  PGR 0
        //   >= 0.9    share 0.2  quality 0.76  PGR 0.16 / 0.22 =  8/11
        //   >= 0.6    share 0.6  quality 0.84  PGR 0.24 / 0.22 = 12/11
        //   >= 0.3    share 0.8  quality 0.80  PGR 0.20 / 0.22 = 10/11
        //   >= 0.1    share 1.0  quality 0.82  PGR 1
        // APGR = 0.2 (0 + 8/11)/2 + 0.4 (8/11 + 12/11)/2 + 0.2 (12/11 + 10/11)/2 + 0.2 (10/11 + 11/11)/2
        //      = (0.8 + 4.0 + 2.2 + 2.1) / 11 = 9.1 / 11.
        // CPT(50%) = 0.2 (8/11 ≥ 0.5 at the first step); CPT(80%) = 0.6 (12/11 ≥ 0.8; 8/11 < 0.8).
        // AUROC: weak failed (weak < strong) on A, B, E; not on C (equal) or D. Pairs (failed, other):
        //   A>C 1, A>D 1, B=C 1/2, B>D 1, E<C 0, E<D 0  =>  3.5 / 6 = 7/12.
        RoutedItem[] items =
        [
            new(0.6, 0.8, 0.8), new(0.1, 0.9, 1.0), new(0.9, 0.2, 1.0), new(0.3, 0.6, 0.4), new(0.6, 0.5, 0.9),
        ];

        var result = RoutingMetrics.Evaluate(items);

        Assert.Equal(0.6, result.WeakMean, Exact);
        Assert.Equal(0.82, result.StrongMean, Exact);
        Assert.False(result.GapIsDegenerate);
        Assert.Null(result.Note);
        double[] shares = [0, 0.2, 0.6, 0.8, 1];
        double[] qualities = [0.6, 0.76, 0.84, 0.80, 0.82];
        double[] pgrs = [0, 8.0 / 11, 12.0 / 11, 10.0 / 11, 1];
        double[] thresholds = [double.PositiveInfinity, 0.9, 0.6, 0.3, 0.1];
        Assert.Equal(5, result.Curve.Count);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(shares[i], result.Curve[i].CallShare, Exact);
            Assert.Equal(qualities[i], result.Curve[i].Quality, Exact);
            Assert.Equal(pgrs[i], result.Curve[i].Pgr, Exact);
            Assert.Equal(thresholds[i], result.Curve[i].Threshold);
        }

        Assert.Equal(9.1 / 11, result.Apgr, Exact);
        Assert.Equal(0.2, result.Cpt50!.Value, Exact);
        Assert.Equal(0.6, result.Cpt80!.Value, Exact);
        Assert.Equal(7.0 / 12, result.Auroc!.Value, Exact);
    }

    [Fact]
    public void Evaluate_RoutingAll_EndsExactlyAtTheStrongMean()
    {
        var random = new Random(3);
        var items = Enumerable.Range(0, 1000).Select(_ => new RoutedItem(random.Next(20) / 20.0, random.NextDouble(), random.NextDouble())).ToArray();

        var result = RoutingMetrics.Evaluate(items);

        Assert.Equal(0.0, result.Curve[0].CallShare);
        Assert.Equal(result.WeakMean, result.Curve[0].Quality);
        Assert.Equal(1.0, result.Curve[^1].CallShare);
        Assert.Equal(result.StrongMean, result.Curve[^1].Quality);
        Assert.Equal(1.0, result.Curve[^1].Pgr);
        // 20 distinct scores: one point each plus routing none.
        Assert.Equal(21, result.Curve.Count);
    }

    [Fact]
    public void Evaluate_AllScoresTied_OneStepFromNoneToAll()
    {
        RoutedItem[] items = [new(0.5, 0, 1), new(0.5, 1, 1), new(0.5, 0, 0)];

        var result = RoutingMetrics.Evaluate(items);

        // weak mean 1/3, strong mean 2/3: PGR 0 then 1, so APGR is the triangle's 1/2 and both CPTs are 1.
        Assert.Equal(2, result.Curve.Count);
        Assert.Equal(0.5, result.Apgr, Exact);
        Assert.Equal(1.0, result.Cpt50);
        Assert.Equal(1.0, result.Cpt80);
        Assert.Equal(0.5, result.Auroc);
    }

    [Fact]
    public void Evaluate_OracleScores_RecoverTheGapEarly()
    {
        // Scores equal to the gain: the strong model is called exactly where it helps.
        RoutedItem[] items = [new(1, 0, 1), new(0, 1, 1), new(0, 0, 0), new(0, 1, 1)];

        var result = RoutingMetrics.Evaluate(items);

        // Weak mean 0.5, strong mean 0.75. Routing the first item (share 0.25) reaches 0.75: PGR 1.
        Assert.Equal(0.25, result.Cpt80);
        Assert.Equal(1.0, result.Auroc);
        // Trapezoids: 0.25 (0 + 1)/2 + 0.75 (1 + 1)/2 = 0.125 + 0.75.
        Assert.Equal(0.875, result.Apgr, Exact);
    }

    [Fact]
    public void Evaluate_EqualMeans_SaysSoWithoutNaN()
    {
        RoutedItem[] items = [new(0.9, 0.7, 0.7), new(0.1, 0.3, 0.3), new(0.5, 1, 1)];

        var result = RoutingMetrics.Evaluate(items);

        Assert.True(result.GapIsDegenerate);
        Assert.Equal(0, result.Apgr);
        Assert.Null(result.Cpt50);
        Assert.Null(result.Cpt80);
        Assert.Null(result.Auroc);
        Assert.All(result.Curve, p => Assert.False(double.IsNaN(p.Pgr) || double.IsNaN(p.Quality)));
        Assert.Contains("same mean quality", result.Note);
        Assert.Contains("AUROC is not defined", result.Note);
    }

    [Fact]
    public void Evaluate_NoItemsOrNaN_Throws()
    {
        Assert.Throws<ArgumentException>(() => RoutingMetrics.Evaluate([]));
        Assert.Throws<ArgumentException>(() => RoutingMetrics.Evaluate([new RoutedItem(double.NaN, 0, 1)]));
    }

    [Fact]
    public void RandomExpectation_FiveItems_PgrIsTheCallShare()
    {
        // The same items as above: weak mean 0.6, strong mean 0.82, gap 0.22. Routing a random k of 5 gains k/5 of the
        // total gain 1.1 in expectation: quality 0.6 + 0.22 k/5, PGR k/5.
        RoutedItem[] items =
        [
            new(0.6, 0.8, 0.8), new(0.1, 0.9, 1.0), new(0.9, 0.2, 1.0), new(0.3, 0.6, 0.4), new(0.6, 0.5, 0.9),
        ];

        var result = RoutingMetrics.RandomExpectation(items);

        Assert.Equal(6, result.Curve.Count);
        for (var k = 0; k <= 5; k++)
        {
            Assert.Equal(k / 5.0, result.Curve[k].CallShare, Exact);
            Assert.Equal(k / 5.0, result.Curve[k].Pgr, Exact);
            Assert.Equal(0.6 + (0.22 * k / 5), result.Curve[k].Quality, Exact);
        }

        Assert.Equal(0.5, result.Apgr, Exact);
        // The first share k/5 at or past 0.5 is 3/5; at or past 0.8 it is 4/5.
        Assert.Equal(0.6, result.Cpt50!.Value, Exact);
        Assert.Equal(0.8, result.Cpt80!.Value, Exact);
        Assert.Equal(0.5, result.Auroc);
    }

    [Fact]
    public void RandomExpectation_MatchesTheMeanOfManyRandomDraws()
    {
        var random = new Random(3);
        var items = Enumerable.Range(0, 200).Select(_ => new RoutedItem(0, random.Next(3) == 0 ? 0 : 1, random.NextDouble() < 0.95 ? 1 : 0)).ToArray();
        var expected = RoutingMetrics.RandomExpectation(items);

        const int Draws = 2000;
        double apgr = 0, auroc = 0, pgrAtHalf = 0;
        for (var draw = 0; draw < Draws; draw++)
        {
            var evaluation = RoutingMetrics.Evaluate([.. items.Select(i => i with { Score = random.NextDouble() })]);
            apgr += evaluation.Apgr;
            auroc += evaluation.Auroc!.Value;
            pgrAtHalf += evaluation.Curve[items.Length / 2].Pgr;
        }

        // Each draw's APGR spreads by about 0.05; the mean of 2,000 by about 0.001.
        Assert.Equal(expected.Apgr, apgr / Draws, 0.005);
        Assert.Equal(expected.Auroc!.Value, auroc / Draws, 0.005);
        Assert.Equal(expected.Curve[items.Length / 2].Pgr, pgrAtHalf / Draws, 0.01);
    }

    [Fact]
    public void RandomExpectation_EqualMeansOrOneClass_SaysSo()
    {
        var equal = RoutingMetrics.RandomExpectation([new(0, 1, 1), new(0, 0, 0)]);
        var allFail = RoutingMetrics.RandomExpectation([new(0, 0, 1), new(0, 0.5, 1)]);

        Assert.True(equal.GapIsDegenerate);
        Assert.Equal(0, equal.Apgr);
        Assert.Null(equal.Cpt50);
        Assert.NotNull(equal.Note);
        Assert.Null(allFail.Auroc);
        Assert.Equal(0.5, allFail.Apgr, Exact);
        Assert.Throws<ArgumentException>(() => RoutingMetrics.RandomExpectation([]));
        Assert.Throws<ArgumentException>(() => RoutingMetrics.RandomExpectation([new(0, double.NaN, 1)]));
    }

    [Fact]
    public void Auroc_TiesAcrossClasses_CountHalf()
    {
        // Positives 0.5, 0.5; negatives 0.5, 0.2. Pairs: (0.5, 0.5) 1/2 twice, (0.5, 0.2) 1 twice => 3 / 4.
        double[] scores = [0.5, 0.2, 0.5, 0.5];
        bool[] positives = [true, false, false, true];

        Assert.Equal(0.75, RoutingMetrics.Auroc(scores, positives)!.Value, Exact);
    }

    [Fact]
    public void Auroc_EverythingTied_IsOneHalf()
    {
        Assert.Equal(0.5, RoutingMetrics.Auroc([0.3, 0.3, 0.3, 0.3], [true, false, false, false]));
    }

    [Fact]
    public void Auroc_PerfectAndReversed_AreOneAndZero()
    {
        Assert.Equal(1.0, RoutingMetrics.Auroc([0.9, 0.8, 0.1], [true, true, false]));
        Assert.Equal(0.0, RoutingMetrics.Auroc([0.1, 0.2, 0.9], [true, true, false]));
    }

    [Fact]
    public void Auroc_OneClass_IsNull()
    {
        Assert.Null(RoutingMetrics.Auroc([0.1, 0.2], [true, true]));
    }
}
