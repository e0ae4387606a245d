namespace Switchyard.Gateway.Evaluation.Statistics;

/// <summary>A 95% confidence interval around an estimate.</summary>
internal readonly record struct Interval(double Estimate, double Low, double High)
{
    /// <summary>Whether the two intervals share any value.</summary>
    public bool Overlaps(Interval other) => Low <= other.High && other.Low <= High;
}
