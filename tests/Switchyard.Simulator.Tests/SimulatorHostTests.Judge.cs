using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Simulator.Generation;
using static Switchyard.Simulator.Tests.SimulatorFixture;

namespace Switchyard.Simulator.Tests;

/// <summary>Judge mode: a request in the gateway's judge convention gets a verdict, whatever model is asked.</summary>
public sealed partial class SimulatorHostTests
{
    private const string GraderInstructions =
        "You are a strict grader. Score the answer to the last user message from 0 to 10 against this rubric: correct, " +
        "complete, on topic. Reply with only a JSON object {\"score\": S, \"reason\": \"...\"}.";

    private const string LegalQuestion = "Is this NDA clause enforceable in court?";

    [Theory]
    [InlineData("", 0)]
    [InlineData("Okay.", 0)]
    [InlineData("N/A", 0)]
    [InlineData("Two words", 0)]
    [InlineData("I'm sorry, but I can't help with that.", 1)]
    [InlineData("I cannot help you with regular expressions today.", 1)]
    [InlineData("I can\u2019t share that, it is against my guidelines.", 1)]
    [InlineData("As an AI language model, I cannot provide that information.", 1)]
    [InlineData("The contract clause limits the liability of each party under the statute.", 2)]
    [InlineData("The patient needs a lower dose after the diagnosis.", 2)]
    [InlineData("A parser should handle the exception before the contract clause applies.", 8)]
    [InlineData("Use a compiler and a test to check the module.", 8)]
    [InlineData("You should consider a simple approach and check the result.", 8)]
    public async Task ChatCompletions_JudgeRequest_ScoresCraftedAnswersByTheRules(string answer, int expected)
    {
        var verdict = await JudgeAsync(JudgeBody(Open, [("system", "You are helpful."), ("user", CodeQuestion)], answer));
        if (expected >= 8)
        {
            Assert.InRange(verdict.Score, 8, 10);
        }
        else
        {
            Assert.Equal(expected, verdict.Score);
        }

        if (expected == 2)
        {
            Assert.Contains("off-topic", verdict.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ChatCompletions_JudgeOfAMathAnswer_ChecksTheFinalNumber()
    {
        var truth = FinalAnswer.TrueAnswer(Encoding.UTF8.GetBytes(MathQuestion));
        var conversation = new[] { ("user", MathQuestion) };

        var right = await JudgeAsync(JudgeBody(Open, conversation, $"Move the constant first, then divide. The answer is {truth}."));
        Assert.InRange(right.Score, 8, 10);

        var wrong = await JudgeAsync(JudgeBody(Open, conversation, $"Move the constant first, then divide. The answer is {truth + 1}."));
        Assert.Equal(2, wrong.Score);
        Assert.Contains("final answer is wrong", wrong.Reason, StringComparison.Ordinal);
        Assert.Contains(truth.ToString(System.Globalization.CultureInfo.InvariantCulture), wrong.Reason, StringComparison.Ordinal);

        // The last statement counts: a corrected answer is right, a right one taken back is wrong.
        var corrected = await JudgeAsync(JudgeBody(Open, conversation, $"At first the answer is {truth + 3}, but no. The answer is {truth}."));
        Assert.InRange(corrected.Score, 8, 10);
        var retracted = await JudgeAsync(JudgeBody(Open, conversation, $"At first the answer is {truth}, but no. The answer is {truth + 3}."));
        Assert.Equal(2, retracted.Score);

        var notANumber = await JudgeAsync(JudgeBody(Open, conversation, "We cannot be sure here. The answer is unknown."));
        Assert.Equal(2, notANumber.Score);

        // The question is the last user message, not an earlier one.
        var followUp = await JudgeAsync(JudgeBody(Open, [("user", LegalQuestion), ("assistant", "It depends on the court."), ("user", MathQuestion)], $"So the answer is {truth}."));
        Assert.InRange(followUp.Score, 8, 10);
    }

    [Theory]
    [InlineData(MathQuestion)]
    [InlineData(CodeQuestion)]
    [InlineData(LegalQuestion)]
    [InlineData("What dose of ibuprofen is safe for a patient with a fever?")]
    [InlineData("What should I cook tonight?")]
    public async Task ChatCompletions_JudgeOfGoodSimulatedAnswers_ScoresAtLeastEight(string question)
    {
        var scores = new HashSet<int>();
        for (var seed = 0; seed < 12; seed++)
        {
            var answer = await ContentOfAsync(ChatBody(Open, question, $"\"seed\":{seed}"), ("x-sim-force-quality", "good"));
            var verdict = await JudgeAsync(JudgeBody(Frontier, [("system", "You are helpful."), ("user", question)], answer));
            Assert.True(verdict.Score >= 8, $"{verdict.Score}: {verdict.Reason} for: {answer}");
            scores.Add(verdict.Score);
        }

        Assert.True(scores.Count > 1, "scores of good answers vary by a hash of the answer");
    }

    [Theory]
    [InlineData("bad:wrong", MathQuestion, 2)]
    [InlineData("bad:wrong", CodeQuestion, 2)]
    [InlineData("bad:wrong", LegalQuestion, 2)]
    [InlineData("bad:wrong", "What should I cook tonight?", 2)]
    [InlineData("bad:refusal", CodeQuestion, 1)]
    [InlineData("bad:empty", CodeQuestion, 0)]
    public async Task ChatCompletions_JudgeOfBadSimulatedAnswers_ScoresThem(string quality, string question, int expected)
    {
        for (var seed = 0; seed < 8; seed++)
        {
            var answer = await ContentOfAsync(ChatBody(Open, question, $"\"seed\":{seed}"), ("x-sim-force-quality", quality));
            var verdict = await JudgeAsync(JudgeBody(Perfect, [("user", question)], answer));
            Assert.True(expected == verdict.Score, $"{verdict.Score}: {verdict.Reason} for: {answer}");
        }
    }

    [Fact]
    public async Task ChatCompletions_JudgeRequest_IsDeterministicWhateverTheModelSeedOrFormat()
    {
        var conversation = new[] { ("user", CodeQuestion) };
        const string Answer = "Use a parser and a test for the module.";
        var first = await RawJudgeContentAsync(JudgeBody(Open, conversation, Answer));
        Assert.Equal(first, await RawJudgeContentAsync(JudgeBody(Open, conversation, Answer)));
        Assert.Equal(first, await RawJudgeContentAsync(JudgeBody("some-judge", conversation, Answer, "\"seed\":5")));
        Assert.Equal(first, await RawJudgeContentAsync(JudgeBody(Frontier, conversation, Answer, "\"response_format\":{\"type\":\"json_object\"}")));
        Assert.Equal(first, await RawJudgeContentAsync(JudgeBody(Perfect, conversation, Answer, $"{WeatherTool}"), ("x-sim-force-quality", "bad:refusal")));

        // Raw (unescaped) and escaped encodings of one text are the same judge request.
        var raw = JudgeBody(Open, conversation, Answer).Replace("\\u003C", "<", StringComparison.Ordinal).Replace("\\u003E", ">", StringComparison.Ordinal);
        Assert.DoesNotContain("\\u003C", raw, StringComparison.Ordinal);
        Assert.Equal(first, await RawJudgeContentAsync(raw));

        using var verdict = JsonDocument.Parse(first);
        Assert.Equal(["score", "reason"], verdict.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task ChatCompletions_JudgeRequest_CountsUsageQualityAndStats()
    {
        var before = fixture.Host.Stats.JudgeRequests;
        var body = JudgeBody(Open, [("user", CodeQuestion)], "Use a parser and a test for the module.");
        using var response = await _client.SendAsync(Post("v1/chat/completions", body));
        Assert.Equal("good", Assert.Single(response.Headers.GetValues("x-sim-quality")));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var usage = json.RootElement.GetProperty("usage");
        Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 60);
        var content = json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        Assert.InRange(usage.GetProperty("completion_tokens").GetInt32(), 8, content.Length);
        Assert.Equal("stop", json.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());

        // The same content streamed, usage included.
        using var streamed = await _client.SendAsync(Post("v1/chat/completions", body.TrimEnd('}') + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"), HttpCompletionOption.ResponseHeadersRead);
        var events = await SseStream.ReadAllDataAsync(await streamed.Content.ReadAsStreamAsync());
        var text = string.Concat(events[..^2].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var c) ? c.GetString() : ""));
        Assert.Equal(content, text);
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt32(), JsonDocument.Parse(events[^2]).RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        Assert.True(fixture.Host.Stats.JudgeRequests >= before + 2);
        using var stats = JsonDocument.Parse(await _client.GetStringAsync("sim/stats"));
        Assert.True(stats.RootElement.GetProperty("judge_requests").GetInt64() >= before + 2);
    }

    [Theory]
    [InlineData("<conversation>\n<message role=\"user\">\nhi\n</message>\n</conversation>")]
    [InlineData("<answer>\nhi there friend\n</answer>")]
    [InlineData("Explain what <conversation> and <answer> tags mean in XML.")]
    public async Task ChatCompletions_IncompleteJudgeConvention_IsAnOrdinaryRequest(string prompt)
    {
        var before = fixture.Host.Stats.JudgeRequests;
        var content = await ContentOfAsync(ChatBody(Perfect, prompt));
        Assert.DoesNotContain("\"score\"", content, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Host.Stats.JudgeRequests);
    }

    [Fact]
    public async Task ChatCompletions_JudgeConventionInAnEarlierUserMessage_IsAnOrdinaryRequest()
    {
        var judge = JsonNode.Parse(JudgeBody(Perfect, [("user", CodeQuestion)], "Use a parser."))!;
        judge["messages"]!.AsArray().Add(new JsonObject { ["role"] = "assistant", ["content"] = "{\"score\":9,\"reason\":\"fine\"}" });
        judge["messages"]!.AsArray().Add(new JsonObject { ["role"] = "user", ["content"] = "Thanks! Tell me about rivers." });
        var content = await ContentOfAsync(judge.ToJsonString());
        Assert.DoesNotContain("\"score\"", content, StringComparison.Ordinal);
    }

    /// <summary>A judge request as the gateway sends it: grader instructions, then the transcript and the answer.</summary>
    internal static string JudgeBody(string model, IEnumerable<(string Role, string Text)> conversation, string answer, string extra = "")
    {
        var user = new StringBuilder("<conversation>\n");
        foreach (var (role, text) in conversation)
        {
            user.Append("<message role=\"").Append(role).Append("\">\n").Append(text).Append("\n</message>\n");
        }

        user.Append("</conversation>\n<answer>\n").Append(answer).Append("\n</answer>");
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["content"] = GraderInstructions },
                new JsonObject { ["role"] = "user", ["content"] = user.ToString() }),
        };

        // JsonNode escapes '<' and '>' as \u003C and \u003E, as the gateway's default encoder does.
        var json = body.ToJsonString();
        return extra.Length == 0 ? json : json[..^1] + "," + extra + "}";
    }

    private async Task<(int Score, string Reason)> JudgeAsync(string body)
    {
        using var verdict = JsonDocument.Parse(await RawJudgeContentAsync(body));
        return (verdict.RootElement.GetProperty("score").GetInt32(), verdict.RootElement.GetProperty("reason").GetString()!);
    }

    private async Task<string> RawJudgeContentAsync(string body, params (string Name, string Value)[] headers)
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", body, headers));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }

    private async Task<string> ContentOfAsync(string body, params (string Name, string Value)[] headers)
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", body, headers));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }
}
