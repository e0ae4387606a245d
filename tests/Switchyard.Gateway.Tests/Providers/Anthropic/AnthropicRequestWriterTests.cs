using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Providers.Anthropic;

namespace Switchyard.Gateway.Tests.Providers.Anthropic;

public class AnthropicRequestWriterTests
{
    private static JsonElement Write(string openAi, int defaultMaxTokens = 4096)
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.True(AnthropicRequestWriter.TryWrite(Encoding.UTF8.GetBytes(openAi), defaultMaxTokens, output, out _, out var error), error.Message);
        return JsonDocument.Parse(output.WrittenMemory).RootElement.Clone();
    }

    [Fact]
    public void TryWrite_SystemAndDeveloperMessages_BecomeTheSystemPromptInOrder()
    {
        var body = Write("""{"model":"m","messages":[{"role":"system","content":"A"},{"role":"user","content":"hi"},{"role":"developer","content":[{"type":"text","text":"B"}]}]}""");

        Assert.Equal(["A", "B"], body.GetProperty("system").EnumerateArray().Select(b => b.GetProperty("text").GetString()!).ToArray());
        var message = Assert.Single(body.GetProperty("messages").EnumerateArray());
        Assert.Equal("user", message.GetProperty("role").GetString());
        Assert.Equal(4096, body.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public void TryWrite_ToolCallsAndResults_BecomeToolUseAndOneUserTurnOfResults()
    {
        var body = Write("""
            {"model":"m","max_completion_tokens":99,"parallel_tool_calls":false,"tool_choice":{"type":"function","function":{"name":"f"}},"stop":"END",
             "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{"x":{"type":"integer"}}}}},{"type":"function","function":{"name":"g"}}],
             "messages":[{"role":"user","content":"go"},
               {"role":"assistant","content":"calling","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}},{"id":"c2","type":"function","function":{"name":"g","arguments":""}}]},
               {"role":"tool","tool_call_id":"c1","content":"one"},{"role":"tool","tool_call_id":"c2","content":[{"type":"text","text":"two"}]},
               {"role":"user","content":"and?"}]}
            """);

        var messages = body.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => m.GetProperty("role").GetString()!).ToArray());
        var assistant = messages[1].GetProperty("content").EnumerateArray().ToArray();
        Assert.Equal(["text", "tool_use", "tool_use"], assistant.Select(b => b.GetProperty("type").GetString()!).ToArray());
        Assert.Equal(1, assistant[1].GetProperty("input").GetProperty("x").GetInt32());
        Assert.Equal(JsonValueKind.Object, assistant[2].GetProperty("input").ValueKind);
        var results = messages[2].GetProperty("content").EnumerateArray().ToArray();
        Assert.Equal(["tool_result", "tool_result", "text"], results.Select(b => b.GetProperty("type").GetString()!).ToArray());
        Assert.Equal("c2", results[1].GetProperty("tool_use_id").GetString());
        Assert.Equal(99, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(["END"], body.GetProperty("stop_sequences").EnumerateArray().Select(s => s.GetString()!).ToArray());
        Assert.Equal("tool", body.GetProperty("tool_choice").GetProperty("type").GetString());
        Assert.Equal("f", body.GetProperty("tool_choice").GetProperty("name").GetString());
        Assert.True(body.GetProperty("tool_choice").GetProperty("disable_parallel_tool_use").GetBoolean());
        var tools = body.GetProperty("tools").EnumerateArray().ToArray();
        Assert.Equal("d", tools[0].GetProperty("description").GetString());
        Assert.Equal("object", tools[1].GetProperty("input_schema").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("\"auto\"", "auto")]
    [InlineData("\"none\"", "none")]
    [InlineData("\"required\"", "any")]
    public void TryWrite_ToolChoice_MapsToAnthropicsTypes(string choice, string type)
    {
        var body = Write($$$"""{"model":"m","tool_choice":{{{choice}}},"tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal(type, body.GetProperty("tool_choice").GetProperty("type").GetString());
    }

    [Fact]
    public void TryWrite_Images_DataUrlsBecomeBase64AndHttpsUrlsStayUrls()
    {
        var body = Write("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"what?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}},{"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]}""");

        var blocks = body.GetProperty("messages")[0].GetProperty("content").EnumerateArray().ToArray();
        var base64 = blocks[1].GetProperty("source");
        Assert.Equal("base64", base64.GetProperty("type").GetString());
        Assert.Equal("image/png", base64.GetProperty("media_type").GetString());
        Assert.Equal("iVBORw0KGgo=", base64.GetProperty("data").GetString());
        Assert.Equal("https://example.com/cat.jpg", blocks[2].GetProperty("source").GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x","format":"wav"}}]}]}""", "messages[0].content[0].type")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/bmp;base64,AA=="}}]}]}""", "messages[0].content[0]")]
    [InlineData("""{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1]"}}]}]}""", "messages[0].tool_calls[0]")]
    [InlineData("""{"model":"m","messages":[{"role":"function","name":"f","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","response_format":{"type":"json_schema","json_schema":{"name":"a","schema":{"type":"array"}}},"messages":[{"role":"user","content":"x"}]}""", "response_format")]
    [InlineData("""{"model":"m","foo":1,"messages":[{"role":"user","content":"x"}]}""", "foo")]
    public void TryWrite_Untranslatable_NamesWhere(string openAi, string param)
    {
        var output = new ArrayBufferWriter<byte>();

        Assert.False(AnthropicRequestWriter.TryWrite(Encoding.UTF8.GetBytes(openAi), 4096, output, out _, out var error));
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void TryWrite_JsonObjectFormat_ForcesTheJsonTool()
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.True(AnthropicRequestWriter.TryWrite("""{"model":"m","stream":true,"response_format":{"type":"json_object"},"messages":[{"role":"user","content":"x"}]}"""u8, 10, output, out var call, out _));

        using var body = JsonDocument.Parse(output.WrittenMemory);
        Assert.Equal(AnthropicRequestWriter.JsonToolName, call.JsonTool);
        Assert.True(call.Stream);
        Assert.Equal(AnthropicRequestWriter.JsonToolName, body.RootElement.GetProperty("tool_choice").GetProperty("name").GetString());
    }
}
