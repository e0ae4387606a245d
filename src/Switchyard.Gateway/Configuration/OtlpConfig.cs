using System.Collections.Immutable;

namespace Switchyard.Gateway.Configuration;

/// <summary>An OTLP collector to send spans to (<c>telemetry.otlp:</c>).</summary>
public sealed record OtlpConfig
{
    /// <summary>
    /// The collector's base URL (<c>endpoint</c>), e.g. <c>http://otel-collector:4318</c> for <c>http/protobuf</c> or
    /// <c>http://otel-collector:4317</c> for <c>grpc</c>. For <c>http/protobuf</c>, <c>/v1/traces</c> is appended unless
    /// the path already ends with it (as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is read).
    /// </summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The transport (<c>protocol</c>): <c>http/protobuf</c> (the default) or <c>grpc</c>.</summary>
    public OtlpProtocol Protocol { get; init; } = OtlpProtocol.HttpProtobuf;

    /// <summary>Headers sent with every export (<c>headers</c>), e.g. a collector's API key from the environment.</summary>
    public ImmutableDictionary<string, string> Headers { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The URL spans are posted to: <see cref="Endpoint"/>, with <c>/v1/traces</c> for http/protobuf.</summary>
    public Uri TracesUrl => Protocol == OtlpProtocol.Grpc || Endpoint.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal)
        ? Endpoint
        : new Uri(Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/v1/traces");

    /// <summary>Header values may be credentials: never printed.</summary>
    public override string ToString() => $"OtlpConfig {{ Endpoint = {Endpoint}, Protocol = {Protocol}, Headers = [{string.Join(", ", Headers.Keys)}] }}";
}

/// <summary>OTLP transports.</summary>
public enum OtlpProtocol
{
    /// <summary>Protobuf over HTTP POST (<c>http/protobuf</c>), port 4318 by convention.</summary>
    HttpProtobuf,

    /// <summary>gRPC (<c>grpc</c>), port 4317 by convention.</summary>
    Grpc,
}
