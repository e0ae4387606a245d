namespace Switchyard.Gateway.Diagnostics.Metrics;

/// <summary>The series of one route: escalations by reason and fallbacks by reason.</summary>
internal sealed class RouteSeries
{
    /// <summary>By <see cref="MetricLabels.EscalationReasons"/>.</summary>
    public readonly long[] Escalations = new long[MetricLabels.EscalationReasons.Length];

    /// <summary>By <see cref="MetricLabels.FallbackReasons"/>.</summary>
    public readonly long[] Fallbacks = new long[MetricLabels.FallbackReasons.Length];
}
