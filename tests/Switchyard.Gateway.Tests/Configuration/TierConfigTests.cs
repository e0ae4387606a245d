using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Tests.Configuration;

/// <summary>Tiers, adapters and resilience settings in <c>switchyard.yaml</c>: read, and every mistake reported with its line.</summary>
public sealed class TierConfigTests
{
    private const string Head = """
        providers:
          vllm: { kind: openai, base_url: http://localhost:8000/v1 }
          openai: { kind: openai, base_url: https://api.openai.com/v1 }

        """;

    private static ConfigLoadResult Parse(string body) => ConfigLoader.Parse(Head + body, "switchyard.yaml", _ => null);

    private static string Errors(ConfigLoadResult result) => string.Join("\n", result.Errors);

    [Fact]
    public void Tiers_AreRead()
    {
        var result = Parse("""
            deployments:
              llama-a: { provider: vllm, model: llama, retry: { attempts: 2, backoff: 100ms, max_backoff: 2s }, health_check: true }
              llama-b: { provider: vllm, model: llama, circuit_breaker: { failure_ratio: 0.25, minimum_attempts: 10, window: 1m, break_for: 20s } }
              sql: { base: llama-a, model: sql-lora }
              coder: { provider: vllm, model: coder, timeouts: { stall: 5s } }
              gpt: { provider: openai, model: gpt-4o, hosting: external, region: us-east-1 }
            routes:
              chat:
                tags: [Team-A]
                allow_pinning: true
                tiers:
                  - { name: open, balance: latency, deployments: [llama-a, { deployment: llama-b, weight: 3 }] }
                  - { name: code, when: [code, sql], deployments: [coder, sql] }
                  - deployments: [gpt]
            """);

        var config = Assert.IsType<GatewayConfig>(result.Config, exactMatch: true);
        var route = Assert.Single(config.Routes);
        Assert.Equal<string>(["team-a"], route.Tags);
        Assert.True(route.AllowPinning);
        Assert.Equal(["open", "code", "3"], route.Tiers.Select(t => t.Name));
        Assert.Equal(BalanceStrategy.Latency, route.Tiers[0].Balance);
        Assert.Equal<TierMemberConfig>([new TierMemberConfig("llama-a", 1), new TierMemberConfig("llama-b", 3)], route.Tiers[0].Members);
        Assert.Equal<string>(["code", "sql"], route.Tiers[1].When);
        var sql = config.Deployments.Single(d => d.Name == "sql");
        Assert.Equal("llama-a", sql.Base);
        Assert.Equal("vllm", sql.Provider);
        Assert.Equal(2, config.Deployments[0].Retry.Attempts);
        Assert.NotNull(config.Deployments[0].HealthCheck);
        Assert.Equal(0.25, config.Deployments[1].CircuitBreaker.FailureRatio);
        Assert.Equal(TimeSpan.FromSeconds(5), config.Deployments.Single(d => d.Name == "coder").Timeouts.Stall);
        Assert.Equal("us-east-1", config.Deployments.Single(d => d.Name == "gpt").Region);
    }

    [Fact]
    public void Shorthand_IsOneTierPerDeployment()
    {
        var result = Parse("""
            deployments:
              a: { provider: vllm, model: a }
              b: { provider: vllm, model: b }
            routes:
              chat: { deployments: [a, b] }
            """);

        var tiers = result.Config!.Routes[0].EffectiveTiers();
        Assert.Equal(["1", "2"], tiers.Select(t => t.Name));
        Assert.Equal(["a", "b"], tiers.Select(t => t.Members.Single().Deployment));
    }

    [Fact]
    public void HedgeAfter_IsReadAsADuration()
    {
        var result = Parse("""
            deployments:
              a: { provider: vllm, model: a }
              b: { provider: vllm, model: b }
            routes:
              chat: { deployments: [a, b], hedge_after: 250ms }
              plain: { deployments: [a, b] }
            """);

        Assert.Equal(TimeSpan.FromMilliseconds(250), result.Config!.Routes[0].HedgeAfter);
        Assert.Null(result.Config.Routes[1].HedgeAfter);
    }

    [Theory]
    [InlineData("chat: { deployments: [a], tiers: [ { deployments: [b] } ] }", "switchyard.yaml:8:", "routes.chat.tiers: a route has either deployments")]
    [InlineData("chat: { tiers: [ { when: [code], deployments: [a] } ] }", "switchyard.yaml:8:", "every tier has a when rule")]
    [InlineData("chat: { tiers: [ { deployments: [a] }, { deployments: [a] } ] }", "switchyard.yaml:8:", "'a' is listed twice in this route")]
    [InlineData("chat: { tiers: [ { name: x, deployments: [a] }, { name: x, deployments: [b] } ] }", "switchyard.yaml:8:", "the tier name 'x' is used twice")]
    [InlineData("chat: { tiers: [ { balance: fastest, deployments: [a] } ] }", "switchyard.yaml:8:", "'fastest' is not valid.")]
    [InlineData("chat: { tiers: [ { deployments: [ { deployment: a, weight: 0 } ] } ] }", "switchyard.yaml:8:", "weight: must be between 1 and 1000000")]
    [InlineData("chat: { tiers: [ { deployments: [ { deployment: zz } ] } ] }", "switchyard.yaml:8:", "the deployment 'zz' is not defined")]
    [InlineData("chat: { tiers: [ { when: ['c d'], deployments: [a] }, { deployments: [b] } ] }", "switchyard.yaml:8:", "is not a valid label")]
    [InlineData("chat: { deployments: [a, b], hedge_after: soon }", "switchyard.yaml:8:", "routes.chat.hedge_after:")]
    [InlineData("chat: { deployments: [a, b], hedge_after: 0ms }", "switchyard.yaml:8:", "must be longer than zero")]
    [InlineData("chat: { deployments: [a], hedge_after: 200ms }", "switchyard.yaml:8:", "this route has only one deployment")]
    public void RouteMistakes_AreReportedWithTheirLine(string route, string position, string message)
    {
        var result = Parse($"""
            deployments:
              a: {"{"} provider: vllm, model: a {"}"}
              b: {"{"} provider: vllm, model: b {"}"}
            routes:
              {route}
            """);

        Assert.Null(result.Config);
        var errors = Errors(result);
        Assert.Contains(position, errors, StringComparison.Ordinal);
        Assert.Contains(message, errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x: { base: nope, model: m }", "the deployment 'nope' is not defined")]
    [InlineData("x: { base: x, model: m }", "cannot be its own base")]
    [InlineData("x: { base: y, model: m }\n  y: { base: a, model: m2 }", "is itself an adapter")]
    [InlineData("x: { base: a, model: m, max_concurrency: 4 }", "shares the concurrency slots of its base 'a'")]
    [InlineData("x: { base: a, model: m, provider: openai }", "is served by its base's provider 'vllm'")]
    [InlineData("x: { provider: vllm, model: m, retry: { attempts: 99 } }", "attempts: must be between 0 and 10")]
    [InlineData("x: { provider: vllm, model: m, retry: { backoff: 10s, max_backoff: 1s } }", "backoff (10s) is longer than max_backoff (1s)")]
    [InlineData("x: { provider: vllm, model: m, circuit_breaker: { failure_ratio: 1.5 } }", "expected a number above 0 and at most 1")]
    [InlineData("x: { provider: vllm, model: m, health_check: { interval: 1s, timeout: 5s } }", "timeout (5s) is longer than interval (1s)")]
    [InlineData("x: { provider: vllm, model: m, health_check: { intervall: 1s } }", "intervall")]
    public void DeploymentMistakes_AreReported(string deployment, string message)
    {
        var result = Parse($"""
            deployments:
              a: {"{"} provider: vllm, model: a {"}"}
              {deployment}
            routes:
              chat: {"{"} deployments: [a] {"}"}
            """);

        Assert.Null(result.Config);
        Assert.Contains(message, Errors(result), StringComparison.Ordinal);
    }
}
