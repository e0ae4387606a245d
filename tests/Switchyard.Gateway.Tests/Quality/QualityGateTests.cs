using System.Text;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Quality;

namespace Switchyard.Gateway.Tests.Quality;

public sealed class QualityGateTests
{
    private static readonly QualityGate Default = new(new QualityConfig());

    [Fact]
    public void Evaluate_GoodAnswer_ScoresOneAndPasses()
    {
        var verdict = Evaluate(Default, Completion("Paris is the capital of France."));

        Assert.Equal(1, verdict.Score);
        Assert.True(verdict.Passed);
        Assert.Equal(QualityFailures.None, verdict.Failed);
        Assert.Null(verdict.Reasons);
        Assert.Null(verdict.FailedNames);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData("...")]
    public void Evaluate_EmptyAnswer_ScoresZero(string content)
    {
        var verdict = Evaluate(Default, Completion(content));

        Assert.Equal(0, verdict.Score);
        Assert.False(verdict.Passed);
        Assert.Equal("empty", verdict.FailedNames);
    }

    [Theory]
    [InlineData("Okay.")]
    [InlineData("Hmm.")]
    [InlineData("N/A")]
    [InlineData("  ok  ")]
    [InlineData("None")]
    [InlineData("null")]
    public void Evaluate_OnlyAFillerWord_IsEmpty(string content)
    {
        var verdict = Evaluate(Default, Completion(content));

        Assert.False(verdict.Passed);
        Assert.Equal("empty", verdict.FailedNames);
        Assert.Contains("only a filler word", verdict.Reasons, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Yes.")]
    [InlineData("42")]
    [InlineData("Paris")]
    [InlineData("No")]
    [InlineData("Okay, here is the plan.")]
    public void Evaluate_ShortButRealAnswer_IsNotEmpty(string content)
    {
        Assert.True(Evaluate(Default, Completion(content)).Passed);
    }

    [Fact]
    public void Evaluate_ToolCallsWithoutText_IsNotEmpty()
    {
        const string Json = """{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}""";

        var verdict = Evaluate(Default, Json);

        Assert.True(verdict.Passed);
    }

    [Fact]
    public void Evaluate_Truncated_FailsTheDefaultThreshold()
    {
        var verdict = Evaluate(Default, Completion("The three reasons are: first, the", "length"));

        Assert.False(verdict.Passed);
        Assert.Equal("truncated", verdict.FailedNames);
        // empty 1 + refusal 3 passed of 6 (truncated 2 failed).
        Assert.Equal(4.0 / 6, verdict.Score, 6);
        Assert.Contains("finish_reason is length", verdict.Reasons, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TruncatedAtTheClientsOwnMaxTokens_IsNotAFailure()
    {
        using var answer = new AnswerCollector();
        AnswerReader.ReadCompletion(Encoding.UTF8.GetBytes(Completion("The three reasons are: first, the", "length")), answer);

        var verdict = Default.Evaluate(answer, default, clientLimit: true);

        Assert.True(verdict.Passed);
        Assert.Equal(1, verdict.Score);
    }

    [Theory]
    [InlineData(160, 7, false)]   // cut at 7 tokens of the 160 the client allowed: the server's limit, a poor answer
    [InlineData(7, 7, true)]      // cut exactly at the client's max_tokens: what it asked for
    [InlineData(null, 7, false)]  // no client limit: any cut is the server's
    public void Evaluate_LengthCut_FailsUnlessAtTheClientsOwnMaxTokens(int? clientMaxTokens, int completionTokens, bool passes)
    {
        var gated = new Switchyard.Gateway.Forwarding.GatedRequest(Default, default, clientMaxTokens);

        var verdict = gated.Evaluate(Encoding.UTF8.GetBytes(Completion("The three reasons are: first, the", "length")), new Switchyard.Gateway.Forwarding.Usage(5, completionTokens));

        Assert.Equal(passes, verdict.Passed);
        Assert.Equal(passes ? null : "truncated", verdict.FailedNames);
    }

    [Theory]
    [InlineData("I'm sorry, but I can't help with that.")]
    [InlineData("I’m sorry, but I can’t help with that.")]
    [InlineData("As an AI language model, I cannot provide that information.")]
    [InlineData("Lo siento, pero no puedo ayudarte con eso.")]
    [InlineData("Je suis désolé, mais je ne peux pas répondre.")]
    [InlineData("Es tut mir leid, aber ich kann Ihnen dabei nicht helfen.")]
    [InlineData("抱歉，我无法提供这方面的信息。")]
    public void Evaluate_Refusal_Fails(string content)
    {
        var verdict = Evaluate(Default, Completion(content));

        Assert.False(verdict.Passed);
        Assert.Equal("refusal", verdict.FailedNames);
        Assert.Contains("refusal", verdict.Reasons, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_RefusalField_Fails()
    {
        const string Json = """{"choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't do that."},"finish_reason":"stop"}]}""";

        var verdict = Evaluate(Default, Json);

        Assert.Equal(QualityFailures.Refusal | QualityFailures.Empty, verdict.Failed);
        Assert.Equal(0, verdict.Score);
    }

    [Fact]
    public void Evaluate_SorryWithoutRefusing_Passes()
    {
        // "I'm sorry" alone is not a refusal phrase: it opens condolences and corrections too.
        var verdict = Evaluate(Default, Completion("I'm sorry to hear about your loss. Here is how to file the claim: ..."));

        Assert.True(verdict.Passed);
    }

    [Fact]
    public void Evaluate_RefusalQuotedLateInALongAnswer_Passes()
    {
        var content = new string('x', 10) + " " + string.Concat(Enumerable.Repeat("A long and useful answer. ", 30)) + "Some models say 'I can't help with that.'";

        Assert.True(Evaluate(Default, Completion(content)).Passed);
    }

    [Fact]
    public void Evaluate_ContentFilter_CountsAsRefusal()
    {
        var verdict = Evaluate(Default, Completion("", "content_filter"));

        Assert.True((verdict.Failed & QualityFailures.Refusal) != 0);
        Assert.False(verdict.Passed);
    }

    [Theory]
    [InlineData("{\"a\":1}", true)]
    [InlineData("Sure! Here is the JSON you asked for:\n{\"a\":1}", false)]
    [InlineData("{\"a\":1", false)]
    [InlineData("[1,2]", false)]
    [InlineData("{\"a\":1} trailing", false)]
    public void Evaluate_JsonObjectFormat_ChecksTheAnswerIsOneObject(string content, bool passes)
    {
        var format = AnswerFormat.Read("""{"model":"m","messages":[],"response_format":{"type":"json_object"}}"""u8);
        Assert.Equal(AnswerFormatKind.JsonObject, format.Kind);

        var verdict = Evaluate(Default, Completion(content), format);

        Assert.Equal(passes, verdict.Passed);
        if (!passes)
        {
            Assert.Equal(0, verdict.Score);
            Assert.Equal("json", verdict.FailedNames);
        }
    }

    [Fact]
    public void Evaluate_JsonSchemaFormat_ReportsTheViolationPath()
    {
        var format = AnswerFormat.Read("""
            {"model":"m","messages":[],"response_format":{"type":"json_schema","json_schema":{"name":"city","strict":true,
             "schema":{"type":"object","properties":{"city":{"type":"string"},"population":{"type":"integer"}},"required":["city","population"],"additionalProperties":false}}}}
            """u8);
        Assert.NotNull(format.Schema);

        Assert.True(Evaluate(Default, Completion("""{"city":"Lyon","population":522250}"""), format).Passed);
        var verdict = Evaluate(Default, Completion("""{"city":"Lyon","population":"many"}"""), format);

        Assert.False(verdict.Passed);
        Assert.Equal(0, verdict.Score);
        Assert.Equal("schema", verdict.FailedNames);
        Assert.Contains("$.population", verdict.Reasons, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Expectations_FailUnlessEveryRuleHolds()
    {
        var gate = new QualityGate(new QualityConfig
        {
            Expect = new QualityExpectations { Pattern = @"\d+", Contains = ["total"], NotContains = ["as an ai"], MaxChars = 200 },
        });

        Assert.True(Evaluate(gate, Completion("The total is 42.")).Passed);
        var verdict = Evaluate(gate, Completion("As an AI, I think it is many."));
        var almost = Evaluate(gate, Completion("The total is many."));

        // Only max_chars is met: no digit, no 'total', and it contains 'as an ai'.
        Assert.Equal("expectations", verdict.FailedNames);
        Assert.Contains("1 of 4 met", verdict.Reasons, StringComparison.Ordinal);
        Assert.False(verdict.Passed);
        // 3 of 4 met (no digit) is a failed check, not three quarters of one: (1 + 2 + 3 + 0) / 8 = 0.75, below 0.8,
        // where a share would have given (1 + 2 + 3 + 1.5) / 8 = 0.94 and passed.
        Assert.Equal("expectations", almost.FailedNames);
        Assert.Contains("3 of 4 met; the answer does not match the pattern", almost.Reasons, StringComparison.Ordinal);
        Assert.Equal(0.75, almost.Score, 12);
        Assert.False(almost.Passed);
    }

    [Fact]
    public void Evaluate_Logprobs_FailWhenTheModelWasUnsure()
    {
        var gate = new QualityGate(new QualityConfig { Logprobs = new LogprobCheckConfig { MinMean = -1, MinToken = -8 } });
        var sure = Evaluate(gate, WithLogprobs("Paris.", -0.1, -0.3, -0.05));
        var unsure = Evaluate(gate, WithLogprobs("Maybe Lyon.", -2.1, -1.9, -2.5));
        var oneWildToken = Evaluate(gate, WithLogprobs("Paris, Texas.", -0.1, -9.5, -0.1));

        Assert.True(sure.Passed);
        Assert.Equal("logprobs", unsure.FailedNames);
        Assert.Contains("mean -2.17", unsure.Reasons, StringComparison.Ordinal);
        Assert.Equal("logprobs", oneWildToken.FailedNames);
        // Logprobs alone weigh 1 of 7 here (empty 1, truncated 2, refusal 3, logprobs 1): the answer still passes 0.8.
        Assert.True(unsure.Passed);
    }

    [Fact]
    public void Evaluate_WeightZero_TurnsACheckOff()
    {
        var gate = new QualityGate(new QualityConfig { Weights = QualityConfig.DefaultWeights.SetItem(QualityCheck.Truncated, 0) });

        Assert.True(Evaluate(gate, Completion("cut", "length")).Passed);
    }

    [Fact]
    public void Evaluate_StreamChunks_AreReadLikeAWholeAnswer()
    {
        using var answer = new AnswerCollector();
        AnswerReader.ReadChunk("""{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"""u8, answer);
        AnswerReader.ReadChunk("""{"choices":[{"index":0,"delta":{"content":"I'm sorry, but "}}]}"""u8, answer);
        AnswerReader.ReadChunk("""{"choices":[{"index":1,"delta":{"content":"ignored"}}]}"""u8, answer);
        AnswerReader.ReadChunk("""{"choices":[{"index":0,"delta":{"content":"I can't help with that."},"finish_reason":"stop"}]}"""u8, answer);
        AnswerReader.ReadChunk("""{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":9,"total_tokens":12}}"""u8, answer);

        Assert.Equal("I'm sorry, but I can't help with that.", answer.Text.ToString());
        Assert.Equal("stop", answer.FinishReason);
        Assert.Equal("refusal", Default.Evaluate(answer, default).FailedNames);
    }

    [Fact]
    public void Evaluate_TextCompletion_ReadsChoiceText()
    {
        using var answer = new AnswerCollector();
        AnswerReader.ReadCompletion("""{"object":"text_completion","choices":[{"text":" and so on","index":0,"logprobs":{"token_logprobs":[-0.5,-1.5]},"finish_reason":"length"}]}"""u8, answer);

        Assert.Equal(" and so on", answer.Text.ToString());
        Assert.Equal(2, answer.LogprobCount);
        Assert.Equal(-1.5, answer.LogprobMin);
        Assert.Equal("truncated", Default.Evaluate(answer, default).FailedNames);
    }

    [Fact]
    public void Evaluate_LongEscapedAnswer_IsReadWhole()
    {
        var text = string.Concat(Enumerable.Repeat("line \"quoted\" \\ é 中\n", 400));
        using var answer = new AnswerCollector();
        AnswerReader.ReadCompletion(Encoding.UTF8.GetBytes(Completion(text)), answer);

        Assert.Equal(text, answer.Text.ToString());
    }

    private static QualityVerdict Evaluate(QualityGate gate, string json, AnswerFormat format = default)
    {
        using var answer = new AnswerCollector();
        AnswerReader.ReadCompletion(Encoding.UTF8.GetBytes(json), answer);
        return gate.Evaluate(answer, format);
    }

    private static string Completion(string content, string finish = "stop")
        => "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + System.Text.Json.JsonSerializer.Serialize(content)
            + "},\"finish_reason\":\"" + finish + "\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}";

    private static string WithLogprobs(string content, params double[] logprobs)
    {
        var items = string.Join(",", logprobs.Select(l => "{\"token\":\"t\",\"logprob\":" + l.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"bytes\":[116],\"top_logprobs\":[]}"));
        return "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + System.Text.Json.JsonSerializer.Serialize(content)
            + "},\"logprobs\":{\"content\":[" + items + "]},\"finish_reason\":\"stop\"}]}";
    }
}
