using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switchyard.Simulator.Generation;
using static Switchyard.Simulator.Tests.SimulatorFixture;

namespace Switchyard.Simulator.Tests.Generation;

/// <summary>The true answer of math prompts, as clients see it over a real socket.</summary>
public sealed partial class FinalAnswerTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private const string MathPrompt = "Solve the equation 3x + 7 = 25 and compute the sum of its roots.";
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task ChatCompletions_MathGoodAnswer_EndsWithTheTrueNumberWhateverTheSeedChoiceOrModel()
    {
        var expected = FinalAnswer.TrueAnswer(Encoding.UTF8.GetBytes(MathPrompt));
        var contents = new List<string>();
        foreach (var model in new[] { Perfect, Chunky, Open, Frontier })
        {
            foreach (var seed in new[] { 1, 2, 3 })
            {
                contents.AddRange(await ContentsAsync(ChatBody(model, MathPrompt, $"\"seed\":{seed},\"n\":3"), ("x-sim-force-quality", "good")));
            }
        }

        Assert.Equal(36, contents.Count);
        Assert.True(contents.Distinct().Count() > 30, "the prose differs from answer to answer");
        foreach (var content in contents)
        {
            Assert.EndsWith($" The answer is {expected}.", content, StringComparison.Ordinal);
            Assert.Equal(expected, LastNumber(content));
        }
    }

    [Fact]
    public async Task ChatCompletions_MathPromptInOtherWhitespaceOrParts_SameTrueNumber()
    {
        var expected = FinalAnswer.TrueAnswer(Encoding.UTF8.GetBytes(MathPrompt));
        var spaced = "  " + MathPrompt.Replace(" and ", "\n  and ", StringComparison.Ordinal) + "\n";
        var parts = $$"""{"model":"perfect","messages":[{"role":"user","content":[{"type":"text","text":"Solve the equation 3x + 7 = 25"},{"type":"text","text":"and compute the sum of its roots."}]}]}""";

        Assert.Equal(expected, LastNumber(Assert.Single(await ContentsAsync(ChatBody(Perfect, spaced)))));
        Assert.Equal(expected, LastNumber(Assert.Single(await ContentsAsync(parts))));
    }

    [Fact]
    public async Task ChatCompletions_OtherMathPrompts_OtherTrueNumbers()
    {
        var numbers = new HashSet<long>();
        for (var i = 0; i < 20; i++)
        {
            var prompt = $"Calculate the integral of x^{i} from 0 to 1.";
            var content = Assert.Single(await ContentsAsync(ChatBody(Perfect, prompt)));
            Assert.Equal(FinalAnswer.TrueAnswer(Encoding.UTF8.GetBytes(prompt)), LastNumber(content));
            numbers.Add(LastNumber(content));
        }

        Assert.True(numbers.Count > 15);
    }

    [Fact]
    public async Task ChatCompletions_GoodAnswerOfAnotherKind_HasNoFinalAnswer()
    {
        var content = Assert.Single(await ContentsAsync(ChatBody(Perfect, "Is this NDA clause enforceable in court?")));
        Assert.DoesNotContain("The answer is", content, StringComparison.Ordinal);
        Assert.DoesNotMatch(DigitPattern(), content);
    }

    [Fact]
    public async Task Completions_LegacyMathPrompt_EndsWithTheTrueNumber()
    {
        using var response = await _client.SendAsync(Post("v1/completions", $$"""{"model":"perfect","prompt":"{{MathPrompt}}"}"""));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var text = json.RootElement.GetProperty("choices")[0].GetProperty("text").GetString()!;
        Assert.EndsWith($" The answer is {FinalAnswer.TrueAnswer(Encoding.UTF8.GetBytes(MathPrompt))}.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongAnswer_AnyDraw_IsInRangeAndNeverTheTrueOne()
    {
        for (ulong draw = 0; draw < 5000; draw += 7)
        {
            foreach (var truth in new[] { FinalAnswer.Min, 500, FinalAnswer.Max })
            {
                var wrong = FinalAnswer.WrongAnswer(truth, StableHash.Mix(draw));
                Assert.NotEqual(truth, wrong);
                Assert.InRange(wrong, FinalAnswer.Min, FinalAnswer.Max);
            }
        }
    }

    [Theory]
    [InlineData("So the answer is 42.", true, 42L)]
    [InlineData("The answer is 1, then the answer is 1,234.", true, 1234L)]
    [InlineData("THE ANSWER IS -7", true, -7L)]
    [InlineData("The answer is 2.5.", true, null)]
    [InlineData("The answer is unclear.", true, null)]
    [InlineData("It is 42.", false, null)]
    public void TryFindLast_Phrases_ReadTheLastStatedInteger(string text, bool found, long? value)
    {
        Assert.Equal(found, FinalAnswer.TryFindLast(text, out var actual));
        Assert.Equal(value, actual);
    }

    internal static long LastNumber(string content) => long.Parse(DigitPattern().Matches(content)[^1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex("[0-9]+")]
    private static partial Regex DigitPattern();

    private async Task<List<string>> ContentsAsync(string body, params (string Name, string Value)[] headers)
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", body, headers));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var json = JsonDocument.Parse(text);
        return [.. json.RootElement.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("message").GetProperty("content").GetString()!)];
    }
}
