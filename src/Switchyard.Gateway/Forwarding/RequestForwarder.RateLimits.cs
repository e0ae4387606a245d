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
    /// <summary>Counts the request against its key's and team's limits; the error when it may not go on.</summary>
    private ApiError? LimitRate(HttpContext context, ApiKeyRecord key, TeamConfig? team, in ParsedRequest parsed, EndpointKind endpoint, LogFields log)
    {
        var keyLimit = new KeyRateLimiter.Limit(key.Id, key.RequestsPerMinute, key.TokensPerMinute, key.MaxConcurrency);
        var teamLimit = team is null ? default : new KeyRateLimiter.Limit("team:" + team.Name, team.RequestsPerMinute, team.TokensPerMinute, team.MaxConcurrency);
        var keyLimited = keyLimit.HasRates || key.MaxConcurrency is not null;
        var teamLimited = team is not null && (teamLimit.HasRates || team.MaxConcurrency is not null);
        if (!keyLimited && !teamLimited)
        {
            return null;
        }

        // PERF: both spans live on the stack (collection expressions over inline arrays): no allocation per request.
        Span<KeyRateLimiter.Limit> both = [keyLimit, teamLimit];
        Span<KeyRateLimiter.Decision> decisions = [default, default];
        var limits = keyLimited && teamLimited ? both : keyLimited ? both[..1] : both[1..];
        var estimate = (long)parsed.EstimatedPromptTokens + (endpoint == EndpointKind.Embeddings ? 0 : parsed.MaxTokens ?? BudgetBook.DefaultOutputTokens);
        var refused = _runtime.RateLimits.TryAcquire(limits, estimate, decisions[..limits.Length]);
        if (refused < 0)
        {
            // The headers describe the key's own limits, or its team's when the key has none.
            var shown = limits[0].HasRates || limits.Length == 1 ? 0 : 1;
            if (limits[shown].HasRates)
            {
                WriteRateHeaders(context.Response.Headers, limits[shown].Rpm, limits[shown].Tpm, decisions[shown]);
            }

            var counted = new List<(string Id, long Window, long Estimate)>(limits.Length);
            for (var i = 0; i < limits.Length; i++)
            {
                counted.Add((limits[i].Id, decisions[i].WindowStart, estimate));
            }

            log.RateLimited = counted;
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

    /// <summary>Replaces the request's token estimates with the tokens it used, and gives back its places in flight.</summary>
    private void SettleRate(LogFields log)
    {
        if (log.RateLimited is not { } counted)
        {
            return;
        }

        var used = log.Usage is { } usage && log.Status is >= 200 and < 300 ? usage.PromptTokens + usage.CompletionTokens : 0;
        foreach (var (id, window, estimate) in counted)
        {
            _runtime.RateLimits.Settle(id, window, estimate, used);
        }
    }
}
