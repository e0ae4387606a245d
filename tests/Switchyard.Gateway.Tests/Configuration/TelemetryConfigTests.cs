using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Tests.Configuration;

/// <summary><c>telemetry:</c> in <c>switchyard.yaml</c>: read, defaulted, and every mistake reported with file, line and key.</summary>
public sealed class TelemetryConfigTests
{
    private const string Tail = """
        providers:
          vllm: { kind: openai, base_url: http://localhost:8000/v1 }
        deployments:
          llama: { provider: vllm, model: llama }
        routes:
          chat: { deployments: [llama] }
        """;

    private static ConfigLoadResult Parse(string section) => ConfigLoader.Parse(section + "\n" + Tail, "switchyard.yaml", name => name == "OTEL_TOKEN" ? "t0ken" : null);

    private static TelemetryConfig Telemetry(string section)
    {
        var result = Parse(section);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Config!.Telemetry;
    }

    [Fact]
    public void NoSection_IsOff()
    {
        var telemetry = Telemetry("");
        Assert.False(telemetry.Enabled);
        Assert.Null(telemetry.Otlp);
        Assert.Equal(1.0, telemetry.SampleRatio);
        Assert.Equal("switchyard", telemetry.ServiceName);
        Assert.False(Telemetry("telemetry: { sample_ratio: 0.5 }").Enabled);
    }

    [Fact]
    public void FullSection_IsRead_HeadersFromTheEnvironment_AndTheTracesPathAddedForHttp()
    {
        var telemetry = Telemetry("""
            telemetry:
              service_name: switchyard-eu
              sample_ratio: 0.25
              otlp:
                endpoint: http://otel-collector:4318
                protocol: http/protobuf
                headers: { Authorization: "Bearer ${OTEL_TOKEN}", x-tenant: acme }
            """);

        Assert.True(telemetry.Enabled);
        Assert.Equal(("switchyard-eu", 0.25), (telemetry.ServiceName, telemetry.SampleRatio));
        var otlp = telemetry.Otlp!;
        Assert.Equal(OtlpProtocol.HttpProtobuf, otlp.Protocol);
        Assert.Equal(new Uri("http://otel-collector:4318/v1/traces"), otlp.TracesUrl);
        Assert.Equal("Bearer t0ken", otlp.Headers["authorization"]);
        Assert.Equal("acme", otlp.Headers["x-tenant"]);
        Assert.DoesNotContain("t0ken", otlp.ToString(), StringComparison.Ordinal);

        Assert.Equal(new Uri("http://c:4318/otlp/v1/traces"), Telemetry("telemetry: { otlp: { endpoint: \"http://c:4318/otlp/v1/traces\" } }").Otlp!.TracesUrl);
        Assert.Equal(new Uri("http://c:4318/otlp/v1/traces"), Telemetry("telemetry: { otlp: { endpoint: \"http://c:4318/otlp/\" } }").Otlp!.TracesUrl);
        var grpc = Telemetry("telemetry: { sample_ratio: 0, otlp: { endpoint: \"http://c:4317\", protocol: grpc } }");
        Assert.Equal((OtlpProtocol.Grpc, new Uri("http://c:4317")), (grpc.Otlp!.Protocol, grpc.Otlp.TracesUrl));
        Assert.Equal(0, grpc.SampleRatio);
    }

    [Theory]
    [InlineData("telemetry: { sample_ratio: 1.5 }", "telemetry.sample_ratio", "from 0 to 1")]
    [InlineData("telemetry: { sample_ratio: all }", "telemetry.sample_ratio", "from 0 to 1")]
    [InlineData("telemetry: { service_name: \"\" }", "telemetry.service_name", "a name on one line")]
    [InlineData("telemetry: { otlp: { protocol: grpc } }", "telemetry.otlp.endpoint", "missing")]
    [InlineData("telemetry: { otlp: { endpoint: \"ftp://c:21\" } }", "telemetry.otlp.endpoint", "not an absolute http or https URL")]
    [InlineData("telemetry: { otlp: { endpoint: \"http://user:pw@c:4318\" } }", "telemetry.otlp.endpoint", "user name or password")]
    [InlineData("telemetry: { otlp: { endpoint: \"http://c:4318?x=1\" } }", "telemetry.otlp.endpoint", "query")]
    [InlineData("telemetry: { otlp: { endpoint: \"${MISSING_ENDPOINT}\" } }", "telemetry.otlp.endpoint", "MISSING_ENDPOINT is not set")]
    [InlineData("telemetry: { otlp: { endpoint: \"http://c:4318\", protocol: http/json } }", "telemetry.otlp.protocol", "Valid values: 'http/protobuf', 'grpc'")]
    [InlineData("telemetry: { otlp: { endpoint: \"http://c:4318\", headers: { Authorization: Bearer abc } } }", "telemetry.otlp.headers.Authorization", "secrets must not live in configuration files")]
    [InlineData("telemetry: { otlp: { endpoint: \"http://c:4318\", header: {} } }", "telemetry.otlp.header", "Did you mean 'headers'")]
    [InlineData("telemetry: { otlp: http://c:4318 }", "telemetry.otlp", "expected a mapping")]
    [InlineData("telemetry: { exporter: otlp }", "telemetry.exporter", "Valid keys here")]
    public void Mistake_IsReportedWithFileLineAndKey(string section, string key, string message)
    {
        var result = Parse(section);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("switchyard.yaml", 1), (error.File, error.Line));
        Assert.Equal(key, error.Key);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
