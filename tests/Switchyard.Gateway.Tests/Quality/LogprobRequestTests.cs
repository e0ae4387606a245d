using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Tests.Functional;
using Switchyard.Gateway.Tests.Routing;
using Switchyard.Simulator;

namespace Switchyard.Gateway.Tests.Quality;

/// <summary>
/// <c>quality.logprobs.request</c> over sockets: a gated request asks self-hosted deployments for logprobs the client did
/// not ask for, the gate scores with them, and the client gets <c>"logprobs": null</c>. The simulator sends logprobs only
/// when asked, and <c>weak</c>'s answers have a mean token logprob near -2: a logprobs failure proves they were asked for.
/// </summary>
public sealed class LogprobRequestTests
{
    private static readonly SimulatorOptions Models = new()
    {
        Models = [Model("strong", 1), Model("weak", 0)],
    };

    private const string Deployments = """
        deployments:
          llama: { provider: internal, model: weak }
          gpt: { provider: external, model: strong, hosting: external }
          gpt-weak: { provider: external, model: weak, hosting: external }
        """;

    /// <summary>Only the logprobs check counts: an answer without logprobs scores 1 (no check applies), with poor ones 0.</summary>
    private const string OnlyLogprobs = "weights: { empty: 0, truncated: 0, refusal: 0, json: 0, schema: 0, expectations: 0, logprobs: 1 }";

    private const string Prompt = "Tell me about the weather in Lyon.";

    [Fact]
    public async Task Post_ClientWithoutLogprobs_SelfHostedIsAskedAndEveryChoiceGetsThemNull()
    {
        await using var gateway = await StartAsync("chat: { quality: { logprobs: true }, deployments: [llama] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", Prompt, "\"n\":2"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("logprobs", response.Header("x-switchyard-quality-failed")!.Split(','));
        using var answer = JsonDocument.Parse(body);
        var choices = answer.RootElement.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal(2, choices.Count);
        Assert.All(choices, c => Assert.Equal(JsonValueKind.Null, c.GetProperty("logprobs").ValueKind));
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Post_LegacyCompletion_IsAskedForOneAlternativeAndGetsThemNull()
    {
        await using var gateway = await StartAsync("chat: { quality: { logprobs: true }, deployments: [llama] }");
        using var response = await gateway.Client.PostAsync("completions", TestGateway.Json($$"""{"model":"chat","prompt":"{{Prompt}}","logprobs":null}"""));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("logprobs", response.Header("x-switchyard-quality-failed")!.Split(','));
        Assert.Equal("null", Logprobs(body));
    }

    [Fact]
    public async Task Post_LowConfidenceAlone_Escalates()
    {
        await using var gateway = await StartAsync($"chat: {{ quality: {{ logprobs: true, {OnlyLogprobs} }}, deployments: [llama, gpt] }}");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", Prompt));
        await response.Content.ReadAsStringAsync();

        Assert.Equal("gpt", response.Header("x-switchyard-deployment"));
        Assert.Equal("true", response.Header("x-switchyard-escalated"));
        Assert.Equal("llama; score=0; failed=logprobs", response.Header("x-switchyard-escalated-from"));
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        // The escalation record keeps the text of both answers, read from the held bytes as before.
        Assert.False(string.IsNullOrEmpty(entry.Escalation!.CheapAnswer));
    }

    [Fact]
    public async Task Post_BufferedStream_EveryChunkGetsLogprobsNull()
    {
        await using var gateway = await StartAsync("chat: { quality: { logprobs: true, streaming: buffer }, deployments: [llama] }");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", Prompt, "\"stream\":true,\"n\":2"));
        var events = await Sse.ReadAllAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("logprobs", response.Header("x-switchyard-quality-failed")!.Split(','));
        Assert.Equal("[DONE]", events[^1]);
        var choices = 0;
        foreach (var e in events[..^1])
        {
            using var chunk = JsonDocument.Parse(e);
            foreach (var choice in chunk.RootElement.GetProperty("choices").EnumerateArray())
            {
                choices++;
                Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
            }
        }

        Assert.True(choices > 4, $"only {choices} choices in {events.Count} events");
        Assert.NotEmpty(Sse.Content(events));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_ClientAskedForLogprobs_GetsThemAsTheUpstreamSentThem(bool stream)
    {
        await using var gateway = await StartAsync("chat: { quality: { logprobs: true, streaming: buffer }, deployments: [llama] }");
        var request = TieredGateway.Chat("chat", Prompt, "\"logprobs\":true,\"top_logprobs\":2" + (stream ? ",\"stream\":true" : ""));
        using var response = await gateway.PostAsync(request);
        var viaGateway = stream ? ChunkLogprobs(await Sse.ReadAllAsync(response)) : Logprobs(await response.Content.ReadAsStringAsync());

        // The simulator's answer is a function of the request: asked directly, it sends the same logprobs.
        using var direct = await PostDirectAsync(gateway.Internal, request.Replace("\"chat\"", "\"weak\"", StringComparison.Ordinal));
        var expected = stream ? ChunkLogprobs(await Sse.ReadAllAsync(direct)) : Logprobs(await direct.Content.ReadAsStringAsync());

        Assert.Contains("\"top_logprobs\"", viaGateway, StringComparison.Ordinal);
        Assert.Equal(expected, viaGateway);
        Assert.Contains("logprobs", response.Header("x-switchyard-quality-failed")!.Split(','));
    }

    [Fact]
    public async Task Post_ExternalDeployment_IsNeverAsked()
    {
        await using var gateway = await StartAsync($"chat: {{ quality: {{ logprobs: true, {OnlyLogprobs} }}, deployments: [gpt-weak] }}");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", Prompt));
        var body = await response.Content.ReadAsStringAsync();

        // Asked, gpt-weak's answer would fail the check (as llama's does above): it was scored without logprobs.
        Assert.Equal("gpt-weak", response.Header("x-switchyard-deployment"));
        Assert.Equal("1", response.Header("x-switchyard-quality-score"));
        Assert.Null(response.Header("x-switchyard-quality-failed"));
        Assert.Equal("null", Logprobs(body));
    }

    [Fact]
    public async Task Post_RequestFalse_IsNeverAsked()
    {
        await using var gateway = await StartAsync($"chat: {{ quality: {{ logprobs: {{ request: false }}, {OnlyLogprobs} }}, deployments: [llama] }}");
        using var response = await gateway.PostAsync(TieredGateway.Chat("chat", Prompt));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("1", response.Header("x-switchyard-quality-score"));
        Assert.Null(response.Header("x-switchyard-quality-failed"));
        Assert.Equal("null", Logprobs(body));
    }

    [Fact]
    public async Task Post_UpstreamRejectsLogprobs_AnswersWithoutThemAndIsNotAskedAgain()
    {
        await using var upstream = await RejectingUpstream.StartAsync();
        await using var gateway = await StartAsync(
            "chat: { quality: { logprobs: true }, deployments: [picky] }",
            extra: "  picky: { provider: other, model: picky-model }",
            otherUpstream: upstream.BaseUrl);

        using var first = await gateway.PostAsync(TieredGateway.Chat("chat", Prompt, "\"logprobs\":false"));
        var firstBody = await first.Content.ReadAsStringAsync();
        using var second = await gateway.PostAsync(TieredGateway.Chat("chat", Prompt));
        await second.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("Sunny, 21 degrees.", JsonDocument.Parse(firstBody).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("2", first.Header("x-switchyard-attempts"));
        Assert.Equal("1", second.Header("x-switchyard-attempts"));
        Assert.Null(first.Header("x-switchyard-fallback-reason"));
        // Asked once (the client's false replaced, not duplicated), then the same body without it, then never again.
        Assert.Equal([true, false, false], upstream.Bodies.Select(b => b.Contains("\"logprobs\":true", StringComparison.Ordinal)));
        Assert.Equal(1, upstream.Bodies.First().Split("\"logprobs\"").Length - 1);
        Assert.Contains("\"logprobs\":false", upstream.Bodies.ElementAt(1), StringComparison.Ordinal);
        Assert.DoesNotContain("\"logprobs\"", upstream.Bodies.ElementAt(2), StringComparison.Ordinal);

        var entries = await gateway.Log.WaitForEntriesAsync(2, TimeSpan.FromSeconds(10));
        using var attempts = JsonDocument.Parse(entries.Single(e => e.Attempts == 2).AttemptsJson!);
        Assert.Equal(["logprobs_rejected", "ok"], attempts.RootElement.EnumerateArray().Select(a => a.GetProperty("outcome").GetString()!));
    }

    private static string Logprobs(string body)
    {
        using var answer = JsonDocument.Parse(body);
        return answer.RootElement.GetProperty("choices")[0].GetProperty("logprobs").GetRawText();
    }

    private static string ChunkLogprobs(List<string> events)
    {
        var all = new StringBuilder();
        foreach (var e in events.Where(e => e != "[DONE]"))
        {
            using var chunk = JsonDocument.Parse(e);
            foreach (var choice in chunk.RootElement.GetProperty("choices").EnumerateArray())
            {
                all.Append(choice.TryGetProperty("logprobs", out var logprobs) ? logprobs.GetRawText() : "-").Append('\n');
            }
        }

        return all.ToString();
    }

    private static async Task<HttpResponseMessage> PostDirectAsync(SimulatorHost simulator, string json)
    {
        using var client = new HttpClient { BaseAddress = simulator.ApiBaseAddress };
        return await client.PostAsync("chat/completions", TestGateway.Json(json));
    }

    private static Task<TieredGateway> StartAsync(string route, string? extra = null, Uri? otherUpstream = null)
        => TieredGateway.StartAsync(Deployments + "\n" + (extra is null ? "" : extra + "\n") + "routes:\n  " + route.Trim(), Models, externalSimulator: Models, otherUpstream: otherUpstream);

    private static SimulatedModel Model(string name, double skill) => new()
    {
        Name = name,
        TimeToFirstToken = TimeSpan.Zero,
        TokensPerSecond = double.PositiveInfinity,
        Skill = ImmutableDictionary.CreateRange(PromptKinds.All.Select(k => KeyValuePair.Create(k, skill))),
        ContextWindow = 128_000,
    };

    /// <summary>
    /// A self-hosted server without logprobs support, on Kestrel: 400 naming the parameter when asked for them, else a
    /// plain answer. It keeps every body it got.
    /// </summary>
    private sealed class RejectingUpstream : IAsyncDisposable
    {
        private const string Answer = """{"id":"x","object":"chat.completion","created":1,"model":"picky-model","choices":[{"index":0,"message":{"role":"assistant","content":"Sunny, 21 degrees."},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":5,"total_tokens":14}}""";

        private const string Rejection = """{"error":{"message":"logprobs is not supported by this server","type":"invalid_request_error","param":"logprobs","code":null}}""";

        private readonly WebApplication _app;

        private RejectingUpstream(WebApplication app) => _app = app;

        public ConcurrentQueue<string> Bodies { get; } = new();

        public Uri BaseUrl => new(_app.Urls.First() + "/v1");

        public static async Task<RejectingUpstream> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var upstream = new RejectingUpstream(app);
            app.MapPost("/v1/chat/completions", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                upstream.Bodies.Enqueue(body);
                using var request = JsonDocument.Parse(body);
                var asked = request.RootElement.TryGetProperty("logprobs", out var logprobs) && logprobs.ValueKind == JsonValueKind.True;
                context.Response.StatusCode = asked ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(asked ? Rejection : Answer);
            });
            await app.StartAsync();
            return upstream;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
