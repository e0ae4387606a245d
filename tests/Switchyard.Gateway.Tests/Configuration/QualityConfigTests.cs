using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Tests.Configuration;

/// <summary><c>routes.NAME.quality:</c> in <c>switchyard.yaml</c>: read, and every mistake reported with its line.</summary>
public sealed class QualityConfigTests
{
    private const string Head = """
        providers:
          vllm: { kind: openai, base_url: http://localhost:8000/v1 }
          openai: { kind: openai, base_url: https://api.openai.com/v1 }
        deployments:
          llama: { provider: vllm, model: llama }
          gpt: { provider: openai, model: gpt-4o, hosting: external }
        routes:
          chat:
            deployments: [llama, gpt]

        """;

    private static ConfigLoadResult Parse(string quality) => ConfigLoader.Parse(Head + "    quality: " + quality.Trim() + "\n", "switchyard.yaml", _ => null);

    private static string Errors(ConfigLoadResult result) => string.Join("\n", result.Errors);

    private static QualityConfig Quality(string quality)
    {
        var result = Parse(quality);
        Assert.True(result.Succeeded, Errors(result));
        return result.Config!.Routes.Single().Quality!;
    }

    [Fact]
    public void Judge_IsRead()
    {
        var quality = Quality("{ judge: { deployment: gpt, rubric: \"Cites the clause.\", min_score: 0.6, timeout: 3s, max_tokens: 64, sample: 0.25, max_prompt_chars: 4000, budget: { tokens: 50000, per: 24h }, on_error: fail } }");

        var judge = quality.Judge!;
        Assert.Equal("gpt", judge.Deployment);
        Assert.Equal("Cites the clause.", judge.Rubric);
        Assert.Equal(0.6, judge.MinScore);
        Assert.Equal(TimeSpan.FromSeconds(3), judge.Timeout);
        Assert.Equal(64, judge.MaxTokens);
        Assert.Equal(0.25, judge.Sample);
        Assert.Equal(4000, judge.MaxPromptChars);
        Assert.Equal(new TokenBudgetConfig(50_000, TimeSpan.FromDays(1)), judge.Budget);
        Assert.Equal(CheckErrorPolicy.Fail, judge.OnError);
        Assert.Null(quality.Agreement);
    }

    [Fact]
    public void Judge_Defaults()
    {
        var judge = Quality("{ judge: { deployment: gpt } }").Judge!;

        Assert.Equal(JudgeConfig.DefaultRubric, judge.Rubric);
        Assert.Equal(0.7, judge.MinScore);
        Assert.Equal(TimeSpan.FromSeconds(10), judge.Timeout);
        Assert.Null(judge.Budget);
        Assert.Equal(CheckErrorPolicy.Skip, judge.OnError);
    }

    [Fact]
    public void Agreement_IsRead()
    {
        var agreement = Quality("{ agreement: { compare: number, temperature: 0.8, timeout: 20s, sample: 0.5, budget: { tokens: 1000 } } }").Agreement!;

        Assert.Equal(AgreementCompare.Number, agreement.Compare);
        Assert.Equal(0.8, agreement.Temperature);
        Assert.Equal(TimeSpan.FromSeconds(20), agreement.Timeout);
        Assert.Equal(0.5, agreement.Sample);
        Assert.Equal(new TokenBudgetConfig(1000, TimeSpan.FromHours(1)), agreement.Budget);
    }

    [Fact]
    public void Agreement_True_IsTheDefaults()
    {
        Assert.Equal(new AgreementConfig(), Quality("{ agreement: true }").Agreement);
        Assert.Null(Quality("{ agreement: false }").Agreement);
    }

    [Fact]
    public void Weights_OfTheModelChecks_AreRead()
    {
        var quality = Quality("{ judge: { deployment: gpt }, weights: { judge: 5, agreement: 0 } }");

        Assert.Equal(5, quality.WeightOf(QualityCheck.Judge));
        Assert.Equal(0, quality.WeightOf(QualityCheck.Agreement));
    }

    [Theory]
    [InlineData("{ judge: { rubric: x } }", "switchyard.yaml:10:", "routes.chat.quality.judge.deployment: missing")]
    [InlineData("{ judge: { deployment: gtp } }", "switchyard.yaml:10:", "the deployment 'gtp' is not defined. Did you mean 'gpt'?")]
    [InlineData("{ judge: { deployment: gpt, min_score: 7 } }", "switchyard.yaml:10:", "min_score: must be between 0 and 1, but is 7")]
    [InlineData("{ judge: { deployment: gpt, rubric: '' } }", "switchyard.yaml:10:", "rubric: is empty")]
    [InlineData("{ judge: { deployment: gpt, timeout: soon } }", "switchyard.yaml:10:", "judge.timeout")]
    [InlineData("{ judge: { deployment: gpt, on_error: ignore } }", "switchyard.yaml:10:", "on_error")]
    [InlineData("{ judge: { deployment: gpt, budget: { per: 1h } } }", "switchyard.yaml:10:", "budget.tokens: missing")]
    [InlineData("{ judge: { deployment: gpt, budget: { tokens: 0 } } }", "switchyard.yaml:10:", "budget.tokens")]
    [InlineData("{ judge: { deployment: gpt, temperature: 1 } }", "switchyard.yaml:10:", "temperature")]
    [InlineData("{ agreement: { compare: semantic } }", "switchyard.yaml:10:", "compare")]
    [InlineData("{ agreement: { compare: number, min_similarity: 0.4 } }", "switchyard.yaml:10:", "applies to compare: text")]
    [InlineData("{ agreement: { temperature: 3 } }", "switchyard.yaml:10:", "temperature: must be between 0 and 2")]
    public void Mistakes_AreReportedWithTheirLine(string quality, string line, string expected)
    {
        var result = Parse(quality);

        Assert.False(result.Succeeded);
        var errors = Errors(result);
        Assert.Contains(expected, errors, StringComparison.Ordinal);
        Assert.Contains(line, errors, StringComparison.Ordinal);
    }
}
