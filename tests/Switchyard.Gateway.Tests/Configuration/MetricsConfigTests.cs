using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Tests.Configuration;

/// <summary><c>metrics:</c> in <c>switchyard.yaml</c>: read, defaulted, and every mistake reported with file, line and key.</summary>
public sealed class MetricsConfigTests
{
    private const string Tail = """
        server: { listen: "http://127.0.0.1:8080" }
        providers:
          vllm: { kind: openai, base_url: http://localhost:8000/v1 }
        deployments:
          llama: { provider: vllm, model: llama }
        routes:
          chat: { deployments: [llama] }
        """;

    private static ConfigLoadResult Parse(string section) => ConfigLoader.Parse(section + "\n" + Tail, "switchyard.yaml", _ => null);

    private static GatewayConfig Config(string section)
    {
        var result = Parse(section);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Config!;
    }

    [Fact]
    public void NoSection_ServesSlashMetricsOnTheMainListener_WithAKeyOnlyWhenKeysAreRequired()
    {
        var open = Config("");
        Assert.Equal(new MetricsConfig(), open.Metrics);
        Assert.True(open.Metrics.Enabled);
        Assert.Equal("/metrics", open.Metrics.Path);
        Assert.Null(open.Metrics.Listen);
        Assert.False(open.Metrics.KeyRequired(open.Auth));

        var keyed = Config("auth: { keys: required }");
        Assert.True(keyed.Metrics.KeyRequired(keyed.Auth));
    }

    [Fact]
    public void FullSection_IsRead_AndASeparateListenerNeedsNoKeyUnlessAsked()
    {
        var config = Config("auth: { keys: required }\nmetrics: { enabled: true, path: /internal/prometheus, listen: \"http://127.0.0.1:9464\" }");
        Assert.Equal(new MetricsConfig { Path = "/internal/prometheus", Listen = "http://127.0.0.1:9464" }, config.Metrics);
        Assert.False(config.Metrics.KeyRequired(config.Auth));

        var asked = Config("auth: { keys: off }\nmetrics: { require_key: true }");
        Assert.True(asked.Metrics.KeyRequired(asked.Auth));
        var waived = Config("auth: { keys: required }\nmetrics: { require_key: false }");
        Assert.False(waived.Metrics.KeyRequired(waived.Auth));
        Assert.False(Config("metrics: { enabled: false }").Metrics.Enabled);
        Assert.Equal(new MetricsConfig(), Config("metrics:").Metrics);
    }

    [Theory]
    [InlineData("metrics: { path: metrics }", "metrics.path", "must start with '/'")]
    [InlineData("metrics: { path: / }", "metrics.path", "must start with '/'")]
    [InlineData("metrics: { path: /v1/metrics }", "metrics.path", "reserved")]
    [InlineData("metrics: { path: /ADMIN }", "metrics.path", "reserved")]
    [InlineData("metrics: { path: /healthz }", "metrics.path", "reserved")]
    [InlineData("metrics: { path: \"/metrics?x=1\" }", "metrics.path", "'?'")]
    [InlineData("metrics: { path: [a] }", "metrics.path", "expected a path such as /metrics")]
    [InlineData("metrics: { listen: \"https://127.0.0.1:9464\" }", "metrics.listen", "plain HTTP")]
    [InlineData("metrics: { listen: \"http://127.0.0.1\" }", "metrics.listen", "has no port")]
    [InlineData("metrics: { listen: \"http://127.0.0.1:8080\" }", "metrics.listen", "server.listen already uses")]
    [InlineData("metrics: { listen: \"http://127.0.0.1:1;http://127.0.0.1:2\" }", "metrics.listen", "several URLs")]
    [InlineData("metrics: { require_key: maybe }", "metrics.require_key", "true or false")]
    [InlineData("metrics: { enabled: yes please }", "metrics.enabled", "true or false")]
    [InlineData("metrics: { pathh: /metrics }", "metrics.pathh", "Did you mean 'path'")]
    [InlineData("metrics: [ /metrics ]", "metrics", "expected a mapping")]
    public void Mistake_IsReportedWithFileLineAndKey(string section, string key, string message)
    {
        var result = Parse(section);
        var error = Assert.Single(result.Errors);
        Assert.Equal("switchyard.yaml", error.File);
        Assert.Equal(1, error.Line);
        Assert.Equal(key, error.Key);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
