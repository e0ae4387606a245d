using Switchyard.Gateway.Quality;

namespace Switchyard.Gateway.Forwarding;

internal sealed partial class RequestForwarder
{
    /// <summary>Response header: the quality score of the answer the client got (<c>0.67</c>).</summary>
    public const string QualityScoreHeader = "x-switchyard-quality-score";

    /// <summary>Response header: the checks that answer failed (<c>refusal,truncated</c>), when any did.</summary>
    public const string QualityFailedHeader = "x-switchyard-quality-failed";

    /// <summary>Response header: <c>true</c> when the request escalated past a poor answer, else <c>false</c>.</summary>
    public const string EscalatedHeader = "x-switchyard-escalated";

    /// <summary>Response header: the answer that escalated (<c>llama-a; score=0.33; failed=refusal</c>).</summary>
    public const string EscalatedFromHeader = "x-switchyard-escalated-from";

    /// <summary>
    /// Whether the call to <paramref name="deployment"/> asks for logprobs the client did not: only for an answer the gate
    /// holds and checks logprobs of (<c>quality.logprobs.request</c>), and only of a self-hosted deployment that has not
    /// rejected them. External APIs are never asked: they may bill for them or refuse them.
    /// </summary>
    private static bool AsksLogprobs(GatedRequest? gated, in Api.ParsedRequest parsed, Routing.Deployment deployment)
        => gated is { RequestsLogprobs: true } && !parsed.ClientLogprobs && !deployment.IsExternal && !deployment.RefusesLogprobs;

    /// <summary>
    /// COMPAT: a self-hosted server built or started without logprobs support answers 400 (or a framework's 422) naming
    /// the parameter; the call is then made again without it rather than costing the client its answer.
    /// </summary>
    private static bool RejectsLogprobs(Fallback.UpstreamFailure failure)
        => failure.Kind == Fallback.UpstreamFailureKind.ClientError && failure.Detail.Contains("logprobs", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The cheap tier whose answers become outcome samples for the learned router: the plan's first tier, or none when the
    /// router itself sent the request ahead (the cheap tier never saw it, so its outcome is unknown).
    /// </summary>
    private static string? CheapTier(in RoutingDecision decision) => decision.Rule == "router" ? null : decision.Order[0].Name;

    /// <summary>
    /// Sends the held answer the request settled on, with the quality headers; records it as the request's answer. An
    /// answer of <paramref name="firstTier"/> may be kept as an outcome sample; <see langword="null"/>: none is.
    /// </summary>
    private Task WriteHeldAsync(HttpContext context, HeldAnswer answer, LogFields log, ReadOnlySpan<byte> body, ReadOnlySpan<byte> metadata, Routing.Route route, string? firstTier)
    {
        var response = context.Response;
        var headers = response.Headers;
        headers[DeploymentHeader] = answer.Deployment;
        headers[TierHeader] = answer.Tier;
        headers["x-switchyard-attempts"] = Count(log.Attempts);
        headers[QualityScoreHeader] = answer.Verdict.ScoreText;
        if (answer.Verdict.FailedNames is { } failed)
        {
            headers[QualityFailedHeader] = failed;
        }

        if (answer.JudgeSummary is { } judged)
        {
            headers[JudgeHeader] = judged;
        }

        // Escalated means another deployment was called after the poor answer, not merely that the gate wanted it.
        var escalated = log.EscalatedFrom is not null && log.Attempts > log.AttemptsAtEscalation;
        headers[EscalatedHeader] = escalated ? "true" : "false";
        if (escalated && log.EscalatedFrom is { } from)
        {
            headers[EscalatedFromHeader] = $"{from.Deployment}; score={from.Verdict.ScoreText}; failed={from.Verdict.FailedNames ?? "none"}";
        }

        if (DescribeFallback(log.Failures) is { } reason)
        {
            headers[FallbackReasonHeader] = reason;
        }

        log.Deployment = answer.Deployment;
        log.Tier = answer.Tier;
        log.Usage = answer.Usage;
        log.Status = StatusCodes.Status200OK;
        log.Quality = answer.Verdict;
        log.Escalated = escalated;
        log.Sent = answer;
        if (log.Costs() is { Answer: not null } costs)
        {
            // Everything this request cost: the answer, and any poor answers, check calls and failed calls before it.
            headers[CostHeader] = FormatCost(costs.Total);
            if (costs.Estimated)
            {
                headers[CostEstimatedHeader] = "true";
            }
        }

        var quality = route.Quality!.Config;
        if (escalated && quality.RecordEscalations)
        {
            // The escalation record needs the prompt; the pooled body is gone by the time the request is recorded.
            log.EscalationRequest = System.Text.Encoding.UTF8.GetString(body);
            log.Tags = RouterTags.Of(context, metadata, route);
        }
        else if (!escalated && quality.RecordEscalations && firstTier is not null && answer.Tier == firstTier
            && (!answer.Verdict.Passed || (quality.SamplePassed > 0 && _random.NextDouble() < quality.SamplePassed)))
        {
            // An outcome of the first tier for the learned router: every poor answer that had nowhere to go, and a sample
            // of the good ones (the escalations are the rest).
            log.SamplePrompt = RouterPrompt.Of(body, log.Endpoint);
            log.Tags = RouterTags.Of(context, metadata, route);
        }

        log.Finished = true;
        response.StatusCode = StatusCodes.Status200OK;
        var bytes = answer.ClientBody();
        if (answer.Stream)
        {
            response.ContentType = "text/event-stream";
            headers.CacheControl = "no-cache";
            headers["X-Accel-Buffering"] = "no";
        }
        else
        {
            response.ContentType = "application/json";
            response.ContentLength = bytes.Length;
            // Only an answer that passed the gate is served again from the cache; it is stored before it is sent.
            if (answer.Verdict.Passed && StoreBeforeSendingAsync(log, bytes, answer.Deployment, answer.Tier, answer.Usage.GetValueOrDefault()) is { IsCompletedSuccessfully: false } storing)
            {
                return SendAfterStoringAsync(storing, response, bytes, log, context.RequestAborted);
            }
        }

        log.FirstByte = _time.GetTimestamp();
        return response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    /// <summary>Sends a held answer once the cache has it (a store that is not done at once: Redis, one round trip).</summary>
    private async Task SendAfterStoringAsync(ValueTask storing, HttpResponse response, ReadOnlyMemory<byte> bytes, LogFields log, CancellationToken cancellationToken)
    {
        await storing;
        log.FirstByte = _time.GetTimestamp();
        await response.Body.WriteAsync(bytes, cancellationToken);
    }
}
