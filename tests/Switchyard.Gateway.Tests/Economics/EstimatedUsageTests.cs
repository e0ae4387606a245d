using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Tests.Routing;

namespace Switchyard.Gateway.Tests.Economics;

/// <summary>An upstream that reports no usage (older TGI and llama.cpp builds): tokens and cost are estimated, and say so.</summary>
public sealed class EstimatedUsageTests
{
    // 49 characters of answer: 13 tokens at a token per 4 characters (rounded up).
    private const string Answer = """{"id":"x","object":"chat.completion","created":1,"model":"old-tgi","choices":[{"index":0,"message":{"role":"assistant","content":"The capital of France is Paris, on the Seine....."},"finish_reason":"stop"}]}""";

    private const string Stream = "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"old-tgi\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"old-tgi\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Paris\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"old-tgi\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" it\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"old-tgi\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" is\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"old-tgi\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
        + "data: [DONE]\n\n";

    [Fact]
    public async Task Post_NoUsageFromUpstream_IsCostedOnAnEstimateMarkedAsSuch()
    {
        await using var upstream = await StartUpstreamAsync();
        await using var gateway = await TieredGateway.StartAsync("""
            registry: { enforce: off }
            deployments:
              tgi: { provider: other, model: old-tgi, pricing: { input: 1000, output: 1000 } }
            routes:
              chat: { deployments: [tgi] }
            """, otherUpstream: upstream.BaseUrl());

        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", "What is the capital of France?"));
        using var streamed = await gateway.PostAsync(TieredGateway.Chat("chat", "What is the capital of France?", "\"stream\":true"));
        _ = await streamed.Content.ReadAsStringAsync();

        Assert.Equal("true", response.Header("x-switchyard-cost-estimated"));
        var entries = await gateway.Log.WaitForEntriesAsync(2, TimeSpan.FromSeconds(10));
        var plain = entries.Single(e => !e.Stream);
        Assert.True(plain.UsageEstimated);
        Assert.Equal(13, plain.OutputTokens);
        Assert.InRange(plain.InputTokens!.Value, 5, 40);
        Assert.Equal((plain.InputTokens.Value + 13) * 1000 / 1e6, plain.CostUsd!.Value, 12);
        Assert.Equal(plain.CostUsd.Value, double.Parse(response.Header("x-switchyard-cost")!, CultureInfo.InvariantCulture), 8);
        // The stream: three content events, about a token each.
        var stream = entries.Single(e => e.Stream);
        Assert.True(stream.UsageEstimated);
        Assert.Equal(3, stream.OutputTokens);
        Assert.NotNull(stream.CostUsd);
    }

    private static async Task<WebApplication> StartUpstreamAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var stream = body.Contains("\"stream\":true", StringComparison.Ordinal);
            context.Response.ContentType = stream ? "text/event-stream" : "application/json";
            await context.Response.WriteAsync(stream ? Stream : Answer);
        });
        await app.StartAsync();
        return app;
    }
}

internal static class UpstreamApps
{
    public static Uri BaseUrl(this WebApplication app) => new(app.Urls.First() + "/v1");
}
