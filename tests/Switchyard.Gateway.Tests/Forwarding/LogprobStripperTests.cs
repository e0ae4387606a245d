using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Forwarding.Internal;

namespace Switchyard.Gateway.Tests.Forwarding;

public class LogprobStripperTests
{
    private static string Strip(string body, bool stream = false)
        => Encoding.UTF8.GetString(LogprobStripper.Strip(Encoding.UTF8.GetBytes(body), stream).Span);

    [Fact]
    public void Strip_ChatCompletion_NullsTheChoicesLogprobsAndKeepsEveryOtherByte()
    {
        const string Json = """{"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"logprobs":{"content":[{"token":"Hi","logprob":-0.1,"bytes":[72,105],"top_logprobs":[{"token":"Hi","logprob":-0.1}]}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":3}}""";

        Assert.Equal("""{"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":3}}""", Strip(Json));
    }

    [Fact]
    public void Strip_SeveralChoices_NullsEach()
    {
        const string Json = """{"choices":[{"index":0,"logprobs":{"content":[]},"message":{"content":"a"}},{"index":1,"message":{"content":"b"},"logprobs":{"content":[{"logprob":-1}]}},{"index":2,"logprobs":null}]}""";

        Assert.Equal("""{"choices":[{"index":0,"logprobs":null,"message":{"content":"a"}},{"index":1,"message":{"content":"b"},"logprobs":null},{"index":2,"logprobs":null}]}""", Strip(Json));
    }

    [Fact]
    public void Strip_LogprobsInStringsAndNestedObjects_AreNotTouched()
    {
        // Only choices[i].logprobs is the answer's: the same name in the text, in a tool call's arguments, in a nested
        // object or at the top level is content, and a choices array below the top level is not the answer's either.
        const string Json = """{"logprobs":{"a":1},"meta":{"choices":[{"logprobs":{"x":1}}]},"choices":[{"index":0,"message":{"content":"\"logprobs\":{\"content\":[]}","tool_calls":[{"function":{"name":"f","arguments":"{\"logprobs\":true}"}}],"extra":{"logprobs":[1]}},"logprobs":{"content":[{"token":"\"logprobs\"","logprob":-2}]}}]}""";

        Assert.Equal("""{"logprobs":{"a":1},"meta":{"choices":[{"logprobs":{"x":1}}]},"choices":[{"index":0,"message":{"content":"\"logprobs\":{\"content\":[]}","tool_calls":[{"function":{"name":"f","arguments":"{\"logprobs\":true}"}}],"extra":{"logprobs":[1]}},"logprobs":null}]}""", Strip(Json));
    }

    [Fact]
    public void Strip_EscapedName_IsStillTheLogprobs()
    {
        Assert.Equal("""{"choices":[{"logprob\u0073":null}]}""", Strip("""{"choices":[{"logprob\u0073":{"content":[]}}]}"""));
    }

    [Fact]
    public void Strip_LegacyCompletion_NullsTheTokenLogprobs()
    {
        const string Json = """{"object":"text_completion","choices":[{"text":" yes","index":0,"logprobs":{"tokens":[" yes"],"token_logprobs":[-0.3],"top_logprobs":[{" yes":-0.3}],"text_offset":[0]},"finish_reason":"stop"}]}""";

        Assert.Equal("""{"object":"text_completion","choices":[{"text":" yes","index":0,"logprobs":null,"finish_reason":"stop"}]}""", Strip(Json));
    }

    [Fact]
    public void Strip_ShortValues_GrowToNullAndStayValid()
    {
        var stripped = Strip("""{"choices":[{"logprobs":{}},{"logprobs":[]},{"logprobs":0}]}""");

        Assert.Equal("""{"choices":[{"logprobs":null},{"logprobs":null},{"logprobs":null}]}""", stripped);
    }

    [Fact]
    public void Strip_AnswerWithoutChoices_IsUnchanged()
    {
        const string Json = """{"id":"x","usage":{"prompt_tokens":1,"completion_tokens":2}}""";
        Assert.Equal(Json, Strip(Json));
    }

    [Fact]
    public void Strip_HeldStream_NullsEveryChunksLogprobsAndKeepsTheEvents()
    {
        const string Stream =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.1}]}}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" logprobs\"},\"logprobs\":{\"content\":[{\"token\":\" logprobs\",\"logprob\":-0.2}]}},{\"index\":1,\"delta\":{},\"logprobs\":{\"content\":[]}}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n"
            + "data: [DONE]\n\n";

        var stripped = Strip(Stream, stream: true);

        Assert.Equal(
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":null}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" logprobs\"},\"logprobs\":null},{\"index\":1,\"delta\":{},\"logprobs\":null}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n"
            + "data: [DONE]\n\n",
            stripped);
    }

    [Fact]
    public void Strip_LargeAnswer_StaysOneValidDocument()
    {
        var tokens = string.Join(",", Enumerable.Range(0, 5000).Select(i => $$"""{"token":"t{{i}}","logprob":-0.{{i % 10}},"top_logprobs":[]}"""));
        var json = """{"choices":[{"index":0,"message":{"content":"long"},"logprobs":{"content":[""" + tokens + "]}}]}";

        using var document = JsonDocument.Parse(Strip(json));

        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("choices")[0].GetProperty("logprobs").ValueKind);
    }
}
