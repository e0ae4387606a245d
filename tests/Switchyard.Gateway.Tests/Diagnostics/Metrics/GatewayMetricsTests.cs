using Switchyard.Gateway.Api;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Diagnostics.Metrics;
using Switchyard.Gateway.Fallback;
using Switchyard.Gateway.Quality;
using Switchyard.Gateway.Tests.Support;

namespace Switchyard.Gateway.Tests.Diagnostics.Metrics;

/// <summary>Recording: what a request becomes in the series, which labels it may create, and what it costs.</summary>
public sealed class GatewayMetricsTests
{
    private static readonly GatewayConfig Config = ConfigLoader.Parse("""
        providers: { vllm: { kind: openai, base_url: "http://127.0.0.1:9/v1" } }
        deployments: { llama: { provider: vllm, model: llama }, gpt: { provider: vllm, model: gpt, hosting: external } }
        routes: { chat: { deployments: [llama, gpt] } }
        registry: { enforce: off }
        teams: { search: { rpm: 10 } }
        """, "metrics.yaml", _ => null).Config!;

    private static readonly RequestObservation Answered = new()
    {
        Endpoint = EndpointKind.ChatCompletions,
        Route = "chat",
        Tier = "2",
        Deployment = "gpt",
        Team = "search",
        Status = 200,
        Seconds = 0.42,
        FirstTokenSeconds = 0.1,
        InputTokens = 120,
        OutputTokens = 30,
        Cost = 0.00123,
        ExtraCost = 0.0001,
        BaselineCost = 0.002,
        Escalated = true,
        EscalatedBecause = QualityFailures.Refusal | QualityFailures.Truncated,
        FallbackFrom = UpstreamFailureKind.ServerError,
    };

    [Fact]
    public void Observe_OnceTheSeriesExist_AllocatesNothing()
    {
        var metrics = new GatewayMetrics(TimeProvider.System);
        var allocated = Allocations.Steady(() =>
        {
            metrics.Observe(Answered, Config);
            metrics.ObserveAttempt("llama", "server_error", 12.5);
            metrics.ObserveAttempt("llama", "skipped:circuit_open", 0);
            metrics.ObserveAttempt("gpt", "ok", 400);
            metrics.RateLimitRejected("tokens", "search", Config);
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Observe_Request_LandsInEachFamilyWithItsLabels()
    {
        var metrics = new GatewayMetrics(TimeProvider.System);
        metrics.Observe(Answered, Config);
        metrics.Observe(Answered with { Team = "someone-else", Escalated = false, FallbackFrom = null }, Config);
        metrics.Observe(new RequestObservation { Endpoint = EndpointKind.Embeddings, Status = 404, Error = "model_not_found", ErrorCode = "model_not_found", Seconds = 0.001 }, Config);
        metrics.Observe(new RequestObservation { Route = "chat", Team = "search", Status = 429, Error = "budget_exceeded", ErrorType = "insufficient_quota", ErrorCode = "budget_exceeded", Seconds = 0.001 }, Config);

        var page = Scrape(metrics);

        Assert.Equal(2, page.Sum("switchyard_requests_total", ("route", "chat"), ("tier", "2"), ("deployment", "gpt"), ("endpoint", "chat.completions"), ("outcome", "ok"), ("status_class", "2xx")));
        Assert.Equal(1, page.Sum("switchyard_requests_total", ("route", "none"), ("deployment", "none"), ("endpoint", "embeddings"), ("outcome", "client_error"), ("status_class", "4xx")));
        Assert.Equal(1, page.Sum("switchyard_request_errors_total", ("route", "none"), ("error", "model_not_found")));
        Assert.Equal(1, page.Sum("switchyard_requests_total", ("route", "chat"), ("tier", "none"), ("outcome", "budget_exceeded"), ("status_class", "4xx")));
        Assert.Equal(240, page.Sum("switchyard_tokens_total", ("route", "chat"), ("type", "input")));
        Assert.Equal(0.00123, page.Sum("switchyard_cost_usd_total", ("team", "search"), ("kind", "answer")), 12);
        // A team the configuration does not declare is not a label value of its own.
        Assert.Equal(0.00123, page.Sum("switchyard_cost_usd_total", ("team", "other"), ("kind", "answer")), 12);
        Assert.Equal(0.004, page.Sum("switchyard_baseline_cost_usd_total", ("route", "chat")), 12);
        // Refusal and truncated failed: the reason is the first in check order (empty, truncated, refusal, ...).
        Assert.Equal(1, page.Sum("switchyard_escalations_total", ("route", "chat"), ("reason", "truncated")));
        Assert.Equal(1, page.Sum("switchyard_fallbacks_total", ("route", "chat"), ("reason", "server_error")));
        Assert.Equal(1, page.Sum("switchyard_limit_rejections_total", ("kind", "budget"), ("team", "search")));
        Assert.Equal(2, page.Sum("switchyard_time_to_first_token_seconds_count", ("route", "chat")));
        Assert.Equal(4, page.Sum("switchyard_request_duration_seconds_count"));
    }

    [Fact]
    public void ObserveAttempt_CallsAndSkips_AndWordsOutsideTheTablesFoldIntoOther()
    {
        var metrics = new GatewayMetrics(TimeProvider.System);
        metrics.ObserveAttempt("llama", "timeout", 30_000);
        metrics.ObserveAttempt("llama", "skipped:circuit_open", 0);
        metrics.ObserveAttempt("llama", "judge_skipped:budget", 0);
        metrics.ObserveAttempt("llama", "something_new", 5);
        metrics.ObserveAttempt("llama", "skipped:something_new", 0);
        metrics.RateLimitRejected("requests", "unknown-team", Config);
        metrics.RateLimitRejected("concurrency", null, Config);

        var page = Scrape(metrics);

        Assert.Equal(1, page.Sum("switchyard_upstream_attempt_duration_seconds_bucket", ("deployment", "llama"), ("outcome", "timeout"), ("le", "30")));
        Assert.Equal(0, page.Sum("switchyard_upstream_attempt_duration_seconds_bucket", ("deployment", "llama"), ("outcome", "timeout"), ("le", "20")));
        Assert.Equal(1, page.Sum("switchyard_upstream_attempt_duration_seconds_count", ("outcome", "other")));
        Assert.Equal(1, page.Sum("switchyard_upstream_skips_total", ("reason", "circuit_open")));
        Assert.Equal(1, page.Sum("switchyard_upstream_skips_total", ("reason", "check_budget")));
        Assert.Equal(1, page.Sum("switchyard_upstream_skips_total", ("reason", "other")));
        Assert.Equal(1, page.Sum("switchyard_limit_rejections_total", ("kind", "rpm"), ("team", "other")));
        Assert.Equal(1, page.Sum("switchyard_limit_rejections_total", ("kind", "concurrency"), ("team", "none")));
    }

    [Theory]
    [InlineData(200, null, null, "ok")]
    [InlineData(400, ApiError.InvalidRequest, "invalid_value", "client_error")]
    [InlineData(401, ApiError.InvalidRequest, "invalid_api_key", "auth_error")]
    [InlineData(403, ApiError.InvalidRequest, "route_not_allowed", "forbidden")]
    [InlineData(429, "requests", "rate_limit_exceeded", "rate_limited")]
    [InlineData(429, "tokens", "rate_limit_exceeded", "rate_limited")]
    [InlineData(429, "insufficient_quota", "budget_exceeded", "budget_exceeded")]
    [InlineData(429, ApiError.RateLimitType, "rate_limit_exceeded", "upstream_rate_limited")]
    [InlineData(499, null, null, "client_closed")]
    [InlineData(500, ApiError.ServerErrorType, "internal_error", "internal_error")]
    [InlineData(502, ApiError.UpstreamErrorType, "upstream_error", "upstream_error")]
    [InlineData(502, ApiError.UpstreamErrorType, "stream_interrupted", "upstream_error")]
    [InlineData(503, ApiError.ServerErrorType, "deployments_saturated", "unavailable")]
    [InlineData(504, ApiError.UpstreamErrorType, "upstream_timeout", "upstream_timeout")]
    [InlineData(0, null, null, "other")]
    public void Outcome_NamesHowARequestEnded(int status, string? type, string? code, string outcome)
        => Assert.Equal(outcome, MetricLabels.Outcomes[MetricLabels.Outcome(status, type, code)]);

    [Fact]
    public void Labels_EveryFixedValueIsAValidLabelValue_AndTablesHaveNoDuplicates()
    {
        foreach (var table in new[] { MetricLabels.Outcomes, MetricLabels.StatusClasses, MetricLabels.Endpoints, MetricLabels.Errors, MetricLabels.AttemptOutcomes, MetricLabels.SkipReasons, MetricLabels.FallbackReasons, MetricLabels.EscalationReasons, MetricLabels.LimitKinds, MetricLabels.TokenTypes })
        {
            Assert.Equal(table.Length, table.Distinct(StringComparer.Ordinal).Count());
            Assert.All(table, value => Assert.Matches("^[a-z0-9_.]+$", value));
        }
    }

    [Fact]
    public void Readme_MetricsTable_ListsEveryFamilyThePageAnnounces_AndNoOther()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Switchyard.slnx")))
        {
            root = root.Parent;
        }

        var readme = File.ReadAllLines(Path.Combine(root!.FullName, "README.md"));
        var documented = readme
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, @"^\| `([a-z_:]+)` \| (counter|gauge|histogram) \|"))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var served = Scrape(new GatewayMetrics(TimeProvider.System)).Families;

        Assert.Equal(served.Keys.Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
        Assert.All(served.Values, family => Assert.Equal(family.Type, documented[family.Name]));
    }

    private static PrometheusText Scrape(GatewayMetrics metrics)
    {
        using var runtime = new Internal.GatewayRuntime(Config, null, TimeProvider.System);
        return PrometheusText.Parse(MetricsExposition.Write(metrics, runtime, 0).ToUtf8());
    }
}
