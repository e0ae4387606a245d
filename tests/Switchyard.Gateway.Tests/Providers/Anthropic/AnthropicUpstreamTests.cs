using System.Net;
using System.Text.Json;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Tests.Functional;

namespace Switchyard.Gateway.Tests.Providers.Anthropic;

/// <summary>
/// OpenAI clients on a route served by an Anthropic deployment, over real sockets: the simulator speaks Anthropic's
/// Messages API and the gateway translates both ways; failures fail over as an OpenAI upstream's do.
/// </summary>
public class AnthropicUpstreamTests
{
    private const string Chat = """{"model":"chat","max_tokens":60,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello there."}]}""";
    private const string ChatStream = """{"model":"chat","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello there."}]}""";

    private static DeploymentConfig ShortTimeouts(DeploymentConfig d) => d.Name != "claude" ? d : d with
    {
        Timeouts = new TimeoutsConfig { Connect = TimeSpan.FromSeconds(2), FirstToken = TimeSpan.FromSeconds(5), Stall = TimeSpan.FromMilliseconds(500), Total = TimeSpan.FromSeconds(10) },
        Retry = new RetryConfig { Attempts = 0 },
    };

    [Fact]
    public async Task Post_AnthropicDeployment_AnswersInOpenAIFormatWithUsage()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("claude", "anthropic:claude-sonnet-4-5")]));

        using var response = await gateway.PostAsync("chat/completions", Chat);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.StartsWith("msg_", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        var choice = root.GetProperty("choices")[0];
        Assert.NotEmpty(choice.GetProperty("message").GetProperty("content").GetString()!);
        Assert.Contains(choice.GetProperty("finish_reason").GetString(), new[] { "stop", "length" });
        Assert.True(root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
        Assert.True(root.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);

        var entry = Assert.Single(await gateway.LogEntriesAsync());
        Assert.Equal("claude", entry.Deployment);
        Assert.Equal(root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), entry.InputTokens);
        Assert.False(entry.UsageEstimated);
    }

    [Fact]
    public async Task Post_AnthropicDeploymentStreaming_ChunksAssembleAndUsageComesLast()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("claude", "anthropic:claude-sonnet-4-5")]));

        using var response = await gateway.PostAsync("chat/completions", ChatStream, HttpCompletionOption.ResponseHeadersRead);
        var events = await Sse.ReadAllAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[DONE]", events[^1]);
        Assert.NotEmpty(Sse.Content(events));
        using var first = JsonDocument.Parse(events[0]);
        Assert.Equal("assistant", first.RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        using var usage = JsonDocument.Parse(events[^2]);
        Assert.Equal(0, usage.RootElement.GetProperty("choices").GetArrayLength());
        Assert.True(usage.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
        using var finish = JsonDocument.Parse(events[^3]);
        Assert.Equal("stop", finish.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var entry = Assert.Single(await gateway.LogEntriesAsync());
        Assert.Equal(usage.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), entry.OutputTokens);
    }

    [Fact]
    public async Task Post_StreamWithoutIncludeUsage_NoUsageChunkReachesTheClientButTheLogHasIt()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("claude", "anthropic:claude-sonnet-4-5")]));

        using var response = await gateway.PostAsync("chat/completions", """{"model":"chat","stream":true,"messages":[{"role":"user","content":"Hi"}]}""", HttpCompletionOption.ResponseHeadersRead);
        var events = await Sse.ReadAllAsync(response);

        Assert.DoesNotContain(events, e => e.Contains("\"usage\"", StringComparison.Ordinal));
        var entry = Assert.Single(await gateway.LogEntriesAsync());
        Assert.True(entry.OutputTokens > 0);
        Assert.False(entry.UsageEstimated);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_ToolRoundTrip_CallsComeBackAsOpenAIToolCallsAndResultsAreAccepted(bool stream)
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("claude", "anthropic:claude-sonnet-4-5")]));
        const string Tools = """[{"type":"function","function":{"name":"get_weather","description":"Weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]""";

        using var first = await gateway.PostAsync("chat/completions", $$"""{"model":"chat","stream":{{(stream ? "true" : "false")}},"tools":{{Tools}},"tool_choice":"required","messages":[{"role":"user","content":"Weather in Paris?"}]}""", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        string id, name, arguments;
        if (stream)
        {
            var events = await Sse.ReadAllAsync(first);
            (id, name, arguments) = AssembleToolCall(events);
            Assert.Contains(events, e => e.Contains("\"finish_reason\":\"tool_calls\"", StringComparison.Ordinal));
        }
        else
        {
            using var json = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
            var choice = json.RootElement.GetProperty("choices")[0];
            Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
            var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
            id = call.GetProperty("id").GetString()!;
            name = call.GetProperty("function").GetProperty("name").GetString()!;
            arguments = call.GetProperty("function").GetProperty("arguments").GetString()!;
        }

        Assert.Equal("get_weather", name);
        using (var args = JsonDocument.Parse(arguments))
        {
            Assert.True(args.RootElement.TryGetProperty("city", out _));
        }

        var followUp = $$$"""
            {"model":"chat","tools":{{{Tools}}},"messages":[
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":{{{JsonSerializer.Serialize(id)}}},"type":"function","function":{"name":"get_weather","arguments":{{{JsonSerializer.Serialize(arguments)}}}}}]},
              {"role":"tool","tool_call_id":{{{JsonSerializer.Serialize(id)}}},"content":"18 degrees, sunny"}]}
            """;
        using var second = await gateway.PostAsync("chat/completions", followUp);
        var body = await second.Content.ReadAsStringAsync();
        Assert.True(second.StatusCode == HttpStatusCode.OK, body);
        using var answer = JsonDocument.Parse(body);
        Assert.NotEmpty(answer.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!);
    }

    internal static (string Id, string Name, string Arguments) AssembleToolCall(List<string> events)
    {
        string? id = null, name = null;
        var arguments = new System.Text.StringBuilder();
        foreach (var e in events)
        {
            if (e == "[DONE]")
            {
                continue;
            }

            using var doc = JsonDocument.Parse(e);
            if (!doc.RootElement.TryGetProperty("choices", out var choices) || choices.GetArrayLength() == 0
                || !choices[0].GetProperty("delta").TryGetProperty("tool_calls", out var calls))
            {
                continue;
            }

            foreach (var call in calls.EnumerateArray())
            {
                Assert.Equal(0, call.GetProperty("index").GetInt32());
                if (call.TryGetProperty("id", out var i))
                {
                    id = i.GetString();
                }

                var function = call.GetProperty("function");
                if (function.TryGetProperty("name", out var n))
                {
                    name = n.GetString();
                }

                if (function.TryGetProperty("arguments", out var a))
                {
                    arguments.Append(a.GetString());
                }
            }
        }

        return (id!, name!, arguments.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_AnthropicOverloaded_FailsOverBeforeTheFirstByte(bool stream)
    {
        // Not streaming: a 529. Streaming: a 200 whose message_start is followed by an overloaded error event.
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Instant, ShortTimeouts, [("chat", [("claude", "anthropic:fault-overloaded"), ("healthy", "llama")])]);

        using var response = await gateway.PostAsync("chat/completions", stream ? ChatStream : Chat, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", response.Headers.GetValues("x-switchyard-deployment").Single());
        if (stream)
        {
            Assert.Equal("[DONE]", (await Sse.ReadAllAsync(response))[^1]);
        }

        var entry = Assert.Single(await gateway.LogEntriesAsync());
        Assert.Equal(2, entry.Attempts);
        using var attempts = JsonDocument.Parse(entry.AttemptsJson!);
        Assert.Equal("server_error", attempts.RootElement[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Post_AnthropicOverloadedOnly_RetriesThenAnswersOpenAIStyle503()
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Instant, d => d with { Retry = new RetryConfig { Attempts = 1, Backoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(2) } }, [("chat", [("claude", "anthropic:fault-overloaded")])]);

        using var response = await gateway.PostAsync("chat/completions", Chat);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("529 overloaded_error", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        var entry = Assert.Single(await gateway.LogEntriesAsync());
        Assert.Equal(2, entry.Attempts);
    }

    [Fact]
    public async Task Post_AnthropicRateLimited_PassesRetryAfterAnd429()
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Instant, ShortTimeouts, [("chat", [("claude", "anthropic:fault-rate_limit")])]);

        using var response = await gateway.PostAsync("chat/completions", Chat);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Post_AnthropicPromptTooLong_TriesALargerWindow()
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Instant, d => d.Name == "healthy" ? d with { ContextWindow = 32768 } : ShortTimeouts(d), [("chat", [("claude", "anthropic:fault-context_length_exceeded"), ("healthy", "llama")])]);

        using var response = await gateway.PostAsync("chat/completions", Chat);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = Assert.Single(await gateway.LogEntriesAsync());
        using var attempts = JsonDocument.Parse(entry.AttemptsJson!);
        Assert.Equal("context_length", attempts.RootElement[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Post_AnthropicStreamCutAfterFirstDelta_EndsWithStreamInterrupted()
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Slow, ShortTimeouts, [("chat", [("claude", "anthropic:fault-cut_after_first_chunk"), ("healthy", "llama")])]);

        using var response = await gateway.PostAsync("chat/completions", ChatStream, HttpCompletionOption.ResponseHeadersRead);
        var events = await Sse.ReadAllAsync(response);

        Assert.Equal("claude", response.Headers.GetValues("x-switchyard-deployment").Single());
        Assert.DoesNotContain("[DONE]", events);
        using var last = JsonDocument.Parse(events[^1]);
        Assert.Equal("stream_interrupted", last.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("\"n\":2", "n")]
    [InlineData("\"logprobs\":true", "logprobs")]
    [InlineData("\"seed\":7", "seed")]
    [InlineData("\"temperature\":1.5", "temperature")]
    [InlineData("\"frequency_penalty\":0.5", "frequency_penalty")]
    [InlineData("\"response_format\":{\"type\":\"json_object\"},\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]", "response_format")]
    public async Task Post_ParameterAnthropicCannotTake_Is400NamingIt(string parameter, string name)
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("claude", "anthropic:claude-sonnet-4-5")]));

        using var response = await gateway.PostAsync("chat/completions", $$"""{"model":"chat",{{parameter}},"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(name, error.GetProperty("param").GetString());
        Assert.Contains(name, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        // Refused by the translation: Anthropic was never called.
        Assert.Equal(0, gateway.Simulator.Stats.Requests);
    }

    [Fact]
    public async Task Post_JsonSchemaResponseFormat_AnswerIsTheJsonContent()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("claude", "anthropic:claude-sonnet-4-5")]));
        const string Format = """{"type":"json_schema","json_schema":{"name":"person","schema":{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"]}}}""";

        using var response = await gateway.PostAsync("chat/completions", $$"""{"model":"chat","response_format":{{Format}},"messages":[{"role":"user","content":"Describe a person as JSON."}]}""");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.False(choice.GetProperty("message").TryGetProperty("tool_calls", out _));
        using var person = JsonDocument.Parse(choice.GetProperty("message").GetProperty("content").GetString()!);
        Assert.Equal(JsonValueKind.String, person.RootElement.GetProperty("name").ValueKind);
    }
}
