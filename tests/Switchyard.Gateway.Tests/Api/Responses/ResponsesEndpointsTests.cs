using System.Net;
using System.Text.Json;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Tests.Functional;

namespace Switchyard.Gateway.Tests.Api.Responses;

/// <summary>
/// <c>POST /v1/responses</c> over real sockets: the Responses API in and out, whatever serves the route (an
/// OpenAI-compatible server, or Anthropic through the provider's translation too), with the forwarder's failover, errors
/// and request log, and the stored responses behind <c>previous_response_id</c>.
/// </summary>
public class ResponsesEndpointsTests
{
    private const string Tools = """[{"type":"function","name":"get_weather","description":"Weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]""";

    [Theory]
    [InlineData("llama")]
    [InlineData("anthropic:claude-sonnet-4-5")]
    public async Task Post_StringInput_AnswersAResponseObject(string upstream)
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", upstream)]));

        using var response = await gateway.PostAsync("responses", """{"model":"chat","instructions":"Be brief.","input":"Hello there.","max_output_tokens":64,"metadata":{"ticket":"T-1"}}""");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Matches("^resp_[0-9a-f]{32}$", root.GetProperty("id").GetString());
        Assert.Equal("response", root.GetProperty("object").GetString());
        Assert.Contains(root.GetProperty("status").GetString(), new[] { "completed", "incomplete" });
        Assert.Equal("Be brief.", root.GetProperty("instructions").GetString());
        Assert.Equal(64, root.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal("T-1", root.GetProperty("metadata").GetProperty("ticket").GetString());
        Assert.True(root.GetProperty("store").GetBoolean());
        var message = Assert.Single(root.GetProperty("output").EnumerateArray());
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Matches("^msg_", message.GetProperty("id").GetString());
        var part = Assert.Single(message.GetProperty("content").EnumerateArray());
        Assert.Equal("output_text", part.GetProperty("type").GetString());
        Assert.NotEmpty(part.GetProperty("text").GetString()!);
        var usage = root.GetProperty("usage");
        Assert.True(usage.GetProperty("input_tokens").GetInt32() > 0);
        Assert.True(usage.GetProperty("output_tokens").GetInt32() > 0);
        Assert.Equal(usage.GetProperty("input_tokens").GetInt32() + usage.GetProperty("output_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32());

        var entry = Assert.Single(await gateway.LogEntriesAsync());
        Assert.Equal("chat", entry.Route);
        Assert.Equal("responses", entry.Endpoint);
        Assert.Equal(usage.GetProperty("output_tokens").GetInt32(), entry.OutputTokens);
        Assert.Equal(usage.GetProperty("input_tokens").GetInt32(), entry.InputTokens);
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("anthropic:claude-sonnet-4-5")]
    public async Task Post_Stream_EventsFollowTheResponseLifecycle(string upstream)
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", upstream)]));

        using var response = await gateway.PostAsync("responses", """{"model":"chat","stream":true,"input":[{"role":"user","content":[{"type":"input_text","text":"Hello there."}]}]}""", HttpCompletionOption.ResponseHeadersRead);
        var events = await ReadEventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        var names = events.Select(e => e.Name).ToList();
        Assert.Equal(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"], names[..4]);
        Assert.Equal(["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"], names[^4..]);
        Assert.All(names[4..^4], n => Assert.Equal("response.output_text.delta", n));
        var id = events[0].Data.GetProperty("response").GetProperty("id").GetString();
        Assert.Equal("in_progress", events[0].Data.GetProperty("response").GetProperty("status").GetString());
        Assert.All(events.Where(e => e.Data.TryGetProperty("response", out _)), e => Assert.Equal(id, e.Data.GetProperty("response").GetProperty("id").GetString()));

        var text = string.Concat(events.Where(e => e.Name == "response.output_text.delta").Select(e => e.Data.GetProperty("delta").GetString()));
        Assert.NotEmpty(text);
        Assert.Equal(text, events[^4].Data.GetProperty("text").GetString());
        Assert.Equal(text, events[^3].Data.GetProperty("part").GetProperty("text").GetString());
        var itemId = events[2].Data.GetProperty("item").GetProperty("id").GetString();
        Assert.All(events.Where(e => e.Data.TryGetProperty("item_id", out _)), e => Assert.Equal(itemId, e.Data.GetProperty("item_id").GetString()));
        var completed = events[^1].Data.GetProperty("response");
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        var item = Assert.Single(completed.GetProperty("output").EnumerateArray());
        Assert.Equal(itemId, item.GetProperty("id").GetString());
        Assert.Equal(text, item.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.True(completed.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
        Assert.True(completed.GetProperty("usage").GetProperty("input_tokens").GetInt32() > 0);

        var entry = Assert.Single(await gateway.LogEntriesAsync());
        Assert.Equal("responses", entry.Endpoint);
        Assert.True(entry.Stream);
    }

    [Theory]
    [InlineData("llama", false)]
    [InlineData("llama", true)]
    [InlineData("anthropic:claude-sonnet-4-5", false)]
    [InlineData("anthropic:claude-sonnet-4-5", true)]
    public async Task Post_FunctionToolRoundTrip_ContinuesWithPreviousResponseId(string upstream, bool stream)
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", upstream)]));

        using var first = await gateway.PostAsync("responses", $$"""{"model":"chat","stream":{{(stream ? "true" : "false")}},"tools":{{Tools}},"tool_choice":"required","input":"Weather in Paris?"}""", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        JsonElement created;
        if (stream)
        {
            var events = await ReadEventsAsync(first);
            var added = events.Single(e => e.Name == "response.output_item.added").Data.GetProperty("item");
            Assert.Equal("function_call", added.GetProperty("type").GetString());
            var arguments = string.Concat(events.Where(e => e.Name == "response.function_call_arguments.delta").Select(e => e.Data.GetProperty("delta").GetString()));
            Assert.Equal(arguments, events.Single(e => e.Name == "response.function_call_arguments.done").Data.GetProperty("arguments").GetString());
            created = events[^1].Data.GetProperty("response").Clone();
            Assert.Equal("response.completed", events[^1].Name);
        }
        else
        {
            created = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.Clone();
        }

        var call = created.GetProperty("output").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "function_call");
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Matches("^fc_", call.GetProperty("id").GetString());
        Assert.NotEmpty(call.GetProperty("call_id").GetString()!);
        using (var arguments = JsonDocument.Parse(call.GetProperty("arguments").GetString()!))
        {
            Assert.True(arguments.RootElement.TryGetProperty("city", out _));
        }

        var followUp = $$"""
            {"model":"chat","tools":{{Tools}},"previous_response_id":"{{created.GetProperty("id").GetString()}}",
             "input":[{"type":"function_call_output","call_id":{{JsonSerializer.Serialize(call.GetProperty("call_id").GetString())}},"output":"18 degrees, sunny"}]}
            """;
        using var second = await gateway.PostAsync("responses", followUp);
        var body = await second.Content.ReadAsStringAsync();
        Assert.True(second.StatusCode == HttpStatusCode.OK, body);
        using var answer = JsonDocument.Parse(body);
        Assert.Equal(created.GetProperty("id").GetString(), answer.RootElement.GetProperty("previous_response_id").GetString());
        var message = answer.RootElement.GetProperty("output").EnumerateArray().Single();
        Assert.Equal("message", message.GetProperty("type").GetString());
        // The conversation was sent again: the question, the call and its output are all in the prompt.
        Assert.True(
            answer.RootElement.GetProperty("usage").GetProperty("input_tokens").GetInt32() > created.GetProperty("usage").GetProperty("input_tokens").GetInt32(),
            body);
    }

    [Fact]
    public async Task Post_PreviousResponseId_SendsTheWholeConversationOldestFirst()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", "llama")]));
        var turns = new List<JsonElement>();
        string? previous = null;
        foreach (var question in new[] { "My name is Ada.", "What is a compiler?", "And what is my name?" })
        {
            var chain = previous is null ? "" : $",\"previous_response_id\":\"{previous}\"";
            using var response = await gateway.PostAsync("responses", $$"""{"model":"chat","input":{{JsonSerializer.Serialize(question)}}{{chain}}}""");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            turns.Add(JsonDocument.Parse(body).RootElement.Clone());
            previous = turns[^1].GetProperty("id").GetString();
        }

        // The simulator counts 4 bytes a token and 4 a message: each turn's prompt holds every earlier question and answer.
        using var alone = await gateway.PostAsync("responses", """{"model":"chat","input":"And what is my name?"}""");
        var aloneTokens = JsonDocument.Parse(await alone.Content.ReadAsStringAsync()).RootElement.GetProperty("usage").GetProperty("input_tokens").GetInt32();
        var earlier = turns.Take(2).Sum(t => t.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.True(turns[2].GetProperty("usage").GetProperty("input_tokens").GetInt32() >= aloneTokens + earlier, string.Join("\n", turns));
    }

    [Fact]
    public async Task StoredResponse_GetInputItemsDelete_AsOpenAIServesThem()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", "llama")]));
        using var created = await gateway.PostAsync("responses", """{"model":"chat","input":[{"role":"developer","content":"Answer in French."},{"role":"user","content":"Hello"}]}""");
        var body = await created.Content.ReadAsStringAsync();
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString();

        using var get = await gateway.Client.GetAsync($"responses/{id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(body, await get.Content.ReadAsStringAsync());

        using var items = await gateway.Client.GetAsync($"responses/{id}/input_items");
        using var list = JsonDocument.Parse(await items.Content.ReadAsStringAsync());
        Assert.Equal("list", list.RootElement.GetProperty("object").GetString());
        var data = list.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["user", "developer"], data.Select(d => d.GetProperty("role").GetString()));
        Assert.All(data, d => Assert.Matches("^msg_", d.GetProperty("id").GetString()));
        Assert.Equal("input_text", data[0].GetProperty("content")[0].GetProperty("type").GetString());
        Assert.False(list.RootElement.GetProperty("has_more").GetBoolean());

        using var page = await gateway.Client.GetAsync($"responses/{id}/input_items?order=asc&limit=1");
        using var first = JsonDocument.Parse(await page.Content.ReadAsStringAsync());
        Assert.Equal("developer", first.RootElement.GetProperty("data")[0].GetProperty("role").GetString());
        Assert.True(first.RootElement.GetProperty("has_more").GetBoolean());
        using var next = await gateway.Client.GetAsync($"responses/{id}/input_items?order=asc&limit=1&after={first.RootElement.GetProperty("last_id").GetString()}");
        using var nextPage = JsonDocument.Parse(await next.Content.ReadAsStringAsync());
        Assert.Equal("user", nextPage.RootElement.GetProperty("data")[0].GetProperty("role").GetString());
        Assert.False(nextPage.RootElement.GetProperty("has_more").GetBoolean());
        using var back = await gateway.Client.GetAsync($"responses/{id}/input_items?order=asc&limit=1&before={nextPage.RootElement.GetProperty("first_id").GetString()}");
        using var previous = JsonDocument.Parse(await back.Content.ReadAsStringAsync());
        Assert.Equal(first.RootElement.GetProperty("data").GetRawText(), previous.RootElement.GetProperty("data").GetRawText());
        Assert.False(previous.RootElement.GetProperty("has_more").GetBoolean());
        using var unknown = await gateway.Client.GetAsync($"responses/{id}/input_items?after=msg_nope");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        using var deleted = await gateway.Client.DeleteAsync($"responses/{id}");
        Assert.Equal("""{"id":"ID","object":"response.deleted","deleted":true}""".Replace("ID", id, StringComparison.Ordinal), await deleted.Content.ReadAsStringAsync());
        using var gone = await gateway.Client.GetAsync($"responses/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var goneAgain = await gateway.Client.DeleteAsync($"responses/{id}");
        Assert.Equal(HttpStatusCode.NotFound, goneAgain.StatusCode);
        using var continued = await gateway.PostAsync("responses", $$"""{"model":"chat","previous_response_id":"{{id}}","input":"More."}""");
        Assert.Equal(HttpStatusCode.NotFound, continued.StatusCode);
        using var error = JsonDocument.Parse(await continued.Content.ReadAsStringAsync());
        Assert.Equal("previous_response_id", error.RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal("previous_response_not_found", error.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_StoreFalse_KeepsNothing(bool stream)
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", "llama")]));

        using var created = await gateway.PostAsync("responses", $$"""{"model":"chat","store":false,"stream":{{(stream ? "true" : "false")}},"input":"Hi"}""", HttpCompletionOption.ResponseHeadersRead);
        var response = stream ? (await ReadEventsAsync(created))[^1].Data.GetProperty("response") : JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;

        Assert.False(response.GetProperty("store").GetBoolean());
        using var get = await gateway.Client.GetAsync($"responses/{response.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Post_StreamCutAfterFirstEvents_EndsWithResponseFailedAndIsNotStored()
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Slow, d => d with { Retry = new RetryConfig { Attempts = 0 } }, [("chat", [("broken", "fault-cut_after_first_chunk"), ("healthy", "llama")])]);

        using var response = await gateway.PostAsync("responses", """{"model":"chat","stream":true,"input":"Hello there."}""", HttpCompletionOption.ResponseHeadersRead);
        var events = await ReadEventsAsync(response);

        Assert.Equal("broken", response.Headers.GetValues("x-switchyard-deployment").Single());
        Assert.DoesNotContain(events, e => e.Name == "response.completed");
        Assert.Equal("response.failed", events[^1].Name);
        var failed = events[^1].Data.GetProperty("response");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("server_error", failed.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("incomplete", failed.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        using var get = await gateway.Client.GetAsync($"responses/{failed.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_FirstDeploymentOverloaded_FailsOverBeforeTheFirstByte(bool stream)
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Instant, d => d with { Retry = new RetryConfig { Attempts = 0 } }, [("chat", [("claude", "anthropic:fault-overloaded"), ("healthy", "llama")])]);

        using var response = await gateway.PostAsync("responses", $$"""{"model":"chat","stream":{{(stream ? "true" : "false")}},"input":"Hello"}""", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", response.Headers.GetValues("x-switchyard-deployment").Single());
        if (stream)
        {
            var events = await ReadEventsAsync(response);
            Assert.Equal("response.created", events[0].Name);
            Assert.Equal("response.completed", events[^1].Name);
        }
    }

    [Fact]
    public async Task Post_AllDeploymentsFail_IsAnOpenAIError()
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Instant, d => d with { Retry = new RetryConfig { Attempts = 0 } }, [("chat", [("broken", "fault-unavailable")])]);

        using var response = await gateway.PostAsync("responses", """{"model":"chat","stream":true,"input":"Hello"}""");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("broken", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_MaxOutputTokensReached_IsIncomplete()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", "llama")]));

        using var response = await gateway.PostAsync("responses", """{"model":"chat","input":"Tell me a long story about ships.","max_output_tokens":3}""");

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("incomplete", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", json.RootElement.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal("incomplete", json.RootElement.GetProperty("output")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Post_JsonSchemaFormat_IsAskedOfTheModelAndValid()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", "llama")]));

        using var response = await gateway.PostAsync("responses", """
            {"model":"chat","input":"Give me a city.","text":{"format":{"type":"json_schema","name":"city","strict":true,
             "schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}}}}
            """);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("json_schema", json.RootElement.GetProperty("text").GetProperty("format").GetProperty("type").GetString());
        using var answer = JsonDocument.Parse(json.RootElement.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString()!);
        Assert.Equal(JsonValueKind.String, answer.RootElement.GetProperty("name").ValueKind);
    }

    [Theory]
    [InlineData("""{"model":"chat","input":"Hi","tools":[{"type":"web_search"}]}""", "tools[0]", "built-in tools")]
    [InlineData("""{"model":"chat","input":"Hi","tools":[{"type":"file_search","vector_store_ids":["vs_1"]}]}""", "tools[0]", "built-in tools")]
    [InlineData("""{"model":"chat","input":"Hi","tools":[{"type":"computer_use_preview","display_width":1024,"display_height":768,"environment":"browser"}]}""", "tools[0]", "built-in tools")]
    [InlineData("""{"model":"chat","input":"Hi","background":true}""", "background", "Background")]
    [InlineData("""{"model":"chat","input":"Hi","conversation":"conv_123"}""", "conversation", "previous_response_id")]
    [InlineData("""{"model":"chat","input":"Hi","reasoning":{"effort":"low","summary":"auto"}}""", "reasoning.summary", "summaries")]
    [InlineData("""{"model":"chat","input":"Hi","include":["reasoning.encrypted_content"]}""", "include", "encrypted")]
    [InlineData("""{"model":"chat","input":"Hi","truncation":"auto"}""", "truncation", "auto")]
    [InlineData("""{"model":"chat","input":"Hi","prompt":{"id":"pmpt_1"}}""", "prompt", "templates")]
    [InlineData("""{"model":"chat","input":"Hi","text":{"verbosity":"low"}}""", "text.verbosity", "verbosity")]
    [InlineData("""{"model":"chat","input":[{"role":"user","content":[{"type":"input_file","file_id":"file-1"}]}]}""", "input[0].content[0]", "input_file")]
    [InlineData("""{"model":"chat","input":[{"role":"user","content":[{"type":"input_image","file_id":"file-1"}]}]}""", "input[0].content[0]", "file_id")]
    [InlineData("""{"model":"chat","input":[{"type":"item_reference","id":"msg_1"}]}""", "input[0]", "previous_response_id")]
    [InlineData("""{"model":"chat","input":[{"type":"reasoning","id":"rs_1","summary":[]}]}""", "input[0]", "reasoning item")]
    [InlineData("""{"model":"chat","input":[{"type":"web_search_call","id":"ws_1","status":"completed"}]}""", "input[0]", "built-in tools")]
    [InlineData("""{"model":"chat","input":"Hi","tool_choice":{"type":"file_search"}}""", "tool_choice", "built-in")]
    [InlineData("""{"model":"chat","input":"Hi","service_tier":"flex"}""", "service_tier", "flex")]
    public async Task Post_FeatureWithoutAnEquivalent_IsA400NamingIt(string request, string param, string mentions)
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", "llama")]));

        using var response = await gateway.PostAsync("responses", request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("unsupported_parameter", error.GetProperty("code").GetString());
        Assert.Contains(mentions, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(await gateway.LogEntriesAsync());
        Assert.Equal(0, gateway.Simulator.Stats.Requests);
    }

    [Theory]
    [InlineData("""{"model":"chat","input":"Hi","frobnicate":1}""", 400, "frobnicate", "unknown_parameter")]
    [InlineData("""{"input":"Hi"}""", 400, "model", "missing_required_parameter")]
    [InlineData("""{"model":"chat"}""", 400, "input", "missing_required_parameter")]
    [InlineData("""{"model":"chat","input":[]}""", 400, "input", "invalid_value")]
    [InlineData("""{"model":"chat","input":"Hi","temperature":"hot"}""", 400, "temperature", "invalid_type")]
    [InlineData("""{"model":"chat","input":[{"role":"robot","content":"Hi"}]}""", 400, "input[0].role", "invalid_value")]
    [InlineData("""{"model":"chat","input":[{"type":"function_call_output","output":"x"}]}""", 400, "input[0].call_id", "missing_required_parameter")]
    [InlineData("""{"model":"chat","input":"Hi","previous_response_id":"resp_0123456789abcdef0123456789abcdef"}""", 404, "previous_response_id", "previous_response_not_found")]
    [InlineData("""{"model":"nope","input":"Hi"}""", 404, "model", "model_not_found")]
    public async Task Post_BadRequest_IsAnOpenAIError(string request, int status, string param, string code)
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", "llama")]));

        using var response = await gateway.PostAsync("responses", request);

        Assert.Equal(status, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(param, json.RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal(code, json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task WrongMethod_IsA405NamingTheAllowedOnes()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("d", "llama")]));

        using var response = await gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "responses/resp_0123456789abcdef0123456789abcdef"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, DELETE", response.Content.Headers.Allow.Count > 0 ? string.Join(", ", response.Content.Headers.Allow) : string.Join(", ", response.Headers.GetValues("Allow")));
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
