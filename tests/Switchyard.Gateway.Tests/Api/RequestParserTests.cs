using System.Text;
using Switchyard.Gateway.Api;

namespace Switchyard.Gateway.Tests.Api;

public class RequestParserTests
{
    private static (bool Ok, ParsedRequest Request, string Model, ApiError Error) Parse(string json, EndpointKind endpoint = EndpointKind.ChatCompletions)
    {
        var buffer = new char[256];
        var ok = RequestParser.TryParse(Encoding.UTF8.GetBytes(json), endpoint, buffer, out var request, out var chars, out var error);
        return (ok, request, new string(buffer, 0, chars), error);
    }

    [Fact]
    public void TryParse_ValidChat_ReadsModelStreamAndRanges()
    {
        const string json = """{"model":"chat","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}""";
        var (ok, request, model, _) = Parse(json);

        Assert.True(ok);
        Assert.Equal("chat", model);
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
        Assert.Equal("\"chat\"", json.Substring(request.ModelStart, request.ModelLength));
        Assert.Equal("""{"include_usage":true}""", json.Substring(request.StreamOptionsStart, request.StreamOptionsLength));
    }

    [Theory]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"x"}]}""", false, false, null)]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"x"}],"logprobs":false}""", false, false, "false")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"x"}],"logprobs":null}""", false, false, "null")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"x"}],"logprobs":true}""", false, true, "true")]
    [InlineData("""{"model":"chat","logprobs":false,"messages":[{"role":"user","content":"x"}],"logprobs":false}""", false, true, "false")]
    [InlineData("""{"model":"chat","logprob\u0073":false,"messages":[{"role":"user","content":"x"}]}""", false, true, null)]
    [InlineData("""{"model":"chat","prompt":"x","logprobs":null}""", true, false, "null")]
    [InlineData("""{"model":"chat","prompt":"x","logprobs":0}""", true, true, "0")]
    [InlineData("""{"model":"chat","prompt":"x","logprobs":5}""", true, true, "5")]
    public void TryParse_Logprobs_RecordsWhereAndWhetherTheClientAsked(string json, bool completions, bool asked, string? value)
    {
        var (ok, request, _, _) = Parse(json, completions ? EndpointKind.Completions : EndpointKind.ChatCompletions);

        Assert.True(ok);
        Assert.Equal(asked, request.ClientLogprobs);
        Assert.Equal(value, request.LogprobsLength == 0 ? null : json.Substring(request.LogprobsStart, request.LogprobsLength));
    }

    [Fact]
    public void TryParse_ChatLogprobsNotABoolean_IsRefused()
    {
        var (ok, _, _, error) = Parse("""{"model":"chat","messages":[{"role":"user","content":"x"}],"logprobs":1}""");

        Assert.False(ok);
        Assert.Equal("logprobs", error.Param);
    }

    [Fact]
    public void TryParse_EscapedModelName_IsUnescaped()
    {
        var (ok, _, model, _) = Parse("""{"model":"meta-llama\/Llama-3","messages":[{"role":"user","content":"x"}]}""");
        Assert.True(ok);
        Assert.Equal("meta-llama/Llama-3", model);
    }

    [Theory]
    [InlineData("""{"model":"chat","messages":[}""", "line 1")]
    [InlineData("{\n\"model\": \"chat\",\n\"messages\": [\n{\"role\": \"user\" \"content\": \"x\"}]}", "line 4")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"x"}]} trailing""", "invalid after a single JSON value")]
    public void TryParse_MalformedJson_ReportsPosition(string json, string expected)
    {
        var (ok, _, _, error) = Parse(json);
        Assert.False(ok);
        Assert.Equal(400, error.Status);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", "model", "missing_required_parameter")]
    [InlineData("""{"model":"chat"}""", "messages", "missing_required_parameter")]
    [InlineData("""{"model":42,"messages":[]}""", "model", "invalid_type")]
    [InlineData("""{"model":"chat","messages":"hello"}""", "messages", "invalid_type")]
    [InlineData("""{"model":"chat","messages":[]}""", "messages", "invalid_value")]
    [InlineData("""{"model":"chat","messages":[{"content":"x"}]}""", "messages[0].role", "missing_required_parameter")]
    [InlineData("""{"model":"chat","messages":[{"role":"robot","content":"x"}]}""", "messages[0].role", "invalid_value")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":5}]}""", "messages[0].content", "invalid_type")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"x"}],"stream":"yes"}""", "stream", "invalid_type")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"x"}],"max_tokens":"10"}""", "max_tokens", "invalid_type")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"x"}],"max_tokens":1.5}""", "max_tokens", "invalid_type")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"x"}],"max_tokens":0}""", "max_tokens", "invalid_value")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"x"}],"temperature":"hot"}""", "temperature", "invalid_type")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"x"}],"tools":{}}""", "tools", "invalid_type")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"x"}],"stream_options":true}""", "stream_options", "invalid_type")]
    public void TryParse_BadField_NamesParameterAndCode(string json, string param, string code)
    {
        var (ok, _, _, error) = Parse(json);
        Assert.False(ok);
        Assert.Equal(400, error.Status);
        Assert.Equal(param, error.Param);
        Assert.Equal(code, error.Code);
        Assert.Contains(param.Split('[')[0], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_NotAnObject_SaysWhatItIs()
    {
        var (ok, _, _, error) = Parse("[1,2]");
        Assert.False(ok);
        Assert.Contains("must be a JSON object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_EmptyBody_IsAnError()
    {
        var (ok, _, _, error) = Parse("");
        Assert.False(ok);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(EndpointKind.Embeddings), """{"model":"e","input":"hello"}""", true)]
    [InlineData(nameof(EndpointKind.Embeddings), """{"model":"e","input":[]}""", false)]
    [InlineData(nameof(EndpointKind.Embeddings), """{"model":"e"}""", false)]
    [InlineData(nameof(EndpointKind.Embeddings), """{"model":"e","input":"x","stream":true}""", false)]
    [InlineData(nameof(EndpointKind.Completions), """{"model":"c","prompt":["a","b"],"stream":true}""", true)]
    [InlineData(nameof(EndpointKind.Completions), """{"model":"c","prompt":7}""", false)]
    public void TryParse_OtherEndpoints_CheckTheirInput(string endpoint, string json, bool expected)
    {
        Assert.Equal(expected, Parse(json, Enum.Parse<EndpointKind>(endpoint)).Ok);
    }

    [Fact]
    public void TryParse_UnknownFieldsAndNesting_AreForwardedUnchecked()
    {
        var (ok, _, _, _) = Parse("""{"model":"chat","messages":[{"role":"user","content":[{"type":"text","text":"x"}]}],"vendor_extension":{"a":[1,{"b":null}]},"guided_json":{"type":"object"}}""");
        Assert.True(ok);
    }
}
