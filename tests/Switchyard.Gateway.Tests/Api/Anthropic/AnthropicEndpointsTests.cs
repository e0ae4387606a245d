using System.Net;
using System.Text.Json;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Tests.Functional;

namespace Switchyard.Gateway.Tests.Api.Anthropic;

/// <summary>
/// <c>POST /v1/messages</c> over real sockets: Anthropic's format in and out, whatever serves the route (an OpenAI-compatible
/// server, or Anthropic itself through both translations), with the forwarder's failover, errors and request log.
/// </summary>
public class AnthropicEndpointsTests
{
    private const string Message = """{"model":"chat","max_tokens":64,"system":"Be brief.","messages":[{"role":"user","content":"Hello there."}]}""";
    private const string StreamMessage = """{"model":"chat","max_tokens":64,"stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"Hello there."}]}]}""";

    [Theory]
    [InlineData("llama")]
    [InlineData("anthropic:claude-sonnet-4-5")]
    public async Task Post_Message_AnswersInAnthropicFormat(string upstream)
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", upstream)]));

        using var response = await gateway.PostAsync("messages", Message);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal("message", root.GetProperty("type").GetString());
        Assert.Equal("assistant", root.GetProperty("role").GetString());
        Assert.Equal("text", root.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.NotEmpty(root.GetProperty("content")[0].GetProperty("text").GetString()!);
        Assert.Contains(root.GetProperty("stop_reason").GetString(), new[] { "end_turn", "max_tokens" });
        Assert.True(root.GetProperty("usage").GetProperty("input_tokens").GetInt32() > 0);
        Assert.True(root.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
        Assert.Equal(response.Headers.GetValues("x-request-id").Single(), response.Headers.GetValues("request-id").Single());

        var entry = Assert.Single(await gateway.LogEntriesAsync());
        Assert.Equal("chat", entry.Route);
        Assert.Equal("messages", entry.Endpoint);
        Assert.Equal(root.GetProperty("usage").GetProperty("output_tokens").GetInt32(), entry.OutputTokens);
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("anthropic:claude-sonnet-4-5")]
    public async Task Post_StreamingMessage_EventsFollowAnthropicsOrder(string upstream)
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", upstream)]));

        using var response = await gateway.PostAsync("messages", StreamMessage, HttpCompletionOption.ResponseHeadersRead);
        var events = await ReadEventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var names = events.Select(e => e.Name).ToList();
        Assert.Equal("message_start", names[0]);
        Assert.Equal("content_block_start", names[1]);
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], names[^3..]);
        Assert.All(names[2..^3], n => Assert.Equal("content_block_delta", n));
        var text = string.Concat(events.Where(e => e.Name == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString()));
        Assert.NotEmpty(text);
        var delta = events[^2].Data;
        Assert.Contains(delta.GetProperty("delta").GetProperty("stop_reason").GetString(), new[] { "end_turn", "max_tokens" });
        Assert.True(delta.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
        Assert.True(delta.GetProperty("usage").GetProperty("input_tokens").GetInt32() > 0);
    }

    [Theory]
    [InlineData("llama", false)]
    [InlineData("llama", true)]
    [InlineData("anthropic:claude-sonnet-4-5", false)]
    [InlineData("anthropic:claude-sonnet-4-5", true)]
    public async Task Post_ToolRoundTrip_ToolUseThenToolResult(string upstream, bool stream)
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", upstream)]));
        const string Tools = """[{"name":"get_weather","description":"Weather for a city","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]""";

        using var first = await gateway.PostAsync("messages", $$"""{"model":"chat","max_tokens":200,"stream":{{(stream ? "true" : "false")}},"tools":{{Tools}},"tool_choice":{"type":"any"},"messages":[{"role":"user","content":"Weather in Paris?"}]}""", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        string id, input;
        if (stream)
        {
            var events = await ReadEventsAsync(first);
            var start = events.First(e => e.Name == "content_block_start" && e.Data.GetProperty("content_block").GetProperty("type").GetString() == "tool_use").Data;
            var index = start.GetProperty("index").GetInt32();
            id = start.GetProperty("content_block").GetProperty("id").GetString()!;
            Assert.Equal("get_weather", start.GetProperty("content_block").GetProperty("name").GetString());
            input = string.Concat(events.Where(e => e.Name == "content_block_delta" && e.Data.GetProperty("index").GetInt32() == index)
                .Select(e => e.Data.GetProperty("delta").GetProperty("partial_json").GetString()));
            Assert.Equal("tool_use", events.Single(e => e.Name == "message_delta").Data.GetProperty("delta").GetProperty("stop_reason").GetString());
        }
        else
        {
            using var json = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
            Assert.Equal("tool_use", json.RootElement.GetProperty("stop_reason").GetString());
            var block = json.RootElement.GetProperty("content").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "tool_use");
            id = block.GetProperty("id").GetString()!;
            input = block.GetProperty("input").GetRawText();
        }

        using (var parsed = JsonDocument.Parse(input))
        {
            Assert.True(parsed.RootElement.TryGetProperty("city", out _));
        }

        var followUp = $$$"""
            {"model":"chat","max_tokens":200,"tools":{{{Tools}}},"messages":[
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":[{"type":"tool_use","id":{{{JsonSerializer.Serialize(id)}}},"name":"get_weather","input":{{{input}}}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":{{{JsonSerializer.Serialize(id)}}},"content":"18 degrees, sunny"}]}]}
            """;
        using var second = await gateway.PostAsync("messages", followUp);
        var body = await second.Content.ReadAsStringAsync();
        Assert.True(second.StatusCode == HttpStatusCode.OK, body);
        using var answer = JsonDocument.Parse(body);
        Assert.Equal("text", answer.RootElement.GetProperty("content")[0].GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"Hi"}]}""", 400, "invalid_request_error", "max_tokens")]
    [InlineData("""{"model":"nope","max_tokens":5,"messages":[{"role":"user","content":"Hi"}]}""", 404, "not_found_error", "nope")]
    [InlineData("""{"model":"chat","max_tokens":5000,"thinking":{"type":"enabled","budget_tokens":2000},"messages":[{"role":"user","content":"Hi"}]}""", 400, "invalid_request_error", "thinking")]
    [InlineData("""{"model":"chat","max_tokens":5,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[{"role":"user","content":"Hi"}]}""", 400, "invalid_request_error", "server tools")]
    [InlineData("""{"model":"chat","max_tokens":5,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"text","media_type":"text/plain","data":"x"}}]}]}""", 400, "invalid_request_error", "document")]
    [InlineData("""{"model":"chat","max_tokens":5,"messages":[{"role":"user","content":"Hi"}""", 400, "invalid_request_error", "JSON")]
    public async Task Post_BadRequest_IsAnAnthropicError(string request, int status, string type, string mentions)
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", "llama")]));

        using var response = await gateway.PostAsync("messages", request);

        Assert.Equal(status, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(type, json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains(mentions, json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UpstreamClientError_ComesBackInAnthropicShape()
    {
        // n has no Anthropic equivalent, but here the refusal comes from the Anthropic deployment's translation (OpenAI shape)
        // and is turned back into Anthropic's shape on the way out: a temperature above Anthropic's range.
        await using var gateway = await TestGateway.StartAsync(("chat", [("claude", "anthropic:claude-sonnet-4-5")]));

        using var response = await gateway.PostAsync("messages", """{"model":"chat","max_tokens":5,"temperature":1.5,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("temperature", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_FirstDeploymentOverloaded_FailsOverBeforeTheFirstByte(bool stream)
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Instant, d => d with { Retry = new RetryConfig { Attempts = 0 } }, [("chat", [("claude", "anthropic:fault-overloaded"), ("healthy", "llama")])]);

        using var response = await gateway.PostAsync("messages", stream ? StreamMessage : Message, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", response.Headers.GetValues("x-switchyard-deployment").Single());
        if (stream)
        {
            var events = await ReadEventsAsync(response);
            Assert.Equal("message_stop", events[^1].Name);
        }
    }

    [Fact]
    public async Task Post_AllDeploymentsOverloaded_IsAnAnthropicOverloadOrGatewayError()
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Instant, d => d with { Retry = new RetryConfig { Attempts = 0 } }, [("chat", [("claude", "anthropic:fault-overloaded")])]);

        using var response = await gateway.PostAsync("messages", Message);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("api_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("overloaded", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Post_StreamCutAfterFirstEvents_EndsWithAnErrorEventNotMessageStop()
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Slow, d => d with { Retry = new RetryConfig { Attempts = 0 } }, [("chat", [("broken", "fault-cut_after_first_chunk"), ("healthy", "llama")])]);

        using var response = await gateway.PostAsync("messages", StreamMessage, HttpCompletionOption.ResponseHeadersRead);
        var events = await ReadEventsAsync(response);

        Assert.Equal("broken", response.Headers.GetValues("x-switchyard-deployment").Single());
        Assert.DoesNotContain(events, e => e.Name == "message_stop");
        Assert.Equal("error", events[^1].Name);
        Assert.Equal("api_error", events[^1].Data.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("incomplete", events[^1].Data.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    internal sealed record Event(string Name, JsonElement Data);

    internal static async Task<List<Event>> ReadEventsAsync(HttpResponseMessage response)
    {
        var events = new List<Event>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? name = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var data = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                Assert.Equal(name, data.GetProperty("type").GetString());
                events.Add(new Event(name!, data));
            }
        }

        return events;
    }
}
