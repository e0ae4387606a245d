namespace Switchyard.Gateway.Configuration;

/// <summary>OpenTelemetry traces (<c>telemetry:</c>): off unless <c>otlp</c> names a collector. Read at startup only.</summary>
public sealed record TelemetryConfig
{
    /// <summary>The service name spans are reported under when the file does not say.</summary>
    public const string DefaultServiceName = "switchyard";

    /// <summary>Where spans are exported (<c>otlp</c>), or <see langword="null"/>: no traces, and no cost on the request path.</summary>
    public OtlpConfig? Otlp { get; init; }

    /// <summary>
    /// The share of traces recorded (<c>sample_ratio</c>, 0 to 1, default 1) for requests that arrive without a
    /// <c>traceparent</c>; a request that carries one follows its caller's sampling decision.
    /// </summary>
    public double SampleRatio { get; init; } = 1.0;

    /// <summary>The <c>service.name</c> resource attribute (<c>service_name</c>).</summary>
    public string ServiceName { get; init; } = DefaultServiceName;

    /// <summary>Whether traces are exported at all.</summary>
    public bool Enabled => Otlp is not null;

    /// <summary>
    /// Whether <paramref name="other"/> says the same. Not the record's equality: headers are an immutable dictionary,
    /// which compares by reference, so two readings of one file would look different.
    /// </summary>
    public bool SameAs(TelemetryConfig other)
        => SampleRatio.Equals(other.SampleRatio) && ServiceName == other.ServiceName
            && (Otlp is null ? other.Otlp is null : other.Otlp is { } theirs && Otlp.Endpoint == theirs.Endpoint && Otlp.Protocol == theirs.Protocol
                && Otlp.Headers.Count == theirs.Headers.Count && Otlp.Headers.All(h => theirs.Headers.TryGetValue(h.Key, out var value) && value == h.Value));
}
