using System.Collections.Immutable;
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

    [Fact]
    public async Task ChatCompletions_WrongShare_DecidesHowManyBadAnswersAreWrong()
    {
        var zero = PromptKinds.All.ToDictionary(k => k, _ => 0.0).ToImmutableDictionary();
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Models =
            [
                new SimulatedModel { Name = "never-wrong", Skill = zero },
                new SimulatedModel { Name = "half-wrong", Skill = zero, WrongShare = 0.5 },
                new SimulatedModel { Name = "always-wrong", Skill = zero, WrongShare = 1 },
            ],
        });
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var counts = new Dictionary<string, Dictionary<string, int>>();
        foreach (var model in new[] { "never-wrong", "half-wrong", "always-wrong" })
        {
            counts[model] = [];
            for (var i = 0; i < 120; i++)
            {
                var question = (i % 3) switch
                {
                    0 => $"Solve the equation {i}x + 7 = 25.",
                    1 => $"Write a Python function number {i} that parses a log line.",
                    _ => $"Tell me about river {i}.",
                };
                using var response = await client.SendAsync(Post("v1/chat/completions", ChatBody(model, question)));
                var quality = Assert.Single(response.Headers.GetValues("x-sim-quality"));
                counts[model][quality] = counts[model].GetValueOrDefault(quality) + 1;
            }
        }

        Assert.False(counts["never-wrong"].ContainsKey("bad:wrong"));
        Assert.Equal(3, counts["never-wrong"].Count);
        Assert.InRange(counts["half-wrong"].GetValueOrDefault("bad:wrong"), 40, 80);
        Assert.Equal(120, counts["always-wrong"].GetValueOrDefault("bad:wrong"));
    }

    [Fact]
    public async Task ChatCompletions_WrongShareZero_NeverWrongOverManyDraws()
    {
        for (var i = 0; i < 100; i++)
        {
            using var response = await _client.SendAsync(Post("v1/chat/completions", ChatBody(Open, $"Compute the sum of the series {i} + 1.", "\"seed\":" + i)));
            Assert.NotEqual("bad:wrong", Assert.Single(response.Headers.GetValues("x-sim-quality")));
        }
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
