using System.Collections.Immutable;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchyard.Gateway.Evaluation;
using Switchyard.Gateway.Evaluation.Scoring;
using Switchyard.Gateway.Quality.Schema;

namespace Switchyard.Gateway.Tests.Evaluation;

/// <summary>Each scorer on answers whose verdict is worked out by hand.</summary>
public sealed class ScorerTests
{
    [Theory]
    [InlineData("Paris", "Paris", true)]
    [InlineData("  paris \n", "Paris", true)]
    [InlineData("The capital is  Paris", "the capital   is paris", true)]
    [InlineData("Paris.", "Paris", false)]
    [InlineData("Lyon", "Paris", false)]
    public async Task Exact_Defaults_IgnoreCaseAndSpacing(string answer, string expected, bool pass)
    {
        var result = await Score(new ExactScorer(expected), answer);

        Assert.Equal(pass, result.Pass);
        Assert.Equal(pass ? 1 : 0, result.Score);
    }

    [Fact]
    public async Task Exact_Strict_ComparesCaseAndSpacing()
    {
        var strict = new ExactScorer("Paris", ignoreCase: false, normalizeWhitespace: false);

        Assert.True((await Score(strict, "Paris")).Pass);
        Assert.False((await Score(strict, "paris")).Pass);
        Assert.False((await Score(strict, " Paris")).Pass);
    }

    [Theory]
    [InlineData(@"\b42\b", "The answer is 42.", true)]
    [InlineData(@"\b42\b", "The answer is 420.", false)]
    [InlineData(@"^\s*yes\b", "Yes, it is.", false)]
    public async Task Regex_FindsAMatchAnywhere(string pattern, string answer, bool pass)
        => Assert.Equal(pass, (await Score(new RegexScorer(new Regex(pattern, RegexOptions.None, RegexScorer.MatchTimeout)), answer)).Pass);

    [Fact]
    public async Task Regex_IgnoreCase_MatchesOtherCase()
        => Assert.True((await Score(new RegexScorer(new Regex(@"^\s*yes\b", RegexOptions.IgnoreCase, RegexScorer.MatchTimeout)), "Yes, it is.")).Pass);

    [Fact]
    public async Task JsonSchema_UsesTheGatesValidator_WithThePathOfTheViolation()
    {
        Assert.True(JsonSchema.TryCompile("""{"type":"object","properties":{"city":{"type":"string"},"population":{"type":"integer","minimum":0}},"required":["city","population"],"additionalProperties":false}"""u8, out var schema, out _));
        var scorer = new JsonSchemaScorer(schema!);

        Assert.True((await Score(scorer, """ {"city": "Paris", "population": 2100000} """)).Pass);
        var negative = await Score(scorer, """{"city": "Paris", "population": -1}""");
        Assert.False(negative.Pass);
        Assert.Contains("population", negative.Detail, StringComparison.Ordinal);
        var missing = await Score(scorer, """{"city": "Paris"}""");
        Assert.False(missing.Pass);
        Assert.Contains("population", missing.Detail, StringComparison.Ordinal);
        Assert.False((await Score(scorer, "```json\n{\"city\": \"Paris\", \"population\": 1}\n```")).Pass);
    }

    [Theory]
    [InlineData("The answer is 1,234.", 1234, 0, false, true)]
    [InlineData("So it is 3.14159", 3.14, 0.01, false, true)]
    [InlineData("So it is 3.16", 3.14, 0.01, false, false)]
    [InlineData("About 110 people", 100, 0.1, true, true)]
    [InlineData("About 111 people", 100, 0.1, true, false)]
    [InlineData("It was -5 degrees", -5, 0, false, true)]
    [InlineData("Between 10 and 12, so 12", 10, 0, false, false)]
    [InlineData("No idea.", 42, 0, false, false)]
    public async Task Numeric_ReadsTheFinalNumber(string answer, double expected, double tolerance, bool relative, bool pass)
        => Assert.Equal(pass, (await Score(new NumericScorer(expected, tolerance, relative), answer)).Pass);

    [Fact]
    public async Task Contains_AllAnyAndNone()
    {
        Assert.True((await Score(new ContainsScorer(["paris", "France"], any: false, ignoreCase: true, negate: false), "Paris is in France.")).Pass);
        var lacks = await Score(new ContainsScorer(["Paris", "Seine"], any: false, ignoreCase: true, negate: false), "Paris is in France.");
        Assert.False(lacks.Pass);
        Assert.Contains("'Seine'", lacks.Detail, StringComparison.Ordinal);
        Assert.True((await Score(new ContainsScorer(["Seine", "France"], any: true, ignoreCase: true, negate: false), "Paris is in France.")).Pass);
        Assert.False((await Score(new ContainsScorer(["paris"], any: false, ignoreCase: false, negate: false), "Paris")).Pass);
        Assert.True((await Score(new ContainsScorer(["as an AI"], any: false, ignoreCase: true, negate: true), "Paris.")).Pass);
        Assert.False((await Score(new ContainsScorer(["as an AI"], any: false, ignoreCase: true, negate: true), "As an AI, I think Paris.")).Pass);
    }

    [Fact]
    public async Task Judge_SendsTheGatesJudgePrompt_AndReadsItsScore()
    {
        byte[]? sent = null;
        var judge = new EvalJudge(new EvalModel("frontier", null), "Names the right city.", 0.7, 200);
        var input = Input("Paris.", judge, (body, _, _) =>
        {
            sent = body;
            return Task.FromResult(new JudgeReply("""{"score": 7, "reason": "right city, terse"}""", 0.0001m, null));
        });

        var result = await new JudgeScorer(rubric: null, minScore: null).ScoreAsync(input, default);

        Assert.True(result.Pass);
        Assert.Equal(0.7, result.Score, 9);
        Assert.Equal(0.0001m, result.Cost);
        Assert.Contains("7/10", result.Detail, StringComparison.Ordinal);
        var request = JsonNode.Parse(sent!)!;
        Assert.Equal("frontier", (string?)request["model"]);
        Assert.Contains("Names the right city.", (string?)request["messages"]![0]!["content"], StringComparison.Ordinal);
        var user = (string?)request["messages"]![1]!["content"];
        Assert.Contains("<conversation>", user, StringComparison.Ordinal);
        Assert.Contains("Capital of France?", user, StringComparison.Ordinal);
        Assert.Contains("<answer>\nParis.\n</answer>", user, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Judge_BelowTheCasesMinScore_Fails()
    {
        var judge = new EvalJudge(new EvalModel("frontier", null), "r", 0.5, 200);
        var input = Input("Lyon.", judge, (_, _, _) => Task.FromResult(new JudgeReply("""{"score": 6, "reason": "wrong city"}""", null, null)));

        var result = await new JudgeScorer("Names Paris.", minScore: 0.8).ScoreAsync(input, default);

        Assert.False(result.Pass);
        Assert.Equal(0.6, result.Score, 9);
    }

    [Theory]
    [InlineData(null, "502: every deployment failed")]
    [InlineData("I think it is fine.", null)]
    public async Task Judge_WithoutAScore_FailsTheCaseAndSaysWhy(string? text, string? error)
    {
        var judge = new EvalJudge(new EvalModel("frontier", null), "r", 0.5, 200);
        var input = Input("Paris.", judge, (_, _, _) => Task.FromResult(new JudgeReply(text, null, error)));

        var result = await new JudgeScorer(null, null).ScoreAsync(input, default);

        Assert.False(result.Pass);
        Assert.Equal(0, result.Score);
        Assert.Contains(error is null ? "without a score" : "could not judge", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QualityGate_TheRoutesScore_IsUsedWhenTheGatewaySentIt()
    {
        var input = new ScoringInput { Answer = "Paris.", Case = Case(), GatewayQualityScore = 0.67, GatewayQualityFailed = "refusal" };

        var result = await new QualityGateScorer(0.8).ScoreAsync(input, default);

        Assert.False(result.Pass);
        Assert.Equal(0.67, result.Score);
        Assert.Contains("the route's gate", result.Detail, StringComparison.Ordinal);
        Assert.Contains("failed refusal", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QualityGate_WithoutTheRoutesScore_RunsTheDefaultChecks()
    {
        var scorer = new QualityGateScorer(0.8);

        var good = await scorer.ScoreAsync(new ScoringInput { Answer = "Paris is the capital of France.", FinishReason = "stop", Case = Case() }, default);
        var refusal = await scorer.ScoreAsync(new ScoringInput { Answer = "I'm sorry, but I can't help with that.", FinishReason = "stop", Case = Case() }, default);
        var cut = await scorer.ScoreAsync(new ScoringInput { Answer = "Paris is the", FinishReason = "length", Case = Case() }, default);

        Assert.True(good.Pass);
        Assert.Equal(1, good.Score);
        Assert.False(refusal.Pass);
        Assert.Contains("refusal", refusal.Detail, StringComparison.Ordinal);
        Assert.False(cut.Pass);
        Assert.Contains("truncated", cut.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QualityGate_CutAtTheCasesOwnMaxTokens_IsWhatTheCaseAskedFor()
    {
        var limited = Case(new JsonObject { ["max_tokens"] = 5 });

        var result = await new QualityGateScorer(0.8).ScoreAsync(new ScoringInput { Answer = "Paris is the", FinishReason = "length", OutputTokens = 5, Case = limited }, default);

        Assert.True(result.Pass);
    }

    [Fact]
    public async Task ScoreAll_EveryScorerMustPass_TheScoreIsTheirMean()
    {
        IReadOnlyList<Scorer> scorers = [new ContainsScorer(["Paris"], false, true, false), new ExactScorer("Paris")];

        var result = await Scorer.ScoreAllAsync(scorers, new ScoringInput { Answer = "Paris, France", Case = Case() }, default);

        Assert.False(result.Pass);
        Assert.Equal(0.5, result.Score);
        Assert.StartsWith("contains: ", result.Detail, StringComparison.Ordinal);
        Assert.Contains("; exact: ", result.Detail, StringComparison.Ordinal);
    }

    private static ValueTask<ScoreResult> Score(Scorer scorer, string answer) => scorer.ScoreAsync(new ScoringInput { Answer = answer, Case = Case() }, default);

    private static ScoringInput Input(string answer, EvalJudge judge, Func<byte[], EvalModel, CancellationToken, Task<JudgeReply>> ask)
        => new() { Answer = answer, Case = Case(), Judge = judge, AskJudge = ask };

    private static EvalCase Case(JsonObject? extra = null)
    {
        var request = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Capital of France?" }) };
        foreach (var (name, value) in extra ?? new JsonObject())
        {
            request[name] = value?.DeepClone();
        }

        return new EvalCase { Id = "c", UseCase = "geo", Line = 1, Request = request, Scorers = ImmutableArray<Scorer>.Empty };
    }
}
