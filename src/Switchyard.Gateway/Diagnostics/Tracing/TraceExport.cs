using System.Reflection;
using System.Runtime.CompilerServices;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Diagnostics.Tracing;

/// <summary>
/// Builds the tracer provider that exports the gateway's spans over OTLP, from <c>telemetry:</c>. The hosting extension
/// package does not restore here, so the provider is built with <see cref="Sdk.CreateTracerProviderBuilder"/> and owned
/// (flushed and disposed) by the gateway host.
/// </summary>
internal static class TraceExport
{
    /// <summary>The provider, or <see langword="null"/> when <c>telemetry.otlp</c> is not configured (no listener: no cost).</summary>
    public static TracerProvider? Start(TelemetryConfig config) => config.Otlp is { } otlp ? Build(config, otlp) : null;

    // PERF: a method of its own (never inlined), so a gateway without telemetry.otlp never loads the OpenTelemetry SDK
    // and its exporter (about 0.6 MB resident) for a provider it does not build.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TracerProvider Build(TelemetryConfig config, OtlpConfig otlp)
    {
        var version = typeof(TraceExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(config.ServiceName, serviceVersion: version))
            // A request that carries a traceparent follows its caller's decision; the others are sampled by trace id, so
            // every span of one trace is kept or dropped together.
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(config.SampleRatio)))
            .AddSource(GatewayTracing.SourceName)
            .AddOtlpExporter(options =>
            {
                options.Endpoint = otlp.TracesUrl;
                options.Protocol = otlp.Protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                // Headers go on the client rather than through the options' "k=v,k=v" string, which cannot carry a
                // comma in a value.
                options.HttpClientFactory = () =>
                {
                    var client = new HttpClient();
                    foreach (var (name, value) in otlp.Headers)
                    {
                        client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
                    }

                    return client;
                };
            })
            .Build();
    }
}
