using System.Diagnostics;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Diagnostics.Metrics;
using Switchyard.Gateway.Diagnostics.Tracing;
using Switchyard.Gateway.Routing;

namespace Switchyard.Gateway.Forwarding;

/// <summary>
/// Metrics and traces: the one place a finished request's <see cref="LogFields"/> become metric observations and its
/// server span's attributes (next to the request log's <see cref="Record"/>, from the same figures), and the spans of
/// the calls to deployments.
/// </summary>
internal sealed partial class RequestForwarder
{
    /// <summary>Records a finished request in the metrics and ends its server span.</summary>
    private void Observe(long start, LogFields log, Activity? trace)
    {
        var metrics = _runtime.Metrics;
        if (metrics is null && trace is null)
        {
            return;
        }

        // The same figures as the request log's entry (Record computes them when the log is on).
        var costs = log.FinalCosts ??= log.Costs();
        var (cost, extra, baseline) = (costs.Answer, costs.Extra, costs.Baseline);
        var error = log.Error?.Code ?? log.Error?.Type;
        var answered = log.Status is >= 200 and < 300;
        var escalatedFrom = log.Escalated ? log.EscalatedFrom : null;
        if (metrics is not null)
        {
            metrics.Observe(
                new RequestObservation
                {
                    Endpoint = log.Endpoint,
                    Route = log.Route,
                    Tier = log.Tier,
                    Deployment = log.Deployment,
                    Team = log.Team,
                    Status = log.Status,
                    Error = error,
                    ErrorType = log.Error?.Type,
                    ErrorCode = log.Error?.Code,
                    Seconds = _time.GetElapsedTime(start).TotalSeconds,
                    FirstTokenSeconds = log.Stream && log.FirstByte != 0 ? _time.GetElapsedTime(start, log.FirstByte).TotalSeconds : null,
                    InputTokens = log.Usage?.PromptTokens,
                    OutputTokens = log.Usage?.CompletionTokens,
                    CachedTokens = log.Usage?.CachedTokens ?? 0,
                    ReasoningTokens = log.Usage?.ReasoningTokens ?? 0,
                    Cost = cost,
                    ExtraCost = extra,
                    CostParts = costs.Parts,
                    BaselineCost = baseline,
                    Escalated = escalatedFrom is not null,
                    EscalatedBecause = escalatedFrom?.Verdict.Failed ?? default,
                    FallbackFrom = answered && log.Failures is { Count: > 0 } failures ? failures[0].Kind : null,
                },
                _runtime.Config);
            if (log.AttemptRecords is { } attempts)
            {
                foreach (var attempt in attempts)
                {
                    metrics.ObserveAttempt(attempt.Deployment, attempt.Outcome, attempt.Milliseconds);
                }
            }
        }

        if (trace is not null)
        {
            GatewayTracing.EndRequest(trace, new RequestSpan
            {
                Endpoint = log.Endpoint,
                Route = log.Route,
                Tier = log.Tier,
                Deployment = log.Deployment,
                ResponseModel = log.Deployment is { } deployment ? log.Table?.Find(deployment)?.Config.Model : null,
                Team = log.Team,
                Status = log.Status,
                Error = error,
                Stream = log.Stream,
                Attempts = log.Attempts,
                InputTokens = log.Usage?.PromptTokens,
                OutputTokens = log.Usage?.CompletionTokens,
                Escalated = escalatedFrom is not null,
                EscalatedFrom = escalatedFrom?.Deployment,
                QualityScore = log.Quality?.Score,
                FallbackReason = answered ? DescribeFallback(log.Failures) : null,
                Cost = cost,
                ExtraCost = extra,
                BaselineCost = baseline,
            });
        }
    }

    /// <summary>
    /// <see cref="AttemptAsync"/> inside a client span (the upstream gets its <c>traceparent</c>). PERF: without a
    /// listener it returns <see cref="AttemptAsync"/>'s own task: no extra async layer, closure or allocation when traces
    /// are off.
    /// </summary>
    private Task<AttemptResult> AttemptTracedAsync(
        Tier tier,
        HttpContext context,
        EndpointKind endpoint,
        Deployment deployment,
        ParsedRequest parsed,
        ReadOnlyMemory<byte> upstreamBody,
        string requestId,
        int attempt,
        LogFields log,
        HedgeLeg? leg,
        GatedRequest? gated)
        => GatewayTracing.Enabled
            ? TraceAttemptAsync(tier, context, endpoint, deployment, parsed, upstreamBody, requestId, attempt, log, leg, gated)
            : AttemptAsync(context, endpoint, deployment, tier.Name, parsed, upstreamBody, requestId, attempt, log, leg, gated);

    private async Task<AttemptResult> TraceAttemptAsync(
        Tier tier,
        HttpContext context,
        EndpointKind endpoint,
        Deployment deployment,
        ParsedRequest parsed,
        ReadOnlyMemory<byte> upstreamBody,
        string requestId,
        int attempt,
        LogFields log,
        HedgeLeg? leg,
        GatedRequest? gated)
    {
        using var span = GatewayTracing.StartCall(deployment, endpoint, tier.Name, attempt);
        var result = await AttemptAsync(context, endpoint, deployment, tier.Name, parsed, upstreamBody, requestId, attempt, log, leg, gated);
        if (span is not null)
        {
            var outcome = result.Failure is { } failure ? Fallback.FailureKinds.Describe(failure.Kind)
                : result.Held is { Verdict.Passed: false } ? "below_threshold"
                : "ok";
            var status = result.Failure?.UpstreamStatus ?? result.Status;
            GatewayTracing.EndCall(span, outcome, result.Failure is not null, status, result.Usage?.PromptTokens, result.Usage?.CompletionTokens, result.Held?.Verdict.Score);
        }

        return result;
    }

    /// <summary><see cref="CallForCheckAsync"/> inside a client span named for its <paramref name="check"/>; as is when traces are off.</summary>
    private Task<CheckCall> CallForCheckTracedAsync(QualityCheck check, HttpContext context, Deployment deployment, EndpointKind endpoint, byte[] request, TimeSpan timeout, string requestId)
        => GatewayTracing.Enabled
            ? TraceCheckAsync(check, context, deployment, endpoint, request, timeout, requestId)
            : CallForCheckAsync(context, deployment, endpoint, request, timeout, requestId);

    private async Task<CheckCall> TraceCheckAsync(QualityCheck check, HttpContext context, Deployment deployment, EndpointKind endpoint, byte[] request, TimeSpan timeout, string requestId)
    {
        var name = Quality.QualityFailuresNames.Name(check);
        using var span = GatewayTracing.StartCall(deployment, endpoint, tier: null, attempt: 0, check: name);
        var call = await CallForCheckAsync(context, deployment, endpoint, request, timeout, requestId);
        if (span is not null)
        {
            GatewayTracing.EndCall(span, call.Problem is null ? name : name + "_error", call.Problem is not null, call.Status, call.Usage?.PromptTokens, call.Usage?.CompletionTokens);
        }

        return call;
    }
}
