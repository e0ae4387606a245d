namespace Switchyard.Gateway.Diagnostics.Metrics;

/// <summary>
/// The request-level series of one route, tier and deployment: requests by endpoint, outcome and status class, errors,
/// latency, time to first token and tokens. Created once per name triple and kept for the life of the process.
/// </summary>
internal sealed class RequestSeries
{
    private static readonly int Outcomes = MetricLabels.Outcomes.Length;
    private static readonly int Classes = MetricLabels.StatusClasses.Length;

    /// <summary>Counts by endpoint, outcome and status class (flattened: see <see cref="RequestIndex"/>).</summary>
    public readonly long[] Requests = new long[MetricLabels.Endpoints.Length * Outcomes * Classes];

    /// <summary>Failed requests by the error they were answered with (<see cref="MetricLabels.Errors"/>).</summary>
    public readonly long[] Errors = new long[MetricLabels.Errors.Length];

    public readonly Histogram Duration = new(Histogram.LatencyBuckets);

    public readonly Histogram TimeToFirstToken = new(Histogram.FirstTokenBuckets);

    /// <summary>Tokens of the answers sent, by <see cref="MetricLabels.TokenTypes"/>.</summary>
    public readonly long[] Tokens = new long[MetricLabels.TokenTypes.Length];

    public static int RequestIndex(int endpoint, int outcome, int statusClass) => (((endpoint * Outcomes) + outcome) * Classes) + statusClass;

    /// <summary>The endpoint, outcome and status class of a flattened index.</summary>
    public static (int Endpoint, int Outcome, int StatusClass) Split(int index) => (index / (Outcomes * Classes), index / Classes % Outcomes, index % Classes);
}
