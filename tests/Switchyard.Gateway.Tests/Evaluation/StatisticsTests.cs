using Switchyard.Gateway.Evaluation.Statistics;

namespace Switchyard.Gateway.Tests.Evaluation;

/// <summary>
/// The report's statistics against values worked by hand (Wilson's formula with z = 1.96), from published tables
/// (Student's t), and from an independent exact computation of Fisher's test (binomial coefficients in Python's integers).
/// </summary>
public sealed class StatisticsTests
{
    [Theory]
    [InlineData(8, 10, 0.8, 0.4902, 0.9433)]
    [InlineData(0, 10, 0.0, 0.0, 0.2775)]
    [InlineData(10, 10, 1.0, 0.7225, 1.0)]
    [InlineData(50, 100, 0.5, 0.4038, 0.5962)]
    public void Wilson_KnownCounts_MatchTheHandWorkedInterval(int passed, int trials, double estimate, double low, double high)
    {
        var interval = ConfidenceIntervals.Wilson(passed, trials);

        Assert.Equal(estimate, interval.Estimate, 4);
        Assert.Equal(low, interval.Low, 4);
        Assert.Equal(high, interval.High, 4);
    }

    [Fact]
    public void Wilson_NoTrials_IsTheWholeRange()
        => Assert.Equal(new Interval(0, 0, 1), ConfidenceIntervals.Wilson(0, 0));

    [Fact]
    public void Mean_FiveValues_UsesStudentsTWithFourDegreesOfFreedom()
    {
        // mean 3, s = sqrt(2.5) = 1.5811, se = 0.7071, t(4) = 2.7764: 3 ± 1.9632.
        var interval = ConfidenceIntervals.Mean([1, 2, 3, 4, 5], min: 0, max: 10);

        Assert.Equal(3, interval.Estimate, 6);
        Assert.Equal(1.0368, interval.Low, 4);
        Assert.Equal(4.9632, interval.High, 4);
    }

    [Fact]
    public void Mean_IsClampedToTheScoresRange()
    {
        var interval = ConfidenceIntervals.Mean([1, 1, 0.9]);

        Assert.Equal(1, interval.High);
        Assert.True(interval.Low < 0.9);
    }

    [Theory]
    [InlineData(1, 12.706205)]
    [InlineData(10, 2.228139)]
    [InlineData(30, 2.042272)]
    [InlineData(60, 2.000298)]
    public void TQuantile_TabulatedDegrees_AreThePublishedValues(int degrees, double expected)
        => Assert.Equal(expected, ConfidenceIntervals.TQuantile(degrees), 6);

    [Fact]
    public void TQuantile_ManyDegrees_ApproachesTheNormalQuantile()
    {
        // Published: t(0.975, 1000) = 1.962339.
        Assert.Equal(1.9623, ConfidenceIntervals.TQuantile(1000), 3);
        Assert.True(ConfidenceIntervals.TQuantile(200) > ConfidenceIntervals.TQuantile(1000));
    }

    [Theory]
    [InlineData(3, 4, 1, 4, 0.485714)]
    [InlineData(20, 20, 12, 20, 0.003276)]
    [InlineData(9, 10, 5, 10, 0.140867)]
    [InlineData(5, 10, 5, 10, 1.0)]
    public void Fisher_KnownTables_MatchTheExactComputation(int passedA, int trialsA, int passedB, int trialsB, double expected)
        => Assert.Equal(expected, FisherExactTest.TwoSided(passedA, trialsA, passedB, trialsB), 6);

    [Fact]
    public void Percentiles_InterpolateBetweenRanks()
    {
        Assert.Equal(2.5, Percentiles.Of([4, 1, 3, 2], 50));
        Assert.Equal(3.85, Percentiles.Of([1, 2, 3, 4], 95)!.Value, 6);
        Assert.Equal(7, Percentiles.Of([7], 95));
        Assert.Null(Percentiles.Of([], 50));
    }
}
