using System.Net;
using System.Text;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Diagnostics.Tracing;
using Switchyard.Simulator;

namespace Switchyard.Gateway.Tests.Diagnostics.Tracing;

/// <summary>
/// Traces end to end: a gateway exports its spans over OTLP/HTTP to a real receiver on a socket, which decodes the
/// protobuf; the spans of a request are one trace, the calls to deployments children of the request's server span.
/// </summary>
public sealed class GatewayTracingTests
{
    private const string ClientTraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string ClientSpanId = "b7ad6b7169203331";
    private const string Prompt = "my secret prompt text about Paris";

    [Fact]
    public async Task Request_WithAFailoverAndAJudge_IsOneTraceWithAClientSpanPerCall_ExportedOverOtlpHttp()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
        var result = ConfigLoader.Parse($$"""
            server: { listen: "http://127.0.0.1:0" }
            registry: { enforce: off }
            request_log: { enabled: false }
            telemetry:
              service_name: switchyard-test
              sample_ratio: 1
              otlp: { endpoint: "{{receiver.BaseAddress}}", protocol: http/protobuf, headers: { x-collector-key: "${COLLECTOR_KEY}" } }
            providers:
              sim: { kind: openai, base_url: "{{new Uri(simulator.BaseAddress, "v1")}}" }
              recorder: { kind: openai, base_url: "{{new Uri(receiver.BaseAddress, "upstream/v1")}}" }
            deployments:
              broken: { provider: sim, model: "fault-unavailable", circuit_breaker: { enabled: false } }
              echo: { provider: recorder, model: echo-model, pricing: { input: 1, output: 2 } }
              judge: { provider: sim, model: judge-model }
            routes:
              chat: { deployments: [broken, echo] }
              judged: { quality: { judge: { deployment: judge } }, tiers: [ { name: open, deployments: [echo] }, { name: frontier, deployments: [judge] } ] }
            """, "tracing-test.yaml", name => name == "COLLECTOR_KEY" ? "collector-secret" : null);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));

        var gateway = await GatewayHost.StartAsync(result.Config!, new GatewayHostOptions());
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };
            using var failover = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = Json("chat") };
            failover.Headers.TryAddWithoutValidation("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-01");
            using (var response = await client.SendAsync(failover))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            using (var response = await client.PostAsync("chat/completions", Json("judged")))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
        finally
        {
            // Stopping the gateway flushes the spans it still holds.
            await gateway.DisposeAsync();
        }

        var spans = await receiver.WaitForAsync(s => s.Count(x => x.TraceId == ClientTraceId) >= 3 && s.Any(x => Equals(x[GatewayTracing.Route], "judged")), TimeSpan.FromSeconds(30));

        // The first request continues the client's trace: its server span is the client span's child.
        var trace = spans.Where(s => s.TraceId == ClientTraceId).ToList();
        var server = Assert.Single(trace, s => s.Kind == 2);
        Assert.Equal(ClientSpanId, server.ParentSpanId);
        Assert.Equal("Switchyard.Gateway", server.Scope);
        Assert.Equal("chat chat", server.Name);
        Assert.Equal("chat", server[GatewayTracing.OperationName]);
        Assert.Equal("chat", server[GatewayTracing.RequestModel]);
        Assert.Equal("echo-model", server[GatewayTracing.ResponseModel]);
        Assert.Equal("echo", server[GatewayTracing.Deployment]);
        Assert.Equal(200L, server[GatewayTracing.HttpStatus]);
        Assert.Equal(11L, server[GatewayTracing.InputTokens]);
        Assert.Equal(7L, server[GatewayTracing.OutputTokens]);
        Assert.Equal(2L, server[GatewayTracing.Attempts]);
        Assert.Equal("broken: server_error", server[GatewayTracing.Fallback]);
        Assert.Equal(0.000025, (double)server[GatewayTracing.CostUsd]!, 9);

        // Each call is a client span under it, named after the GenAI conventions; the failed one is an error.
        var calls = trace.Where(s => s.Kind == 3).ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal(server.SpanId, c.ParentSpanId));
        var broken = Assert.Single(calls, c => Equals(c[GatewayTracing.Deployment], "broken"));
        Assert.Equal("chat fault-unavailable", broken.Name);
        Assert.Equal("server_error", broken[GatewayTracing.ErrorType]);
        Assert.Equal(503L, broken[GatewayTracing.HttpStatus]);
        Assert.Equal(2, broken.Status);
        var echo = Assert.Single(calls, c => Equals(c[GatewayTracing.Deployment], "echo"));
        Assert.Equal("chat echo-model", echo.Name);
        Assert.Equal("openai", echo[GatewayTracing.ProviderName]);
        Assert.Equal("echo-model", echo[GatewayTracing.RequestModel]);
        Assert.Equal("127.0.0.1", echo[GatewayTracing.ServerAddress]);
        Assert.Equal((long)receiver.BaseAddress.Port, echo[GatewayTracing.ServerPort]);
        Assert.Equal(11L, echo[GatewayTracing.InputTokens]);
        Assert.Equal(0, echo.Status);

        // The upstream got the echo call's span as its parent (W3C traceparent), so its own spans join the trace.
        Assert.Contains($"00-{ClientTraceId}-{echo.SpanId}-01", receiver.UpstreamTraceparents);

        // The second request: a trace of its own, the answer's call and the judge's call under its server span.
        var judgedServer = Assert.Single(spans, s => s.Kind == 2 && Equals(s[GatewayTracing.Route], "judged"));
        Assert.Equal("", judgedServer.ParentSpanId);
        var judgedCalls = spans.Where(s => s.ParentSpanId == judgedServer.SpanId).ToList();
        Assert.Contains(judgedCalls, c => Equals(c[GatewayTracing.Deployment], "echo") && c[GatewayTracing.QualityScore] is double);
        var judge = Assert.Single(judgedCalls, c => Equals(c[GatewayTracing.Check], "judge"));
        Assert.Equal("chat judge-model", judge.Name);
        Assert.Equal(judgedServer.TraceId, judge.TraceId);

        // Never the prompt or the answer, in any attribute of any span; the export carried its header and service name.
        foreach (var value in spans.SelectMany(s => s.Attributes.Values).OfType<string>())
        {
            Assert.DoesNotContain("secret prompt", value, StringComparison.Ordinal);
            Assert.DoesNotContain(OtlpReceiver.Answer, value, StringComparison.Ordinal);
        }

        Assert.All(receiver.ExportHeaders, h => Assert.Equal("collector-secret", h.GetValueOrDefault("x-collector-key")));
        Assert.All(receiver.Resources, r => Assert.Equal("switchyard-test", r["service.name"]));
    }

    [Fact]
    public async Task SampleRatioZero_ExportsNothing_AndSendsAnUnsampledTraceparent()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var result = ConfigLoader.Parse($$"""
            server: { listen: "http://127.0.0.1:0" }
            registry: { enforce: off }
            request_log: { enabled: false }
            telemetry: { sample_ratio: 0, otlp: { endpoint: "{{receiver.BaseAddress}}" } }
            providers:
              recorder: { kind: openai, base_url: "{{new Uri(receiver.BaseAddress, "upstream/v1")}}" }
            deployments:
              echo: { provider: recorder, model: echo-model }
            routes:
              chat: { deployments: [echo] }
            """, "tracing-test.yaml", _ => null);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var gateway = await GatewayHost.StartAsync(result.Config!, new GatewayHostOptions());
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };
            using var response = await client.PostAsync("chat/completions", Json("chat"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        // Other gateways in this test run may export to their own receivers; this one got no span of this gateway's.
        Assert.DoesNotContain(receiver.Spans, s => Equals(s[GatewayTracing.Deployment], "echo"));
        // A dropped trace is still propagated, flagged unsampled, so the upstream does not record it either.
        var traceparent = Assert.Single(receiver.UpstreamTraceparents);
        Assert.True(traceparent is null || traceparent.EndsWith("-00", StringComparison.Ordinal), traceparent);
    }

    [Fact]
    public async Task Grpc_ExportsTheSpansToAnOtlpGrpcReceiver_WithTheHeaders()
    {
        await using var receiver = await OtlpReceiver.StartAsync(grpc: true);
        await using var upstream = await OtlpReceiver.StartAsync();
        var result = ConfigLoader.Parse($$"""
            server: { listen: "http://127.0.0.1:0" }
            registry: { enforce: off }
            request_log: { enabled: false }
            telemetry: { otlp: { endpoint: "{{receiver.BaseAddress}}", protocol: grpc, headers: { x-collector-key: grpc-secret } } }
            providers:
              recorder: { kind: openai, base_url: "{{new Uri(upstream.BaseAddress, "upstream/v1")}}" }
            deployments:
              echo: { provider: recorder, model: grpc-model }
            routes:
              grpc-route: { deployments: [echo] }
            """, "tracing-test.yaml", _ => null);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var gateway = await GatewayHost.StartAsync(result.Config!, new GatewayHostOptions());
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseAddress, "v1/") };
            using var response = await client.PostAsync("chat/completions", Json("grpc-route"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        var spans = await receiver.WaitForAsync(s => s.Any(x => Equals(x[GatewayTracing.Route], "grpc-route")) && s.Any(x => x.Name == "chat grpc-model"), TimeSpan.FromSeconds(30));
        var server = Assert.Single(spans, s => Equals(s[GatewayTracing.Route], "grpc-route"));
        Assert.Equal("chat grpc-route", server.Name);
        Assert.Contains(spans, s => s.Name == "chat grpc-model" && s.ParentSpanId == server.SpanId);
        Assert.All(receiver.ExportHeaders, h => Assert.Equal("grpc-secret", h.GetValueOrDefault("x-collector-key")));
    }

    private static StringContent Json(string route)
        => new($$"""{"model":"{{route}}","messages":[{"role":"user","content":"{{Prompt}}"}]}""", Encoding.UTF8, "application/json");
}
