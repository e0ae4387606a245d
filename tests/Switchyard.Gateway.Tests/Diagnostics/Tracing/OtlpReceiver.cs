using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchyard.Gateway.Tests.Diagnostics.Tracing;

/// <summary>
/// A real OTLP/HTTP receiver on 127.0.0.1:0: accepts <c>POST /v1/traces</c> (protobuf, as a collector does) and decodes
/// the spans with Google.Protobuf's wire reader (field numbers of opentelemetry/proto trace v1). It also plays a model
/// server at <c>/upstream/v1/chat/completions</c> that remembers each request's <c>traceparent</c>.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    /// <summary>The upstream's answer: one choice, this text, this usage.</summary>
    public const string Answer = "Paris is the capital of France.";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private readonly SemaphoreSlim _exported = new(0);

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The <c>traceparent</c> of each request the upstream got (null when it had none).</summary>
    public ConcurrentQueue<string?> UpstreamTraceparents { get; } = new();

    /// <summary>The headers of each export (copied: Kestrel reuses its header collections).</summary>
    public ConcurrentQueue<Dictionary<string, string>> ExportHeaders { get; } = new();

    /// <summary>The resource attributes of each export.</summary>
    public ConcurrentQueue<Dictionary<string, object?>> Resources { get; } = new();

    public IReadOnlyList<OtlpSpan> Spans => [.. _spans];

    /// <summary>Starts the receiver: OTLP/HTTP, or with <paramref name="grpc"/> OTLP/gRPC (HTTP/2 without TLS, as collectors listen on 4317).</summary>
    public static async Task<OtlpReceiver> StartAsync(bool grpc = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (grpc)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(e => e.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
        }

        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", receiver.ExportAsync);
        app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", receiver.ExportGrpcAsync);
        app.MapPost("/upstream/v1/chat/completions", (HttpContext context) =>
        {
            receiver.UpstreamTraceparents.Enqueue(context.Request.Headers.TraceParent is { Count: 1 } traceparent ? traceparent[0] : null);
            return Results.Text($$$"""{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"echo","choices":[{"index":0,"message":{"role":"assistant","content":"{{{Answer}}}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}""", "application/json");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address + "/");
        return receiver;
    }

    /// <summary>Waits until the spans received satisfy <paramref name="done"/>.</summary>
    public async Task<IReadOnlyList<OtlpSpan>> WaitForAsync(Func<IReadOnlyList<OtlpSpan>, bool> done, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!done(Spans))
        {
            await _exported.WaitAsync(deadline.Token);
        }

        return Spans;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _exported.Dispose();
    }

    private async Task ExportAsync(HttpContext context)
    {
        if (context.Request.ContentType != "application/x-protobuf")
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        Receive(context, body.ToArray());
        // An empty ExportTraceServiceResponse: everything accepted.
        context.Response.ContentType = "application/x-protobuf";
        context.Response.ContentLength = 0;
    }

    /// <summary>gRPC: one length-prefixed message (a compressed flag, a big-endian length), answered with an empty one and grpc-status 0.</summary>
    private async Task ExportGrpcAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var framed = body.ToArray();
        if (framed.Length < 5 || framed[0] != 0 || System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(framed.AsSpan(1)) != framed.Length - 5)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        Receive(context, framed[5..]);
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(new byte[5]);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private void Receive(HttpContext context, byte[] request)
    {
        ExportHeaders.Enqueue(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
        // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
        foreach (var resourceSpans in Repeated(request, 1))
        {
            // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
            foreach (var resource in Repeated(resourceSpans, 1))
            {
                Resources.Enqueue(Attributes(resource, 1));
            }

            foreach (var scopeSpans in Repeated(resourceSpans, 2))
            {
                // ScopeSpans { InstrumentationScope scope = 1 { string name = 1; }; repeated Span spans = 2; }
                var scope = Repeated(scopeSpans, 1).Select(s => Text(s, 1)).FirstOrDefault();
                foreach (var span in Repeated(scopeSpans, 2))
                {
                    _spans.Enqueue(DecodeSpan(span, scope));
                }
            }
        }

        _exported.Release();
    }

    /// <summary>Span { trace_id = 1; span_id = 2; parent_span_id = 4; name = 5; kind = 6; attributes = 9; status = 15 { code = 3 } }.</summary>
    private static OtlpSpan DecodeSpan(byte[] span, string? scope)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var status = 0;
        var input = new CodedInputStream(span);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: traceId = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                case 2: spanId = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                case 4: parent = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                case 5: name = input.ReadString(); break;
                case 6: kind = input.ReadEnum(); break;
                case 15:
                    var statusInput = new CodedInputStream(input.ReadBytes().ToByteArray());
                    uint statusTag;
                    while ((statusTag = statusInput.ReadTag()) != 0)
                    {
                        if (WireFormat.GetTagFieldNumber(statusTag) == 3)
                        {
                            status = statusInput.ReadEnum();
                        }
                        else
                        {
                            statusInput.SkipLastField();
                        }
                    }

                    break;
                default: input.SkipLastField(); break;
            }
        }

        return new OtlpSpan(traceId, spanId, parent, name, kind, status, scope, Attributes(span, 9));
    }

    /// <summary>The KeyValue attributes at <paramref name="field"/>: KeyValue { key = 1; AnyValue value = 2 }.</summary>
    private static Dictionary<string, object?> Attributes(byte[] message, int field)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var pair in Repeated(message, field))
        {
            var key = Text(pair, 1) ?? "";
            attributes[key] = Repeated(pair, 2).Select(AnyValue).FirstOrDefault();
        }

        return attributes;
    }

    /// <summary>AnyValue { string = 1; bool = 2; int64 = 3; double = 4; ArrayValue array = 5 { repeated AnyValue values = 1 } }.</summary>
    private static object? AnyValue(byte[] value)
    {
        var input = new CodedInputStream(value);
        var tag = input.ReadTag();
        return WireFormat.GetTagFieldNumber(tag) switch
        {
            1 => input.ReadString(),
            2 => input.ReadBool(),
            3 => input.ReadInt64(),
            4 => input.ReadDouble(),
            5 => Repeated(input.ReadBytes().ToByteArray(), 1).Select(AnyValue).ToArray(),
            _ => null,
        };
    }

    /// <summary>Every length-delimited occurrence of <paramref name="field"/> in <paramref name="message"/>.</summary>
    private static List<byte[]> Repeated(byte[] message, int field)
    {
        var found = new List<byte[]>();
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found.Add(input.ReadBytes().ToByteArray());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return found;
    }

    private static string? Text(byte[] message, int field)
        => Repeated(message, field).Select(b => System.Text.Encoding.UTF8.GetString(b)).FirstOrDefault();
}

/// <summary>A span as the receiver decoded it. <c>Kind</c>: 2 server, 3 client. <c>Status</c>: 0 unset, 1 ok, 2 error.</summary>
internal sealed record OtlpSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, int Status, string? Scope, Dictionary<string, object?> Attributes)
{
    public object? this[string attribute] => Attributes.GetValueOrDefault(attribute);
}
