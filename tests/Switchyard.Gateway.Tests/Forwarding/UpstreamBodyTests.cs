using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Forwarding;

namespace Switchyard.Gateway.Tests.Forwarding;

public class UpstreamBodyTests
{
    private static JsonElement Splice(string json, string upstreamModel)
    {
        var body = Encoding.UTF8.GetBytes(json);
        Assert.True(RequestParser.TryParse(body, EndpointKind.ChatCompletions, new char[256], out var request, out _, out _));
        var model = JsonSerializer.SerializeToUtf8Bytes(upstreamModel);
        var destination = new byte[UpstreamBody.MaxLength(body.Length, model.Length)];
        var length = UpstreamBody.Build(body, request, model, destination);
        return JsonDocument.Parse(destination.AsMemory(0, length)).RootElement.Clone();
    }

    [Fact]
    public void Build_NonStream_ReplacesOnlyTheModel()
    {
        var result = Splice("""{"model":"chat","messages":[{"role":"user","content":"x"}],"temperature":0.2}""", "meta-llama/Llama-3.1-8B");
        Assert.Equal("meta-llama/Llama-3.1-8B", result.GetProperty("model").GetString());
        Assert.Equal(0.2, result.GetProperty("temperature").GetDouble());
        Assert.False(result.TryGetProperty("stream_options", out _));
    }

    [Fact]
    public void Build_StreamWithoutOptions_AsksForUsage()
    {
        var result = Splice("""{"model":"chat","stream":true,"messages":[{"role":"user","content":"x"}]}""", "m");
        Assert.True(result.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal("m", result.GetProperty("model").GetString());
    }

    [Theory]
    [InlineData("""{"stream_options":{"include_usage":false},"model":"chat","stream":true,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("""{"model":"chat","stream":true,"messages":[{"role":"user","content":"x"}],"stream_options":{}}""")]
    public void Build_StreamWithOptionsWithoutUsage_ReplacesThem(string json)
    {
        var result = Splice(json, "upstream-model");
        Assert.True(result.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal("upstream-model", result.GetProperty("model").GetString());
    }

    [Fact]
    public void Build_StreamWithUsageAlready_KeepsTheClientsOptions()
    {
        var result = Splice("""{"model":"chat","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}""", "m");
        Assert.True(result.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Fact]
    public void Build_ModelNeedingEscapes_StaysValidJson()
    {
        var result = Splice("""{"model":"chat","messages":[{"role":"user","content":"x"}]}""", "a \"quoted\" model");
        Assert.Equal("a \"quoted\" model", result.GetProperty("model").GetString());
    }
}
