using System.Net;
using System.Text.Json;

namespace Switchyard.Gateway.Tests.Functional;

/// <summary>The happy paths over real sockets: gateway on 127.0.0.1:0 in front of the simulated provider.</summary>
public class ChatCompletionsTests
{
    private const string Hello = """{"model":"chat","messages":[{"role":"user","content":"Say hello."}],"max_tokens":40}""";

    [Fact]
    public async Task Post_NonStream_ReturnsTheUpstreamAnswerWithHeadersAndLogsUsage()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "llama-3.1-8b-instruct")]));

        using var response = await gateway.PostAsync("chat/completions", Hello);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chat", response.Headers.GetValues("x-switchyard-route").Single());
        Assert.Equal("llama", response.Headers.GetValues("x-switchyard-deployment").Single());
        Assert.Equal("1", response.Headers.GetValues("x-switchyard-attempts").Single());
        Assert.StartsWith("req_", response.Headers.GetValues("x-request-id").Single(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.NotEmpty(json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!);
        var usage = json.RootElement.GetProperty("usage");

        var entry = Assert.Single(await gateway.LogEntriesAsync());
        Assert.Equal("chat", entry.Route);
        Assert.Equal("llama", entry.Deployment);
        Assert.Equal(200, entry.Status);
        Assert.Equal(1, entry.Attempts);
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32(), entry.InputTokens);
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt32(), entry.OutputTokens);
        Assert.Equal("chat.completions", entry.Endpoint);
    }

    [Fact]
    public async Task Post_UpstreamModelName_IsSentUpstream()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "my-upstream-model")]));
        using var response = await gateway.PostAsync("chat/completions", Hello);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("my-upstream-model", json.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Post_ClientRequestId_IsEchoedAndLogged()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "m")]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = TestGateway.Json(Hello) };
        request.Headers.Add("x-request-id", "client-id-42");

        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal("client-id-42", response.Headers.GetValues("x-request-id").Single());
        Assert.Equal("client-id-42", Assert.Single(await gateway.LogEntriesAsync()).RequestId);
    }

    [Fact]
    public async Task Post_Stream_RelaysChunksAndDoneWithoutTheUsageTheGatewayAskedFor()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "m")]));

        using var response = await gateway.PostAsync("chat/completions", """{"model":"chat","stream":true,"messages":[{"role":"user","content":"Tell me a story."}]}""", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = await Sse.ReadAllAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        Assert.True(events.Count > 3);
        Assert.NotEmpty(Sse.Content(events));
        Assert.DoesNotContain(events, e => e.Contains("\"usage\"", StringComparison.Ordinal));

        // The gateway asked upstream for usage anyway, so the log has the tokens.
        var entry = Assert.Single(await gateway.LogEntriesAsync());
        Assert.True(entry.OutputTokens > 0);
        Assert.True(entry.Stream);
        Assert.NotNull(entry.TimeToFirstTokenMs);
    }

    [Fact]
    public async Task Post_StreamWithIncludeUsage_EndsWithTheUsageChunk()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "m")]));
        using var response = await gateway.PostAsync("chat/completions", """{"model":"chat","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}""", HttpCompletionOption.ResponseHeadersRead);
        var events = await Sse.ReadAllAsync(response);

        using var usageChunk = JsonDocument.Parse(events[^2]);
        Assert.Equal(0, usageChunk.RootElement.GetProperty("choices").GetArrayLength());
        Assert.True(usageChunk.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task Post_ToolsAndN_PassThrough()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "m")]));
        using var response = await gateway.PostAsync("chat/completions", """
            {"model":"chat","n":2,"messages":[{"role":"user","content":"Weather in Paris?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
             "tool_choice":"required"}
            """);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choices = json.RootElement.GetProperty("choices");
        Assert.Equal(2, choices.GetArrayLength());
        var call = choices[0].GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.ValueKind);
    }

    [Fact]
    public async Task Post_EmbeddingsAndCompletions_AreForwarded()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "m")]), ("embed", [("emb", "e")]));

        using var embeddings = await gateway.PostAsync("embeddings", """{"model":"embed","input":["a","b"],"encoding_format":"float"}""");
        using var embeddingsJson = JsonDocument.Parse(await embeddings.Content.ReadAsStringAsync());
        Assert.Equal(2, embeddingsJson.RootElement.GetProperty("data").GetArrayLength());

        using var completions = await gateway.PostAsync("completions", """{"model":"chat","prompt":"Once upon a time","max_tokens":8,"stream":true}""", HttpCompletionOption.ResponseHeadersRead);
        var events = await Sse.ReadAllAsync(completions);
        Assert.Equal("[DONE]", events[^1]);

        var entries = await gateway.LogEntriesAsync();
        Assert.Contains(entries, e => e.Endpoint == "embeddings" && e.InputTokens > 0);
        Assert.Contains(entries, e => e.Endpoint == "completions" && e.OutputTokens > 0);
    }

    [Fact]
    public async Task Get_Models_ListsTheRoutes()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "m")]), ("frontier", [("gpt", "gpt-4o")]));
        using var json = JsonDocument.Parse(await gateway.Client.GetStringAsync("models"));
        var ids = json.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(new[] { "chat", "frontier" }, ids!);
        Assert.Equal("list", json.RootElement.GetProperty("object").GetString());

        using var one = JsonDocument.Parse(await gateway.Client.GetStringAsync("models/frontier"));
        Assert.Equal("frontier", one.RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Get_HealthAndReady_Answer()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "m")]));
        using var client = new HttpClient { BaseAddress = gateway.Gateway.BaseAddress };
        (await gateway.PostAsync("chat/completions", Hello)).Dispose();
        await gateway.LogEntriesAsync();

        using var health = JsonDocument.Parse(await client.GetStringAsync("healthz"));
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        var log = health.RootElement.GetProperty("request_log");
        Assert.Equal("ok", log.GetProperty("status").GetString());
        Assert.Equal(1, log.GetProperty("written").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("readyz")).StatusCode);
    }

    [Fact]
    public async Task FlushRequestLog_WaitsForARequestStillBeingAnswered_ThenHasItsEntry()
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Slow, static d => d, [("chat", [("llama", "llama")])]);
        using var response = await gateway.PostAsync("chat/completions", """{"model":"chat","stream":true,"messages":[{"role":"user","content":"Hello"}]}""", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, gateway.Gateway.RequestsInFlight);

        // The stream is still being relayed: flushing now must not report a log without it.
        var flush = gateway.Gateway.FlushRequestLogAsync();
        Assert.False(flush.IsCompleted);

        var events = await Sse.ReadAllAsync(response);
        Assert.Equal("[DONE]", events[^1]);
        await flush.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, gateway.Gateway.RequestsInFlight);
        Assert.Single(gateway.Log.Entries);
    }
}
