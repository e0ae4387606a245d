using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Forwarding;

namespace Switchyard.Gateway.Tests.Forwarding;

public class UpstreamBodyTests
{
    private static JsonElement Splice(string json, string upstreamModel) => JsonDocument.Parse(SpliceText(json, upstreamModel)).RootElement.Clone();

    private static string SpliceText(string json, string upstreamModel, bool askLogprobs = false, EndpointKind endpoint = EndpointKind.ChatCompletions)
    {
        var body = Encoding.UTF8.GetBytes(json);
        Assert.True(RequestParser.TryParse(body, endpoint, new char[256], out var request, out _, out _));
        var model = JsonSerializer.SerializeToUtf8Bytes(upstreamModel);
        var destination = new byte[UpstreamBody.MaxLength(body.Length, model.Length)];
        var length = UpstreamBody.Build(body, request, model, destination, askLogprobs ? UpstreamBody.LogprobsValue(endpoint) : default);
        return Encoding.UTF8.GetString(destination, 0, length);
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

    [Theory]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"x"}]}""", """{"logprobs":true,"model":"m","messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("""{"model":"chat","logprobs":false,"messages":[{"role":"user","content":"x"}]}""", """{"model":"m","logprobs":true,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("""{"logprobs": null ,"model":"chat","messages":[{"role":"user","content":"x"}]}""", """{"logprobs": true ,"model":"m","messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("""{"messages":[{"role":"user","content":"say \"logprobs\":false"}],"model":"chat","logprobs":false}""", """{"messages":[{"role":"user","content":"say \"logprobs\":false"}],"model":"m","logprobs":true}""")]
    public void Build_AskingLogprobs_InsertsOrReplacesTheValue(string json, string expected)
    {
        Assert.Equal(expected, SpliceText(json, "m", askLogprobs: true));
    }

    [Theory]
    [InlineData("""{"model":"chat","stream":true,"messages":[{"role":"user","content":"x"}]}""", """{"stream_options":{"include_usage":true},"logprobs":true,"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("""{"logprobs":false,"stream_options":{},"model":"chat","stream":true,"messages":[{"role":"user","content":"x"}]}""", """{"logprobs":true,"stream_options":{"include_usage":true},"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("""{"model":"chat","logprobs":false,"stream_options":{},"stream":true,"messages":[{"role":"user","content":"x"}]}""", """{"model":"m","logprobs":true,"stream_options":{"include_usage":true},"stream":true,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("""{"stream_options":{},"model":"chat","logprobs":false,"stream":true,"messages":[{"role":"user","content":"x"}]}""", """{"stream_options":{"include_usage":true},"model":"m","logprobs":true,"stream":true,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("""{"model":"chat","stream_options":{"include_usage":false},"stream":true,"messages":[{"role":"user","content":"x"}],"logprobs":null}""", """{"model":"m","stream_options":{"include_usage":true},"stream":true,"messages":[{"role":"user","content":"x"}],"logprobs":true}""")]
    public void Build_AskingLogprobsOfAStream_SplicesEveryEditInBodyOrder(string json, string expected)
    {
        Assert.Equal(expected, SpliceText(json, "m", askLogprobs: true));
    }

    [Theory]
    [InlineData("""{"model":"chat","logprobs":true,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("""{"model":"chat","logprobs":false,"logprobs":false,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("""{"model":"chat","logprob\u0073":false,"messages":[{"role":"user","content":"x"}]}""")]
    public void Build_ClientsOwnLogprobs_AreLeftAsTheyAre(string json)
    {
        Assert.Equal(json.Replace("\"chat\"", "\"m\"", StringComparison.Ordinal), SpliceText(json, "m", askLogprobs: true));
    }

    [Fact]
    public void Build_NotAskingLogprobs_LeavesTheClientsFalse()
    {
        const string Json = """{"model":"chat","logprobs":false,"messages":[{"role":"user","content":"x"}]}""";
        Assert.Equal(Json.Replace("\"chat\"", "\"m\"", StringComparison.Ordinal), SpliceText(Json, "m"));
    }

    [Theory]
    [InlineData("""{"model":"chat","prompt":"x"}""", """{"logprobs":1,"model":"m","prompt":"x"}""")]
    [InlineData("""{"model":"chat","prompt":"x","logprobs":null}""", """{"model":"m","prompt":"x","logprobs":1}""")]
    [InlineData("""{"model":"chat","prompt":"x","logprobs":0}""", """{"model":"m","prompt":"x","logprobs":0}""")]
    [InlineData("""{"model":"chat","prompt":"x","logprobs":3}""", """{"model":"m","prompt":"x","logprobs":3}""")]
    public void Build_LegacyCompletions_AskForOneAlternativeUnlessTheClientSetLogprobs(string json, string expected)
    {
        Assert.Equal(expected, SpliceText(json, "m", askLogprobs: true, EndpointKind.Completions));
    }

    [Fact]
    public void Build_LongestEdits_FitMaxLength()
    {
        const string Json = """{"model":"c","stream":true,"messages":[{"role":"user","content":"x"}]}""";
        var body = Encoding.UTF8.GetBytes(Json);
        Assert.True(RequestParser.TryParse(body, EndpointKind.ChatCompletions, new char[256], out var request, out _, out _));
        var model = JsonSerializer.SerializeToUtf8Bytes("a-much-longer-model");
        var destination = new byte[UpstreamBody.MaxLength(body.Length, model.Length)];

        var length = UpstreamBody.Build(body, request, model, destination, UpstreamBody.LogprobsValue(EndpointKind.ChatCompletions));

        Assert.True(length <= destination.Length);
        Assert.Equal(body.Length - 3 + model.Length + "\"stream_options\":{\"include_usage\":true},\"logprobs\":true,".Length, length);
    }
}
