using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switchyard.Simulator.Generation;
using static Switchyard.Simulator.Tests.SimulatorFixture;

namespace Switchyard.Simulator.Tests;

/// <summary>Wrong answers (<c>bad:wrong</c>): plausible, complete and confident, yet wrong.</summary>
public sealed partial class SimulatorHostTests
{
    private const string MathQuestion = "Solve the equation 3x + 7 = 25 and compute the sum of its roots.";
    private const string CodeQuestion = "Write a Python function that parses a log line and fix the bug in my regex.";

    private static readonly (string, string) ForceWrong = ("x-sim-force-quality", "bad:wrong");

    [Fact]
    public async Task ChatCompletions_ForcedWrongMath_StatesAnotherNumberAndLooksGood()
    {
        var truth = FinalAnswer.TrueAnswer(Encoding.UTF8.GetBytes(MathQuestion));
        var wrongNumbers = new HashSet<int>();
        for (var seed = 0; seed < 10; seed++)
        {
            using var response = await _client.SendAsync(Post("v1/chat/completions", ChatBody(Open, MathQuestion, $"\"seed\":{seed},\"logprobs\":true"), ForceWrong));
            Assert.Equal("bad:wrong", Assert.Single(response.Headers.GetValues("x-sim-quality")));
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var choice = json.RootElement.GetProperty("choices")[0];
            Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
            var content = choice.GetProperty("message").GetProperty("content").GetString()!;
            var match = Regex.Match(content, @" The answer is ([0-9]+)\.$");
            Assert.True(match.Success, content);
            var stated = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.NotEqual(truth, stated);
            wrongNumbers.Add(stated);
            Assert.InRange(json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), 16, 200);

            // As confident as a good answer: a logprob check does not catch it.
            var mean = choice.GetProperty("logprobs").GetProperty("content").EnumerateArray().Average(t => t.GetProperty("logprob").GetDouble());
            Assert.InRange(mean, -0.6, 0);
        }

        // Two samples (other seeds) usually state different wrong numbers, so an agreement check sees them disagree.
        Assert.True(wrongNumbers.Count >= 8, string.Join(", ", wrongNumbers));
    }

    [Theory]
    [InlineData(CodeQuestion, "Code")]
    [InlineData("Is this NDA clause enforceable in court?", "Legal")]
    [InlineData("What dose of ibuprofen is safe for a patient with a fever?", "Medical")]
    [InlineData("What should I cook tonight?", "General")]
    public async Task ChatCompletions_ForcedWrongProse_IsAboutAnotherKindsTopic(string question, string kindName)
    {
        var kind = Enum.Parse<PromptKind>(kindName);
        for (var seed = 0; seed < 8; seed++)
        {
            using var response = await _client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, question, $"\"seed\":{seed}"), ForceWrong));
            Assert.Equal("bad:wrong", Assert.Single(response.Headers.GetValues("x-sim-quality")));
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var content = json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
            Assert.Equal("stop", json.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
            var topics = TopicsOf(content);
            Assert.DoesNotContain(kind, topics);
            Assert.NotEmpty(topics);
            Assert.DoesNotContain("The answer is", content, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ChatCompletions_GoodProse_CarriesOnlyItsOwnKindsTopicalWords()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var content = await ContentOfAsync(ChatBody(Perfect, CodeQuestion, $"\"seed\":{seed}"));
            Assert.All(TopicsOf(content), k => Assert.Equal(PromptKind.Code, k));
        }
    }

    [Fact]
    public async Task ChatCompletions_ForcedWrongJsonAndTools_StayValidJson()
    {
        using var jsonResponse = await _client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "List three facts.", "\"response_format\":{\"type\":\"json_object\"}"), ForceWrong));
        Assert.Equal("bad:wrong", Assert.Single(jsonResponse.Headers.GetValues("x-sim-quality")));
        using var json = JsonDocument.Parse(await jsonResponse.Content.ReadAsStringAsync());
        using var content = JsonDocument.Parse(json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!);
        Assert.Equal(JsonValueKind.Object, content.RootElement.ValueKind);

        using var toolResponse = await _client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "Weather in Oslo?", $"{WeatherTool},{ChooseWeather}"), ForceWrong));
        Assert.Equal(HttpStatusCode.OK, toolResponse.StatusCode);
        using var tool = JsonDocument.Parse(await toolResponse.Content.ReadAsStringAsync());
        var choice = tool.RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        using var args = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!);
        Assert.InRange(args.RootElement.GetProperty("days").GetInt32(), 1, 7);
    }

    [Fact]
    public async Task ChatCompletions_ForceQualityUnknown_ListsBadWrong()
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "hi"), ("x-sim-force-quality", "bad:meh")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("bad:wrong", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The kinds whose distinctive topical words appear in <paramref name="content"/>.</summary>
    internal static HashSet<PromptKind> TopicsOf(string content)
    {
        var words = Regex.Split(content.ToLowerInvariant(), "[^a-z]+").ToHashSet(StringComparer.Ordinal);
        var kinds = new HashSet<PromptKind>();
        for (var kind = 0; kind < WordList.Distinctive.Length; kind++)
        {
            if (WordList.Distinctive[kind].Any(w => words.Contains(Encoding.UTF8.GetString(w))))
            {
                kinds.Add((PromptKind)kind);
            }
        }

        return kinds;
    }
}
