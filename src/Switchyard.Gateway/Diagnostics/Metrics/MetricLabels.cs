using System.Collections.Frozen;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Fallback;

namespace Switchyard.Gateway.Diagnostics.Metrics;

/// <summary>
/// The fixed label values of the metrics, and the functions that map what a request did onto them. Every value a label
/// can take is in one of these tables or is a name the configuration declares; anything else folds into <see cref="Other"/>,
/// so no client input can create a series.
/// </summary>
internal static class MetricLabels
{
    /// <summary>The value for something outside the fixed set (an error code the table does not know, a team not configured).</summary>
    public const string Other = "other";

    /// <summary>The value for "not reached": a request that failed before a route, tier or deployment was chosen; no team.</summary>
    public const string None = "none";

    /// <summary>How a request ended, for <c>switchyard_requests_total{outcome}</c>.</summary>
    public static readonly string[] Outcomes =
    [
        "ok", "client_error", "auth_error", "forbidden", "rate_limited", "budget_exceeded", "upstream_rate_limited",
        "upstream_error", "upstream_timeout", "unavailable", "client_closed", "internal_error", Other,
    ];

    /// <summary>The status class, for <c>switchyard_requests_total{status_class}</c>.</summary>
    public static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx", Other];

    /// <summary>The endpoints as the request log names them (<c>chat.completions</c>), by <see cref="EndpointKind"/>.</summary>
    public static readonly string[] Endpoints = [.. Enum.GetValues<EndpointKind>().Select(EndpointName)];

    /// <summary>
    /// Error codes the gateway itself answers with (and OpenAI's error types, for errors without a code), for
    /// <c>switchyard_request_errors_total{error}</c>.
    /// </summary>
    public static readonly string[] Errors =
    [
        "bad_request_body", "budget_exceeded", "confidential_no_internal_deployment", "context_length_exceeded",
        "deployments_saturated", "internal_error", "invalid_api_key", "invalid_header", "invalid_type", "invalid_value",
        "method_not_allowed", "missing_api_key", "missing_required_parameter", "model_not_found", "permission_denied",
        "pinning_not_allowed", "rate_limit_exceeded", "request_too_large", "route_not_allowed", "stream_interrupted",
        "unknown_deployment", "unknown_tier", "upstream_error", "upstream_rejected_request", "upstream_timeout",
        ApiError.InvalidRequest, ApiError.ServerErrorType, ApiError.RateLimitType, "permission_error", "insufficient_quota",
        "tokens", "requests", Other,
    ];

    /// <summary>What one call to a deployment came to, for <c>switchyard_upstream_attempt_duration_seconds{outcome}</c>.</summary>
    public static readonly string[] AttemptOutcomes =
    [
        "ok", "below_threshold", "hedge_lost", "logprobs_rejected", "connect", "timeout", "rate_limited", "server_error",
        "rejected", "client_error", "context_length", "broken_response", "client_gone", "judge", "judge_error",
        "agreement", "agreement_error", Other,
    ];

    /// <summary>Why a deployment was passed over without a call, for <c>switchyard_upstream_skips_total{reason}</c>.</summary>
    public static readonly string[] SkipReasons =
    [
        "circuit_open", "unhealthy", "saturated", "withdrawn", "external", "context_window", "check_confidential", "check_budget", Other,
    ];

    /// <summary>Why a request fell back: the kind of its first failure (<see cref="FailureKinds"/>), for <c>switchyard_fallbacks_total{reason}</c>.</summary>
    public static readonly string[] FallbackReasons = [.. Enum.GetValues<UpstreamFailureKind>().Select(FailureKinds.Describe).Distinct(), Other];

    /// <summary>The quality checks by their configuration names, for <c>switchyard_escalations_total{reason}</c>.</summary>
    public static readonly string[] EscalationReasons = [.. Enum.GetValues<Configuration.QualityCheck>().Select(Quality.QualityFailuresNames.Name), Other];

    /// <summary>The limits that refuse requests before any upstream call, for <c>switchyard_limit_rejections_total{kind}</c>.</summary>
    public static readonly string[] LimitKinds = ["rpm", "tpm", "concurrency", "budget"];

    /// <summary>The index of <c>budget</c> in <see cref="LimitKinds"/>.</summary>
    public const int LimitBudget = 3;

    /// <summary>Token kinds, for <c>switchyard_tokens_total{type}</c>.</summary>
    public static readonly string[] TokenTypes = ["input", "output", "cached_input", "reasoning"];

    /// <summary>The request log's name of an endpoint.</summary>
    public static string EndpointName(EndpointKind endpoint) => endpoint switch
    {
        EndpointKind.ChatCompletions => "chat.completions",
        EndpointKind.Completions => "completions",
        EndpointKind.Embeddings => "embeddings",
        // An endpoint added later gets its enum name until it is given one here.
        _ => endpoint.ToString().ToLowerInvariant(),
    };

    /// <summary>The index in <see cref="Outcomes"/> of a request that ended with <paramref name="status"/> and that error.</summary>
    public static int Outcome(int status, string? errorType, string? errorCode) => status switch
    {
        >= 200 and < 300 => OutcomeOk,
        StatusCodes.Status499ClientClosedRequest => OutcomeClientClosed,
        StatusCodes.Status401Unauthorized => OutcomeAuthError,
        StatusCodes.Status403Forbidden => OutcomeForbidden,
        // The gateway's own limiter answers with OpenAI's types (requests, tokens); a budget with its code; every
        // deployment rate limited with the upstream type (FailureMapper).
        StatusCodes.Status429TooManyRequests when errorCode == "budget_exceeded" => OutcomeBudgetExceeded,
        StatusCodes.Status429TooManyRequests when errorType == ApiError.RateLimitType => OutcomeUpstreamRateLimited,
        StatusCodes.Status429TooManyRequests => OutcomeRateLimited,
        >= 400 and < 500 => OutcomeClientError,
        StatusCodes.Status500InternalServerError when errorCode == "internal_error" => OutcomeInternalError,
        StatusCodes.Status504GatewayTimeout => OutcomeUpstreamTimeout,
        StatusCodes.Status503ServiceUnavailable when errorCode == "deployments_saturated" => OutcomeUnavailable,
        >= 500 and < 600 => OutcomeUpstreamError,
        _ => Outcomes.Length - 1,
    };

    public static readonly int OutcomeOk = Array.IndexOf(Outcomes, "ok");
    private static readonly int OutcomeClientError = Array.IndexOf(Outcomes, "client_error");
    private static readonly int OutcomeAuthError = Array.IndexOf(Outcomes, "auth_error");
    private static readonly int OutcomeForbidden = Array.IndexOf(Outcomes, "forbidden");
    private static readonly int OutcomeRateLimited = Array.IndexOf(Outcomes, "rate_limited");
    public static readonly int OutcomeBudgetExceeded = Array.IndexOf(Outcomes, "budget_exceeded");
    private static readonly int OutcomeUpstreamRateLimited = Array.IndexOf(Outcomes, "upstream_rate_limited");
    private static readonly int OutcomeUpstreamError = Array.IndexOf(Outcomes, "upstream_error");
    private static readonly int OutcomeUpstreamTimeout = Array.IndexOf(Outcomes, "upstream_timeout");
    private static readonly int OutcomeUnavailable = Array.IndexOf(Outcomes, "unavailable");
    private static readonly int OutcomeClientClosed = Array.IndexOf(Outcomes, "client_closed");
    private static readonly int OutcomeInternalError = Array.IndexOf(Outcomes, "internal_error");

    /// <summary>The index of <paramref name="status"/>'s class in <see cref="StatusClasses"/>.</summary>
    public static int StatusClass(int status) => status is >= 100 and < 600 ? (status / 100) - 1 : StatusClasses.Length - 1;

    /// <summary>The index of the request log's error type (code, else type) in <see cref="Errors"/>.</summary>
    public static int Error(string error) => ErrorIndex.TryGetValue(error, out var index) ? index : Errors.Length - 1;

    /// <summary>
    /// Classifies an attempt record's outcome: a call (<paramref name="index"/> in <see cref="AttemptOutcomes"/>, returns
    /// true) or a deployment passed over without a call (<paramref name="index"/> in <see cref="SkipReasons"/>, returns false).
    /// </summary>
    public static bool IsCall(string outcome, out int index)
    {
        if (AttemptIndex.TryGetValue(outcome, out index))
        {
            return true;
        }

        if (SkipIndex.TryGetValue(outcome, out index))
        {
            return false;
        }

        var skipped = outcome.StartsWith("skipped:", StringComparison.Ordinal) || outcome.Contains("_skipped:", StringComparison.Ordinal);
        index = skipped ? SkipReasons.Length - 1 : AttemptOutcomes.Length - 1;
        return !skipped;
    }

    // PERF: one frozen-dictionary lookup per attempt instead of a scan of the table.
    private static readonly FrozenDictionary<string, int> ErrorIndex = Errors[..^1].Select((e, i) => (e, i)).ToFrozenDictionary(p => p.e, p => p.i, StringComparer.Ordinal);
    private static readonly FrozenDictionary<string, int> AttemptIndex = AttemptOutcomes[..^1].Select((e, i) => (e, i)).ToFrozenDictionary(p => p.e, p => p.i, StringComparer.Ordinal);
    private static readonly FrozenDictionary<string, int> SkipIndex = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["skipped:circuit_open"] = 0,
        ["skipped:unhealthy"] = 1,
        ["skipped:saturated"] = 2,
        ["skipped:withdrawn"] = 3,
        ["skipped:external"] = 4,
        ["skipped:context_window"] = 5,
        ["judge_skipped:confidential"] = 6,
        ["agreement_skipped:confidential"] = 6,
        ["judge_skipped:budget"] = 7,
        ["agreement_skipped:budget"] = 7,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The index of <paramref name="kind"/>'s name in <see cref="FallbackReasons"/>.</summary>
    public static int FallbackReason(UpstreamFailureKind kind) => Math.Max(0, Array.IndexOf(FallbackReasons, FailureKinds.Describe(kind)));

    /// <summary>The index in <see cref="LimitKinds"/> of what the rate limiter said was exceeded.</summary>
    public static int LimitKind(string? exceeded) => exceeded switch
    {
        "requests" => 0,
        "tokens" or "too_large" => 1,
        _ => 2,
    };

    /// <summary>The first failed check of <paramref name="failed"/>, in check order, as an index in <see cref="EscalationReasons"/>.</summary>
    public static int EscalationReason(Quality.QualityFailures failed)
    {
        var bits = (uint)failed;
        return bits == 0 ? EscalationReasons.Length - 1 : Math.Min(System.Numerics.BitOperations.TrailingZeroCount(bits), EscalationReasons.Length - 1);
    }

}
