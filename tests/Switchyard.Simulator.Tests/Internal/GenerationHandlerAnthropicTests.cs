using System.Net;
using System.Text.Json;

namespace Switchyard.Simulator.Tests.Internal;

/// <summary>The simulator's Anthropic Messages API and Azure URLs, over real sockets.</summary>
public class GenerationHandlerAnthropicTests(SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private static readonly (string, string)[] AnthropicHeaders = [("x-api-key", "sk-ant"), ("anthropic-version", "2023-06-01")];

    private const string Question = """{"model":"perfect","max_tokens":50,"system":"Be brief.","messages":[{"role":"user","content":"What is 2+2?"}]}""";

    [Fact]
    public async Task Messages_AnswersAnAnthropicMessage()
    {
        using var response = await simulator.Client.SendAsync(SimulatorFixture.Post("/v1/messages", Question, AnthropicHeaders));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.StartsWith("msg_", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("text", root.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Contains(root.GetProperty("stop_reason").GetString(), new[] { "end_turn", "max_tokens" });
        Assert.True(root.GetProperty("usage").GetProperty("input_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task Messages_SameQuestionOnBothApis_SameAnswer()
    {
        using var anthropic = await simulator.Client.SendAsync(SimulatorFixture.Post("/v1/messages", Question, AnthropicHeaders));
        using var openAi = await simulator.Client.SendAsync(SimulatorFixture.Post("/v1/chat/completions", """{"model":"perfect","max_tokens":50,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What is 2+2?"}]}"""));

        using var a = JsonDocument.Parse(await anthropic.Content.ReadAsStringAsync());
        using var o = JsonDocument.Parse(await openAi.Content.ReadAsStringAsync());
        Assert.Equal(o.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), a.RootElement.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("x-api-key", 401, "authentication_error")]
    [InlineData("anthropic-version", 400, "invalid_request_error")]
    public async Task Messages_WithoutARequiredHeader_IsAnAnthropicError(string missing, int status, string type)
    {
        using var response = await simulator.Client.SendAsync(SimulatorFixture.Post("/v1/messages", Question, [.. AnthropicHeaders.Where(h => h.Item1 != missing)]));

        Assert.Equal(status, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(type, json.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Messages_OverloadedFault_Is529()
    {
        using var response = await simulator.Client.SendAsync(SimulatorFixture.Post("/v1/messages", Question, [.. AnthropicHeaders, ("x-sim-fault", "overloaded")]));

        Assert.Equal(529, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("overloaded_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Messages_OverloadedFaultStreaming_IsAnErrorEventAfterMessageStart()
    {
        using var response = await simulator.Client.SendAsync(SimulatorFixture.Post("/v1/messages", Question.Replace("\"max_tokens\":50", "\"max_tokens\":50,\"stream\":true", StringComparison.Ordinal), [.. AnthropicHeaders, ("x-sim-fault", "overloaded")]));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split('\n')[0]).ToArray();
        Assert.Equal(["event: message_start", "event: ping", "event: error"], events);
    }

    [Fact]
    public async Task Messages_StreamWithTool_EventsInAnthropicsOrder()
    {
        const string Request = """{"model":"perfect","max_tokens":200,"stream":true,"tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],"tool_choice":{"type":"any"},"messages":[{"role":"user","content":"Weather in Paris?"}]}""";

        using var response = await simulator.Client.SendAsync(SimulatorFixture.Post("/v1/messages", Request, AnthropicHeaders));
        var body = await response.Content.ReadAsStringAsync();

        var names = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split('\n')[0]["event: ".Length..]).ToArray();
        Assert.Equal(["message_start", "ping", "content_block_start"], names[..3]);
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], names[^3..]);
        Assert.Contains("\"type\":\"tool_use\"", body, StringComparison.Ordinal);
        Assert.Contains("\"stop_reason\":\"tool_use\"", body, StringComparison.Ordinal);
        Assert.Contains("input_json_delta", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Azure_DeploymentUrl_ServesTheNamedModel()
    {
        using var response = await simulator.Client.SendAsync(SimulatorFixture.Post("/openai/deployments/perfect/chat/completions?api-version=2024-10-21", """{"messages":[{"role":"user","content":"Hi"}]}""", ("api-key", "k")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("perfect", json.RootElement.GetProperty("model").GetString());
    }

    [Theory]
    [InlineData("/openai/deployments/perfect/chat/completions", "api-key", 404)]
    [InlineData("/openai/deployments/perfect/chat/completions?api-version=2024-10-21", null, 401)]
    public async Task Azure_MissingVersionOrKey_IsRefused(string path, string? key, int status)
    {
        using var response = await simulator.Client.SendAsync(SimulatorFixture.Post(path, """{"messages":[{"role":"user","content":"Hi"}]}""", key is null ? [] : [(key, "k")]));

        Assert.Equal(status, (int)response.StatusCode);
    }
}
