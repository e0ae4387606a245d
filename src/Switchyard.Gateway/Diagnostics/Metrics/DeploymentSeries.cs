namespace Switchyard.Gateway.Diagnostics.Metrics;

/// <summary>The series of one deployment: the duration of each call by its outcome, and the times it was passed over.</summary>
internal sealed class DeploymentSeries
{
    /// <summary>By <see cref="MetricLabels.AttemptOutcomes"/>.</summary>
    public readonly Histogram[] Attempts = [.. MetricLabels.AttemptOutcomes.Select(_ => new Histogram(Histogram.LatencyBuckets))];

    /// <summary>By <see cref="MetricLabels.SkipReasons"/>.</summary>
    public readonly long[] Skips = new long[MetricLabels.SkipReasons.Length];
}
