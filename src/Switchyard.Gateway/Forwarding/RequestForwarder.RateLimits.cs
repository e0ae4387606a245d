using System.Globalization;
using Microsoft.AspNetCore.Http;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Economics.Budgets;
using Switchyard.Storage.Keys;

namespace Switchyard.Gateway.Forwarding;

/// <summary>
/// A key's and its team's requests and tokens per minute and requests in flight, with the headers OpenAI clients read
/// (<c>x-ratelimit-*</c>: for the limit that refused a request; for an admitted one, the key's own limits, or the team's
/// when the key has none).
/// </summary>
internal sealed partial class RequestForwarder
{
    /// <summary>
    /// Says on the response that limits were decided without the shared counters (<c>limits: redis</c> with Redis
    /// unreachable): served on this instance's own counts, or refused.
    /// </summary>
    public const string LimitsHeader = "x-switchyard-limits";

    /// <summary>
    /// Counts the request against its key's and team's limits; the error when it may not go on. <paramref name="budgets"/>:
    /// the budgets it will reserve, asked at the same time where that saves a round trip (their answer waits in the ticket).
    /// </summary>
    private async ValueTask<ApiError?> LimitRateAsync(HttpContext context, ApiKeyRecord key, TeamConfig? team, ParsedRequest parsed, EndpointKind endpoint, string requestId, Limits.BudgetTicket? budgets, LogFields log)
    {
        var keyLimit = new KeyRateLimiter.Limit(key.Id, key.RequestsPerMinute, key.TokensPerMinute, key.MaxConcurrency);
        var teamLimit = team is null ? default : new KeyRateLimiter.Limit("team:" + team.Name, team.RequestsPerMinute, team.TokensPerMinute, team.MaxConcurrency);
        var keyLimited = keyLimit.HasRates || key.MaxConcurrency is not null;
        var teamLimited = team is not null && (teamLimit.HasRates || team.MaxConcurrency is not null);
        if (!keyLimited && !teamLimited)
        {
            return null;
        }

        KeyRateLimiter.Limit[] limits = keyLimited && teamLimited ? [keyLimit, teamLimit] : keyLimited ? [keyLimit] : [teamLimit];
        var estimate = (long)parsed.EstimatedPromptTokens + (endpoint == EndpointKind.Embeddings ? 0 : parsed.MaxTokens ?? BudgetBook.DefaultOutputTokens);
        var ticket = new Limits.RateTicket(limits, estimate, requestId);
        var outcome = budgets is null ? await _runtime.Limits.AcquireAsync(ticket) : await _runtime.Limits.AcquireAsync(ticket, budgets, _time.GetUtcNow());
        if (budgets?.Early is { Admission: Admission.Admitted })
        {
            // Reserved already: settled in the end whether or not the request reaches its budgets' turn.
            log.Budgets = budgets;
        }

        if (outcome.Degraded)
        {
            context.Response.Headers[LimitsHeader] = "degraded";
            _runtime.Metrics?.LimitsDegraded(outcome.Unavailable);
        }

        if (outcome.Unavailable)
        {
            return LimitsUnavailable(context, "rate limits");
        }

        var decisions = ticket.Decisions;
        var refused = outcome.Refused;
        if (refused < 0)
        {
            // The headers describe the key's own limits, or its team's when the key has none.
            var shown = limits[0].HasRates || limits.Length == 1 ? 0 : 1;
            if (limits[shown].HasRates)
            {
                WriteRateHeaders(context.Response.Headers, limits[shown].Rpm, limits[shown].Tpm, decisions[shown]);
            }

            log.RateLimited = ticket;
            return null;
        }

        // Refused: the headers and the message describe the limit that refused, not another one that let it pass.
        var (limit, decision) = (limits[refused], decisions[refused]);
        _runtime.Metrics?.RateLimitRejected(decision.Exceeded, key.Team, _runtime.Config);
        var who = keyLimited && refused == 0 ? $"key {key.Id}" : $"team {team!.Name}";
        WriteRateHeaders(context.Response.Headers, limit.Rpm, limit.Tpm, decision);
        var seconds = Math.Max(1, (int)Math.Ceiling(decision.Reset.TotalSeconds));
        if (decision.Exceeded == "too_large")
        {
            // COMPAT: OpenAI's answer to a request larger than the TPM limit (429, type tokens). Retrying cannot help, so no
            // Retry-After, and x-should-retry: false, which OpenAI's SDKs read before retrying a 429.
            context.Response.Headers["x-should-retry"] = "false";
            return new ApiError(StatusCodes.Status429TooManyRequests, "tokens",
                string.Create(CultureInfo.InvariantCulture, $"Request too large for {who} on tokens per min (TPM): Limit {limit.Tpm}, Requested {estimate}. The input or output tokens must be reduced in order to run successfully: lower max_tokens (the estimate is the prompt plus max_tokens, {BudgetBook.DefaultOutputTokens:N0} without it) or shorten the prompt."),
                null, "rate_limit_exceeded");
        }

        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var message = decision.Exceeded switch
        {
            "requests" => string.Create(CultureInfo.InvariantCulture, $"Rate limit reached for {who} on requests per min (RPM): Limit {limit.Rpm}. Please try again in {seconds}s."),
            "tokens" => string.Create(CultureInfo.InvariantCulture, $"Rate limit reached for {who} on tokens per min (TPM): Limit {limit.Tpm}, Remaining {decision.RemainingTokens}, Requested up to {estimate}. Please try again in {seconds}s, or lower max_tokens."),
            _ => string.Create(CultureInfo.InvariantCulture, $"Too many requests in flight for {who}: at most {limit.MaxConcurrency} at once. Wait for one to finish."),
        };
        return new ApiError(StatusCodes.Status429TooManyRequests, decision.Exceeded == "concurrency" ? "requests" : decision.Exceeded!, message, null, "rate_limit_exceeded");
    }

    private static void WriteRateHeaders(IHeaderDictionary headers, int? rpm, int? tpm, in KeyRateLimiter.Decision decision)
    {
        if (rpm is null && tpm is null)
        {
            return;
        }

        var reset = string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0.001, decision.Reset.TotalSeconds):0.###}s");
        if (rpm is { } requests)
        {
            headers["x-ratelimit-limit-requests"] = requests.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-requests"] = Math.Max(0, decision.RemainingRequests ?? 0).ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-requests"] = reset;
        }

        if (tpm is { } tokens)
        {
            headers["x-ratelimit-limit-tokens"] = tokens.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-tokens"] = (decision.RemainingTokens ?? 0).ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-tokens"] = reset;
        }
    }

    /// <summary>The 503 of <c>limits: { kind: redis, on_failure: closed }</c> while Redis cannot be reached.</summary>
    private ApiError LimitsUnavailable(HttpContext context, string what)
    {
        context.Response.Headers.RetryAfter = "1";
        var where = _runtime.Config.Limits.Redis?.ToString() ?? "Redis";
        return new ApiError(StatusCodes.Status503ServiceUnavailable, ApiError.ServerErrorType,
            $"The gateway cannot check {what} now: the shared limits store ({where}) is unreachable, and limits.on_failure is closed, so requests are refused until it answers again. Retry in a moment; operators: see switchyard_limits_store_up in /metrics.",
            null, "limits_unavailable");
    }

    /// <summary>
    /// Replaces the request's token estimates with the tokens it used and gives back its places in flight, and replaces its
    /// budget reservations with what it cost (the answer and everything spent on the way): with limits in Redis, one call.
    /// </summary>
    private ValueTask SettleLimitsAsync(LogFields log)
    {
        var (rate, budgets) = (log.RateLimited, log.Budgets);
        if (rate is null && budgets is null)
        {
            return ValueTask.CompletedTask;
        }

        // A cached answer spent no tokens upstream: its reservation is given back whole.
        var used = log.Usage is { } usage && log.Status is >= 200 and < 300 && !log.CacheHit ? usage.PromptTokens + usage.CompletionTokens : 0;
        var actual = budgets is null ? 0 : (log.FinalCosts ?? log.Costs()).Total;
        return _runtime.Limits.SettleAsync(rate, used, budgets, actual, _time.GetUtcNow(), _announce ??= Announce);
    }
}
