using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Api.Responses;

namespace Switchyard.Gateway.Tests.Api.Responses;

/// <summary>A Responses request read and written as the chat completion the forwarder serves (<see cref="ChatRequestWriter"/>).</summary>
public class ResponsesRequestReaderTests
{
    [Fact]
    public void Write_EveryKindOfItem_BecomesTheChatMessagesInOrder()
    {
        var chat = Chat("""
            {"model":"chat","instructions":"Be brief.","input":[
              {"role":"developer","content":"Answer in French."},
              {"type":"message","role":"user","content":[{"type":"input_text","text":"What is this?"},{"type":"input_image","image_url":"https://example.com/a.png","detail":"low"}]},
              {"role":"assistant","content":"Let me look."},
              {"type":"function_call","call_id":"call_1","name":"lookup","arguments":"{\"q\":\"a\"}"},
              {"type":"function_call","call_id":"call_2","name":"lookup","arguments":"{\"q\":\"b\"}"},
              {"type":"function_call_output","call_id":"call_1","output":"A cat."},
              {"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"A "},{"type":"input_text","text":"dog."}]},
              {"type":"message","role":"assistant","status":"completed","id":"msg_9","content":[{"type":"output_text","text":"A cat and a dog.","annotations":[]}]},
              {"role":"user","content":"Thanks!"}]}
            """);

        var messages = chat.GetProperty("messages");
        Assert.Equal("""
            [{"role":"system","content":"Be brief."},{"role":"system","content":"Answer in French."},{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"low"}}]},{"role":"assistant","content":"Let me look.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\u0022q\u0022:\u0022a\u0022}"}},{"id":"call_2","type":"function","function":{"name":"lookup","arguments":"{\u0022q\u0022:\u0022b\u0022}"}}]},{"role":"tool","tool_call_id":"call_1","content":"A cat."},{"role":"tool","tool_call_id":"call_2","content":"A dog."},{"role":"assistant","content":"A cat and a dog."},{"role":"user","content":"Thanks!"}]
            """.Trim(), messages.GetRawText());
        Assert.Equal("chat", chat.GetProperty("model").GetString());
        Assert.False(chat.TryGetProperty("stream", out _));
    }

    [Fact]
    public void Write_Conversation_ComesBeforeTheNewInputAndInstructionsAreNotCarriedOver()
    {
        Assert.Null(ResponsesRequestReader.TryRead("""{"model":"chat","instructions":"New rules.","previous_response_id":"resp_1","input":"And now?"}"""u8, out var request));
        using var input = JsonDocument.Parse("""[{"type":"message","id":"msg_1","role":"user","content":[{"type":"input_text","text":"Hi"}],"status":"completed"}]""");
        using var output = JsonDocument.Parse("""[{"id":"fc_1","type":"function_call","status":"completed","arguments":"{}","call_id":"call_1","name":"clock"}]""");
        using var input2 = JsonDocument.Parse("""[{"type":"function_call_output","id":"fco_1","call_id":"call_1","output":"noon","status":"completed"}]""");
        using var output2 = JsonDocument.Parse("""[{"id":"msg_2","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"It is noon."}],"role":"assistant"}]""");

        var chat = JsonDocument.Parse(ChatRequestWriter.Write(request!, [input.RootElement, output.RootElement, input2.RootElement, output2.RootElement])).RootElement;

        Assert.Equal(
            """[{"role":"system","content":"New rules."},{"role":"user","content":"Hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"clock","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_1","content":"noon"},{"role":"assistant","content":"It is noon."},{"role":"user","content":"And now?"}]""",
            chat.GetProperty("messages").GetRawText());
    }

    [Fact]
    public void Read_Parameters_MapToChatCompletionsOnes()
    {
        var chat = Chat("""
            {"model":"chat","input":"Hi","stream":true,"temperature":0.2,"top_p":0.9,"max_output_tokens":300,"parallel_tool_calls":false,
             "safety_identifier":"user-42","metadata":{"tags":"legal"},"reasoning":{"effort":"low"},"store":false,"truncation":"disabled",
             "prompt_cache_key":"k","service_tier":"auto","include":[],"stream_options":{"include_obfuscation":false},
             "tools":[{"type":"function","name":"a","description":"A.","parameters":{"type":"object"},"strict":true},{"type":"function","name":"b","parameters":null}],
             "tool_choice":{"type":"allowed_tools","mode":"required","tools":[{"type":"function","name":"b"}]},
             "text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true}}}
            """);

        Assert.True(chat.GetProperty("stream").GetBoolean());
        Assert.True(chat.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal(0.2, chat.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, chat.GetProperty("top_p").GetDouble());
        Assert.Equal(300, chat.GetProperty("max_tokens").GetInt32());
        Assert.False(chat.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal("user-42", chat.GetProperty("user").GetString());
        Assert.Equal("legal", chat.GetProperty("metadata").GetProperty("tags").GetString());
        Assert.Equal("low", chat.GetProperty("reasoning_effort").GetString());
        Assert.Equal("""[{"type":"function","function":{"name":"b"}}]""", chat.GetProperty("tools").GetRawText());
        Assert.Equal("required", chat.GetProperty("tool_choice").GetString());
        Assert.Equal("""{"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object"},"strict":true}}""", chat.GetProperty("response_format").GetRawText());
        foreach (var dropped in (string[])["store", "truncation", "prompt_cache_key", "service_tier", "include", "input", "instructions", "text", "reasoning", "safety_identifier"])
        {
            Assert.False(chat.TryGetProperty(dropped, out _), dropped);
        }
    }

    [Theory]
    [InlineData("""{"type":"function","name":"a"}""", """{"type":"function","function":{"name":"a"}}""")]
    [InlineData("\"none\"", "\"none\"")]
    public void Read_ToolChoice_MapsToChatsShape(string choice, string expected)
    {
        var chat = Chat($$$"""{"model":"chat","input":"Hi","tools":[{"type":"function","name":"a","parameters":{"type":"object"}}],"tool_choice":{{{choice}}}}""");

        Assert.Equal(expected, chat.GetProperty("tool_choice").GetRawText());
        Assert.Equal("""{"type":"function","function":{"name":"a","parameters":{"type":"object"}}}""", chat.GetProperty("tools")[0].GetRawText());
    }

    [Fact]
    public void Read_Echo_RepeatsTheRequestWithOpenAIsDefaults()
    {
        Assert.Null(ResponsesRequestReader.TryRead("""{"model":"chat","input":"Hi","user":"u1"}"""u8, out var request));

        using var echo = JsonDocument.Parse("{" + Encoding.UTF8.GetString(request!.Echo) + "}");
        Assert.Equal(
            """{"instructions":null,"max_output_tokens":null,"max_tool_calls":null,"metadata":{},"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":true,"temperature":null,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":null,"truncation":"disabled","user":"u1"}""",
            echo.RootElement.GetRawText());
        Assert.True(request.Store);
    }

    [Fact]
    public void Read_StringInput_IsOneUserMessageWithAnId()
    {
        Assert.Null(ResponsesRequestReader.TryRead("""{"model":"chat","input":"Hi"}"""u8, out var request));

        var item = Assert.Single(JsonDocument.Parse(request!.InputItems).RootElement.EnumerateArray());
        Assert.Matches("^msg_[0-9a-f]{32}$", item.GetProperty("id").GetString());
        Assert.Equal("""[{"type":"input_text","text":"Hi"}]""", item.GetProperty("content").GetRawText());
        Assert.Equal("completed", item.GetProperty("status").GetString());
    }

    private static JsonElement Chat(string body)
    {
        var error = ResponsesRequestReader.TryRead(Encoding.UTF8.GetBytes(body), out var request);
        Assert.True(error is null, error?.Message);
        return JsonDocument.Parse(ChatRequestWriter.Write(request!, [])).RootElement.Clone();
    }
}
