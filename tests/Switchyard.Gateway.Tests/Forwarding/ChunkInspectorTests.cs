using System.Text;
using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Forwarding.Internal;

namespace Switchyard.Gateway.Tests.Forwarding;

public class ChunkInspectorTests
{
    private static ChunkInfo Inspect(string json) => ChunkInspector.Inspect(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Inspect_ContentChunk_HasNoFinishNorUsage()
    {
        var info = Inspect("""{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}""");
        Assert.False(info.Malformed);
        Assert.False(info.HasFinishReason);
        Assert.Null(info.Usage);
        Assert.False(info.IsUsageOnly);
    }

    [Fact]
    public void Inspect_FinishChunk_SeesFinishReason()
    {
        Assert.True(Inspect("""{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""").HasFinishReason);
    }

    [Fact]
    public void Inspect_UsageChunk_ReadsTokensAndIsUsageOnly()
    {
        var info = Inspect("""{"id":"c","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46,"prompt_tokens_details":{"cached_tokens":0}}}""");
        Assert.True(info.IsUsageOnly);
        Assert.Equal(new Usage(12, 34), info.Usage);
    }

    [Theory]
    [InlineData("""{"id":"c","choices":[{"delta":{"content":"x""")]
    [InlineData("not json")]
    [InlineData("""{"a":1}{"b":2}""")]
    [InlineData("[1]")]
    public void Inspect_Malformed_IsReported(string payload)
    {
        Assert.True(Inspect(payload).Malformed);
    }

    [Fact]
    public void Inspect_ErrorEvent_IsReported()
    {
        Assert.True(Inspect("""{"error":{"message":"overloaded","type":"server_error"}}""").IsError);
    }
}
