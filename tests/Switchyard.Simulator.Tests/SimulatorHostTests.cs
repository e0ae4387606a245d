using System.Net;
using System.Text;
using System.Text.Json;
using static Switchyard.Simulator.Tests.SimulatorFixture;

namespace Switchyard.Simulator.Tests;

/// <summary>The OpenAI wire protocol as a client sees it over a real socket.</summary>
public sealed partial class SimulatorHostTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task StartAsync_PortZero_ReportsTheBoundPort()
    {
        Assert.Equal("127.0.0.1", fixture.Host.BaseAddress.Host);
        Assert.NotEqual(0, fixture.Host.BaseAddress.Port);
        Assert.Equal(new Uri(fixture.Host.BaseAddress, "v1/"), fixture.Host.ApiBaseAddress);
        using var response = await _client.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task ChatCompletions_NotStreaming_AnswersInOpenAIFormat()
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "Tell me about rivers.")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("req_", Assert.Single(response.Headers.GetValues("x-request-id")), StringComparison.Ordinal);
        Assert.Equal("good", Assert.Single(response.Headers.GetValues("x-sim-quality")));

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.StartsWith("chatcmpl-", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal(Perfect, root.GetProperty("model").GetString());
        Assert.True(root.GetProperty("created").GetInt64() > 1_600_000_000);
        Assert.StartsWith("fp_", root.GetProperty("system_fingerprint").GetString(), StringComparison.Ordinal);
        var choice = Assert.Single(root.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        var content = choice.GetProperty("message").GetProperty("content").GetString()!;
        Assert.True(content.Length > 20, content);
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("message").GetProperty("refusal").ValueKind);
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var usage = root.GetProperty("usage");
        var completion = usage.GetProperty("completion_tokens").GetInt32();
        Assert.InRange(completion, 16, 200);
        Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 8);
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + completion, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatCompletions_Streaming_SendsChunksThenDoneAndNoUsageChunk()
    {
        var body = ChatBody(Perfect, "Tell me about mountains.");
        var expected = await ContentOfAsync(body);

        using var response = await _client.SendAsync(Post("v1/chat/completions", body.TrimEnd('}') + ",\"stream\":true}"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = await SseStream.ReadAllDataAsync(await response.Content.ReadAsStreamAsync());

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.All(chunks, c => Assert.False(c.TryGetProperty("usage", out _)));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var streamed = string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.Equal(expected, streamed);
    }

    [Fact]
    public async Task ChatCompletions_StreamingWithIncludeUsage_SendsUsageChunkBeforeDone()
    {
        var body = ChatBody(Perfect, "Tell me about lakes.", "\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        using var response = await _client.SendAsync(Post("v1/chat/completions", body), HttpCompletionOption.ResponseHeadersRead);
        var events = await SseStream.ReadAllDataAsync(await response.Content.ReadAsStreamAsync());

        Assert.Equal("[DONE]", events[^1]);
        var usageChunk = JsonDocument.Parse(events[^2]).RootElement;
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        var usage = usageChunk.GetProperty("usage");
        Assert.True(usage.GetProperty("completion_tokens").GetInt32() > 0);
        foreach (var data in events[..^2])
        {
            Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(data).RootElement.GetProperty("usage").ValueKind);
        }

        var contentChunks = events[..^2].Count(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var c) && c.GetString()!.Length > 0);
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt32(), contentChunks);
    }

    [Fact]
    public async Task ChatCompletions_SameRequestTwice_SameAnswer()
    {
        var body = ChatBody(Open, "What should I cook tonight?", "\"seed\":42");
        Assert.Equal(await ContentOfAsync(body), await ContentOfAsync(body));
    }

    [Fact]
    public async Task ChatCompletions_DifferentSeedOrModel_DifferentAnswer()
    {
        var first = await ContentOfAsync(ChatBody(Perfect, "What should I cook tonight?", "\"seed\":1"));
        Assert.NotEqual(first, await ContentOfAsync(ChatBody(Perfect, "What should I cook tonight?", "\"seed\":2")));
        Assert.NotEqual(first, await ContentOfAsync(ChatBody(Chunky, "What should I cook tonight?", "\"seed\":1")));
    }

    [Fact]
    public async Task ChatCompletions_EscapedAndRawText_SameAnswer()
    {
        var raw = """{"model":"perfect","messages":[{"role":"user","content":"café au lait"}]}""";
        var escaped = """{"model":"perfect","messages":[{"role":"user","content":"caf\u00e9 au lait"}]}""";
        Assert.Equal(await ContentOfAsync(raw), await ContentOfAsync(escaped));
    }

    [Fact]
    public async Task ChatCompletions_MaxTokens_StopsWithFinishReasonLength()
    {
        using var json = await PostJsonAsync("v1/chat/completions", ChatBody(Perfect, "Write an essay.", "\"max_tokens\":5"));
        var root = json.RootElement;
        Assert.Equal("length", root.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(5, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        using var modern = await PostJsonAsync("v1/chat/completions", ChatBody(Perfect, "Write an essay.", "\"max_completion_tokens\":3"));
        Assert.Equal(3, modern.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatCompletions_MaxTokens_IsAPrefixOfTheUncappedAnswer()
    {
        var full = await ContentOfAsync(ChatBody(Chunky, "Write an essay about code reviews."));
        for (var max = 1; max < 60; max += 7)
        {
            var capped = await ContentOfAsync(ChatBody(Chunky, "Write an essay about code reviews.", $"\"max_tokens\":{max}"));
            Assert.StartsWith(capped, full, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ChatCompletions_Stop_CutsTheContentBeforeTheSequence()
    {
        var full = await ContentOfAsync(ChatBody(Perfect, "Explain tides."));
        var stop = full[(full.IndexOf(' ', 10) + 1)..].Split(' ')[0];
        using var json = await PostJsonAsync("v1/chat/completions", ChatBody(Perfect, "Explain tides.", $"\"stop\":[\"{stop}\"]"));
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task ChatCompletions_N_ReturnsThatManyChoices()
    {
        using var json = await PostJsonAsync("v1/chat/completions", ChatBody(Perfect, "Name a colour.", "\"n\":3"));
        var choices = json.RootElement.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal(3, choices.Select(c => c.GetProperty("message").GetProperty("content").GetString()).Distinct().Count());

        using var greedy = await PostJsonAsync("v1/chat/completions", ChatBody(Perfect, "Name a colour.", "\"n\":2,\"temperature\":0"));
        Assert.Single(greedy.RootElement.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("message").GetProperty("content").GetString()).Distinct());
    }

    [Fact]
    public async Task ChatCompletions_Logprobs_ListEveryTokenWithBytesAndAlternatives()
    {
        using var json = await PostJsonAsync("v1/chat/completions", ChatBody(Perfect, "Describe the sea.", "\"logprobs\":true,\"top_logprobs\":3"));
        var choice = json.RootElement.GetProperty("choices")[0];
        var content = choice.GetProperty("message").GetProperty("content").GetString();
        var tokens = choice.GetProperty("logprobs").GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), tokens.Count);
        Assert.Equal(content, string.Concat(tokens.Select(t => t.GetProperty("token").GetString())));
        foreach (var token in tokens)
        {
            var text = token.GetProperty("token").GetString()!;
            Assert.Equal(Encoding.UTF8.GetBytes(text), token.GetProperty("bytes").EnumerateArray().Select(b => (byte)b.GetInt32()));
            Assert.True(token.GetProperty("logprob").GetDouble() <= 0);
            var top = token.GetProperty("top_logprobs").EnumerateArray().ToList();
            Assert.Equal(3, top.Count);
            Assert.Contains(top, t => t.GetProperty("token").GetString() == text);
            Assert.True(top.Sum(t => Math.Exp(t.GetProperty("logprob").GetDouble())) <= 1.0 + 1e-9);
        }

        // A good answer is confident: its mean log probability is near -0.2.
        Assert.InRange(tokens.Average(t => t.GetProperty("logprob").GetDouble()), -0.6, 0);
    }

    [Fact]
    public async Task ChatCompletions_BadAnswer_HasLowLogprobs()
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "Describe the sea.", "\"logprobs\":true"), ("x-sim-force-quality", "bad:truncated")));
        Assert.Equal("bad:truncated", Assert.Single(response.Headers.GetValues("x-sim-quality")));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        var mean = choice.GetProperty("logprobs").GetProperty("content").EnumerateArray().Average(t => t.GetProperty("logprob").GetDouble());
        Assert.True(mean < -0.9, $"mean logprob {mean}");
    }

    [Fact]
    public async Task ChatCompletions_StreamingTools_ArgumentDeltasReassembleIntoJson()
    {
        var body = ChatBody(Perfect, "What is the weather in Paris?", $"\"stream\":true,{WeatherTool},{ChooseWeather}");
        using var response = await _client.SendAsync(Post("v1/chat/completions", body), HttpCompletionOption.ResponseHeadersRead);
        var events = await SseStream.ReadAllDataAsync(await response.Content.ReadAsStreamAsync());
        Assert.Equal("[DONE]", events[^1]);

        var arguments = new Dictionary<int, StringBuilder>();
        string? finish = null;
        var first = true;
        foreach (var data in events[..^1])
        {
            var choice = JsonDocument.Parse(data).RootElement.GetProperty("choices")[0];
            if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String)
            {
                finish = choice.GetProperty("finish_reason").GetString();
            }

            if (!choice.GetProperty("delta").TryGetProperty("tool_calls", out var calls))
            {
                continue;
            }

            foreach (var call in calls.EnumerateArray())
            {
                var index = call.GetProperty("index").GetInt32();
                if (first)
                {
                    // COMPAT: OpenAI's first tool delta carries id, type, name and empty arguments.
                    Assert.StartsWith("call_", call.GetProperty("id").GetString(), StringComparison.Ordinal);
                    Assert.Equal("function", call.GetProperty("type").GetString());
                    Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
                    Assert.Equal("", call.GetProperty("function").GetProperty("arguments").GetString());
                    first = false;
                }

                arguments.TryAdd(index, new StringBuilder());
                arguments[index].Append(call.GetProperty("function").GetProperty("arguments").GetString());
            }
        }

        Assert.Equal("tool_calls", finish);
        Assert.NotEmpty(arguments);
        foreach (var text in arguments.Values)
        {
            using var args = JsonDocument.Parse(text.ToString());
            Assert.Equal(JsonValueKind.String, args.RootElement.GetProperty("location").ValueKind);
            Assert.Contains(args.RootElement.GetProperty("unit").GetString(), new[] { "celsius", "fahrenheit" });
            Assert.InRange(args.RootElement.GetProperty("days").GetInt32(), 1, 7);
        }
    }

    [Fact]
    public async Task ChatCompletions_ToolsNotStreaming_AnswerWithToolCalls()
    {
        using var json = await PostJsonAsync("v1/chat/completions", ChatBody(Perfect, "Weather in Oslo?", $"{WeatherTool},{ChooseWeather},\"parallel_tool_calls\":false"));
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        using var args = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!);
        Assert.Equal(JsonValueKind.Object, args.RootElement.ValueKind);
    }

    [Fact]
    public async Task ChatCompletions_ToolResultLastOrToolChoiceNone_AnswersWithText()
    {
        var afterTool = $$$"""{"model":"perfect",{{{WeatherTool}}},"messages":[{"role":"user","content":"Weather?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_1","content":"12C and rain"}]}""";
        using var json = await PostJsonAsync("v1/chat/completions", afterTool);
        Assert.Equal("stop", json.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());

        using var none = await PostJsonAsync("v1/chat/completions", ChatBody(Perfect, "Weather?", $"{WeatherTool},\"tool_choice\":\"none\""));
        Assert.False(none.RootElement.GetProperty("choices")[0].GetProperty("message").TryGetProperty("tool_calls", out _));
    }

    [Fact]
    public async Task ChatCompletions_JsonObject_ContentIsAJsonObject()
    {
        using var json = await PostJsonAsync("v1/chat/completions", ChatBody(Perfect, "List three facts.", "\"response_format\":{\"type\":\"json_object\"}"));
        using var content = JsonDocument.Parse(json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!);
        Assert.Equal(JsonValueKind.Object, content.RootElement.ValueKind);
    }

    [Fact]
    public async Task ChatCompletions_JsonSchema_ContentConformsToTheSchema()
    {
        const string Format = """
            "response_format":{"type":"json_schema","json_schema":{"name":"person","strict":true,"schema":{
              "type":"object","additionalProperties":false,"required":["name","age","tags","address"],
              "properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":18,"maximum":99},
                "tags":{"type":"array","items":{"type":"string","enum":["a","b"]},"minItems":2},
                "address":{"$ref":"#/$defs/address"}},
              "$defs":{"address":{"type":"object","required":["city"],"properties":{"city":{"type":"string"}}}}}}}
            """;
        using var json = await PostJsonAsync("v1/chat/completions", ChatBody(Perfect, "Invent a person.", Format));
        using var content = JsonDocument.Parse(json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!);
        var person = content.RootElement;
        Assert.Equal(JsonValueKind.String, person.GetProperty("name").ValueKind);
        Assert.InRange(person.GetProperty("age").GetInt32(), 18, 99);
        Assert.True(person.GetProperty("tags").GetArrayLength() >= 2);
        Assert.All(person.GetProperty("tags").EnumerateArray(), t => Assert.Contains(t.GetString(), new[] { "a", "b" }));
        Assert.Equal(JsonValueKind.String, person.GetProperty("address").GetProperty("city").ValueKind);
    }

    [Fact]
    public async Task ChatCompletions_TokensPerChunk_GroupsTokensInChunks()
    {
        var body = ChatBody(Chunky, "Tell me a story.", "\"stream\":true,\"logprobs\":true");
        using var response = await _client.SendAsync(Post("v1/chat/completions", body), HttpCompletionOption.ResponseHeadersRead);
        var events = await SseStream.ReadAllDataAsync(await response.Content.ReadAsStreamAsync());
        var counts = events[..^1]
            .Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("logprobs"))
            .Where(l => l.ValueKind == JsonValueKind.Object)
            .Select(l => l.GetProperty("content").GetArrayLength())
            .ToList();
        Assert.True(counts.Count > 2);
        Assert.All(counts[..^1], c => Assert.Equal(4, c));
        Assert.InRange(counts[^1], 1, 4);
    }

    [Fact]
    public async Task Completions_Legacy_AnswerWholeAndStreamed()
    {
        const string Body = """{"model":"perfect","prompt":["Once upon a time","The sky"],"max_tokens":12}""";
        using var json = await PostJsonAsync("v1/completions", Body);
        var root = json.RootElement;
        Assert.Equal("text_completion", root.GetProperty("object").GetString());
        Assert.StartsWith("cmpl-", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        var choices = root.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal(2, choices.Count);
        Assert.All(choices, c => Assert.Equal("length", c.GetProperty("finish_reason").GetString()));
        Assert.Equal(24, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        using var response = await _client.SendAsync(Post("v1/completions", Body.TrimEnd('}') + ",\"stream\":true}"), HttpCompletionOption.ResponseHeadersRead);
        var events = await SseStream.ReadAllDataAsync(await response.Content.ReadAsStreamAsync());
        Assert.Equal("[DONE]", events[^1]);
        var streamed = events[..^1].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0])
            .Where(c => c.GetProperty("index").GetInt32() == 0)
            .Aggregate("", (text, c) => text + c.GetProperty("text").GetString());
        Assert.Equal(choices[0].GetProperty("text").GetString(), streamed);
    }

    [Fact]
    public async Task Completions_LegacyLogprobs_HaveTokensAndOffsets()
    {
        using var json = await PostJsonAsync("v1/completions", """{"model":"perfect","prompt":"Hello","max_tokens":6,"logprobs":2}""");
        var logprobs = json.RootElement.GetProperty("choices")[0].GetProperty("logprobs");
        Assert.Equal(6, logprobs.GetProperty("tokens").GetArrayLength());
        Assert.Equal(6, logprobs.GetProperty("token_logprobs").GetArrayLength());
        Assert.Equal(6, logprobs.GetProperty("text_offset").GetArrayLength());
        Assert.All(logprobs.GetProperty("top_logprobs").EnumerateArray(), t => Assert.Equal(2, t.EnumerateObject().Count()));
    }

    [Fact]
    public async Task Models_List_HasEveryModelInOpenAIFormat()
    {
        using var json = JsonDocument.Parse(await _client.GetStringAsync("v1/models"));
        Assert.Equal("list", json.RootElement.GetProperty("object").GetString());
        var ids = json.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal([Open, Frontier, Perfect, Chunky], ids);
        Assert.All(json.RootElement.GetProperty("data").EnumerateArray(), m => Assert.Equal("model", m.GetProperty("object").GetString()));

        using var one = JsonDocument.Parse(await _client.GetStringAsync("v1/models/gpt-4o"));
        Assert.Equal("gpt-4o", one.RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task SimStats_ServesTheCountersAsJson()
    {
        await _client.GetStringAsync("v1/models");
        using var json = JsonDocument.Parse(await _client.GetStringAsync("sim/stats"));
        Assert.True(json.RootElement.GetProperty("requests").GetInt64() >= 2);
        Assert.True(json.RootElement.GetProperty("models").GetInt64() >= 1);
        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("faults").ValueKind);
    }

    [Theory]
    [InlineData("{not json", 400, null, null)]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", 400, null, null)]
    [InlineData("""{"model":"perfect"}""", 400, "messages", "missing_required_parameter")]
    [InlineData("""{"model":"perfect","messages":[]}""", 400, "messages", "empty_array")]
    [InlineData("""{"model":"perfect","messages":[{"role":"user","content":"hi"}],"n":"two"}""", 400, "n", "invalid_type")]
    [InlineData("""{"model":"perfect","messages":[{"role":"robot","content":"hi"}]}""", 400, "messages[0].role", "invalid_value")]
    [InlineData("""{"model":"perfect","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", 400, "max_tokens", "integer_below_min_value")]
    [InlineData("""{"model":"perfect","messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}""", 400, "stream_options", "invalid_value")]
    public async Task ChatCompletions_BadRequest_AnswersOpenAIError(string body, int status, string? param, string? code)
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", body));
        Assert.Equal(status, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnknownPath_Answers404InvalidUrl()
    {
        using var response = await _client.PostAsync("v1/nothing", Json("{}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Invalid URL (POST /v1/nothing)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_UnknownModelWhenAcceptAnyModelIsOff_Answers404ModelNotFound()
    {
        await using var host = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { AcceptAnyModel = false });
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var response = await client.SendAsync(Post("v1/chat/completions", ChatBody("gpt-5", "hi")));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("model_not_found", json.RootElement.GetProperty("error").GetProperty("code").GetString());

        using var known = await client.SendAsync(Post("v1/chat/completions", ChatBody("sim-instant", "hi")));
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
    }

    [Fact]
    public async Task ChatCompletions_UnknownModelWhenAcceptAnyModelIsOn_EchoesTheName()
    {
        using var json = await PostJsonAsync("v1/chat/completions", ChatBody("my-custom-model", "hi"));
        Assert.Equal("my-custom-model", json.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task ChatCompletions_CodePrompts_OpenModelFailsMoreOftenThanFrontier()
    {
        var openBad = 0;
        var frontierBad = 0;
        for (var i = 0; i < 200; i++)
        {
            var prompt = $"Write a Python function that parses log line {i} and fix the bug in my regex.";
            openBad += await IsBadAsync(ChatBody(Open, prompt)) ? 1 : 0;
            frontierBad += await IsBadAsync(ChatBody(Frontier, prompt)) ? 1 : 0;
        }

        // Skills 0.55 and 0.96: expect about 90 and 8 bad answers.
        Assert.InRange(openBad, 60, 120);
        Assert.InRange(frontierBad, 0, 25);
    }

    internal const string ChooseWeather = "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}";

    internal const string WeatherTool = """
        "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather","parameters":{
          "type":"object","required":["location","unit","days"],
          "properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},"days":{"type":"integer","minimum":1,"maximum":7}}}}},
          {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"zone":{"type":"string"}}}}}]
        """;

    private async Task<bool> IsBadAsync(string body)
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(response.Headers.GetValues("x-sim-quality")).StartsWith("bad:", StringComparison.Ordinal);
    }

    private async Task<JsonDocument> PostJsonAsync(string path, string body)
    {
        using var response = await _client.SendAsync(Post(path, body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text);
    }

    private async Task<string> ContentOfAsync(string body)
    {
        using var json = await PostJsonAsync("v1/chat/completions", body);
        return json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }
}
