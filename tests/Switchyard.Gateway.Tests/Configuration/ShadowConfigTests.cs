using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Tests.Configuration;

/// <summary><c>routes.NAME.shadow:</c> in <c>switchyard.yaml</c>: read, and every mistake reported with its line and key.</summary>
public sealed class ShadowConfigTests
{
    private const string Head = """
        providers:
          vllm: { kind: openai, base_url: http://localhost:8000/v1 }
          openai: { kind: openai, base_url: https://api.openai.com/v1 }
        deployments:
          llama: { provider: vllm, model: llama }
          qwen: { provider: vllm, model: qwen }
          gpt: { provider: openai, model: gpt-4o, hosting: external }
        routes:
          chat:
            deployments: [llama, gpt]

        """;

    private static ConfigLoadResult Parse(string shadow, string extra = "") => ConfigLoader.Parse(Head + extra + "    shadow: " + shadow.Trim() + "\n", "switchyard.yaml", _ => null);

    private static ShadowConfig Shadow(string shadow, string extra = "")
    {
        var result = Parse(shadow, extra);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Config!.Routes.Single().Shadow!;
    }

    [Fact]
    public void Shadow_IsRead()
    {
        var shadow = Shadow("{ deployment: qwen, share: 0.25, seed: 42, budget: { usd: 5, per: month }, compare: [quality, judge, agreement], judge: { deployment: gpt, rubric: \"Correct.\" }, max_concurrency: 2, queue: 10, timeout: 20s, record_text: false }");

        Assert.Equal("qwen", shadow.Deployment);
        Assert.Equal(0.25, shadow.Share);
        Assert.Equal(42, shadow.Seed);
        Assert.Equal(new ShadowBudgetConfig(5m, BudgetPeriod.Month), shadow.Budget);
        Assert.Equal(ShadowCompare.Quality | ShadowCompare.Judge | ShadowCompare.Agreement, shadow.Compare);
        Assert.Equal("gpt", shadow.Judge!.Deployment);
        Assert.Equal("Correct.", shadow.Judge.Rubric);
        Assert.Equal(2, shadow.MaxConcurrency);
        Assert.Equal(10, shadow.Queue);
        Assert.Equal(TimeSpan.FromSeconds(20), shadow.Timeout);
        Assert.False(shadow.RecordText);
    }

    [Fact]
    public void Shadow_Defaults()
    {
        var shadow = Shadow("{ deployment: qwen }");

        Assert.Equal(0.1, shadow.Share);
        Assert.Equal(0, shadow.Seed);
        Assert.Null(shadow.Budget);
        Assert.Equal(ShadowCompare.Quality | ShadowCompare.Agreement, shadow.Compare);
        Assert.Null(shadow.Judge);
        Assert.Equal(4, shadow.MaxConcurrency);
        Assert.Equal(64, shadow.Queue);
        Assert.True(shadow.RecordText);
    }

    [Fact]
    public void Shadow_JudgeDefaultsToTheRoutesQualityJudge()
    {
        var shadow = Shadow("{ deployment: qwen, compare: [judge] }", "    quality: { judge: { deployment: gpt } }\n");

        Assert.Equal("gpt", shadow.Judge!.Deployment);
        Assert.Equal(ShadowCompare.Judge, shadow.Compare);
    }

    [Theory]
    [InlineData("{ share: 0.1 }", "routes.chat.shadow.deployment: missing")]
    [InlineData("{ deployment: qwne }", "routes.chat.shadow.deployment: the deployment 'qwne' is not defined. Did you mean 'qwen'?")]
    [InlineData("{ deployment: qwen, share: 1.5 }", "routes.chat.shadow.share")]
    [InlineData("{ deployment: qwen, share: 0 }", "routes.chat.shadow.share: 0 shadows nothing")]
    [InlineData("{ deployment: qwen, compare: [quality, jugde] }", "routes.chat.shadow.compare: 'jugde' is not a comparison. Did you mean 'judge'?")]
    [InlineData("{ deployment: qwen, compare: [judge] }", "routes.chat.shadow.compare: compares with a judge, but neither shadow.judge nor the route's quality.judge names one")]
    [InlineData("{ deployment: qwen, budget: { per: day } }", "routes.chat.shadow.budget.usd: is required")]
    [InlineData("{ deployment: qwen, budget: { usd: 5, per: week } }", "routes.chat.shadow.budget.per")]
    [InlineData("{ deployment: qwen, queue: 0 }", "routes.chat.shadow.queue")]
    [InlineData("{ deployment: qwen, sample: 0.1 }", "routes.chat.shadow.sample: unknown key")]
    public void Shadow_Mistakes_NameTheKeyAndLine(string shadow, string message)
    {
        var result = Parse(shadow);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors, e => e.ToString().Contains(message, StringComparison.Ordinal));
        Assert.Equal(11, error.Line);
    }

    [Fact]
    public void Shadow_AnExternalCandidateOnAConfidentialRoute_WouldNeverRun()
    {
        var result = Parse("{ deployment: gpt }", "    confidential: true\n");

        var error = Assert.Single(result.Errors);
        Assert.Contains("routes.chat.shadow.deployment: the route is confidential, so its requests never go to 'gpt', an external deployment", error.ToString(), StringComparison.Ordinal);
    }
}
