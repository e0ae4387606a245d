using System.Text;
using Switchyard.Simulator.Generation;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Tests.Protocol;

public sealed class GenerationRequestParserTests
{
    [Fact]
    public void TryParse_TextAsStringOrParts_HashesAlike()
    {
        var asString = Parse("""{"model":"m","messages":[{"role":"user","content":"Fix my python code"}]}""");
        var asParts = Parse("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"Fix my python code"}]}]}""");
        Assert.Equal(asString.Prompts[0].Hash, asParts.Prompts[0].Hash);
        Assert.Equal(PromptKind.Code, asString.Prompts[0].Kind);
        Assert.Equal(asString.PromptTokens, asParts.PromptTokens);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"Which symptoms of gout mean a patient should see a doctor?"}]}""")]
    [InlineData("""{"model":"m","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Which symptoms of gout mean a patient should see a doctor?"}]}""")]
    [InlineData("""{"model":"m","messages":[{"content":"You are a helpful assistant.","role":"system"},{"content":"Which symptoms of gout mean a patient should see a doctor?","role":"user"}]}""")]
    public void TryParse_KindOfTheUserMessage_WhateverComesBefore(string body)
    {
        Assert.Equal(PromptKind.Medical, Parse(body).Prompts[0].Kind);
    }

    [Fact]
    public void TryParse_Seed_ChangesTheHash_UnknownFieldsAreSkipped()
    {
        var plain = Parse("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""");
        var seeded = Parse("""{"model":"m","messages":[{"role":"user","content":"hi"}],"seed":4}""");
        var extra = Parse("""{"model":"m","user":"u1","metadata":{"a":[1,{"b":2}]},"messages":[{"role":"user","content":"hi"}],"frequency_penalty":0.5}""");
        Assert.NotEqual(plain.Prompts[0].Hash, seeded.Prompts[0].Hash);
        Assert.Equal(plain.Prompts[0].Hash, extra.Prompts[0].Hash);
    }

    [Fact]
    public void TryParse_PromptTokens_AboutFourCharactersPerTokenPlusOverhead()
    {
        var request = Parse("""{"model":"m","messages":[{"role":"system","content":"12345678"},{"role":"user","content":"1234"}]}""");
        Assert.Equal(GenerationRequestParser.ReplyPrimingTokens + (2 * GenerationRequestParser.TokensPerMessage) + 2 + 1, request.PromptTokens);
    }

    [Fact]
    public void TryParse_TrailingGarbage_IsInvalidJson()
    {
        Assert.False(GenerationRequestParser.TryParse("""{"model":"m","messages":[{"role":"user","content":"hi"}]} x"""u8, EndpointKind.ChatCompletions, out _, out var error));
        Assert.Equal(400, error.Status);
    }

    [Fact]
    public void TryParse_ToolChoiceNamingAnUnknownFunction_IsRejected()
    {
        var body = """{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"a"}}],"tool_choice":{"type":"function","function":{"name":"b"}}}""";
        Assert.False(GenerationRequestParser.TryParse(Encoding.UTF8.GetBytes(body), EndpointKind.ChatCompletions, out _, out var error));
        Assert.Equal("tool_choice", error.Param);
    }

    private static GenerationRequest Parse(string body)
    {
        Assert.True(GenerationRequestParser.TryParse(Encoding.UTF8.GetBytes(body), EndpointKind.ChatCompletions, out var request, out var error), error.Message);
        return request;
    }
}
