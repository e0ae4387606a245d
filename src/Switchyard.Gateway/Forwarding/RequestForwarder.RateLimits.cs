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
/// (<c>x-ratelimit-*</c>, for the key's own limits, or the team's when the key has none).
/// </summary>
internal sealed partial class RequestForwarder
{
    /// <summary>Counts the request against its key's and team's limits; the error when it may not go on.</summary>
    private ApiError? LimitRate(HttpContext context, ApiKeyRecord key, TeamConfig? team, in ParsedRequest parsed, EndpointKind endpoint, LogFields log)
    {
        var keyLimited = key.RequestsPerMinute is not null || key.TokensPerMinute is not null || key.MaxConcurrency is not null;
        var teamLimited = team is not null && (team.RequestsPerMinute is not null || team.TokensPerMinute is not null || team.MaxConcurrency is not null);
        if (!keyLimited && !teamLimited)
        {
            return null;
        }

        var estimate = (long)parsed.EstimatedPromptTokens + (endpoint == EndpointKind.Embeddings ? 0 : parsed.MaxTokens ?? BudgetBook.DefaultOutputTokens);
        var limits = new List<(string Id, string Who, int? Rpm, int? Tpm, int? Concurrency)>(2);
        if (keyLimited)
        {
            limits.Add((key.Id, $"key {key.Id}", key.RequestsPerMinute, key.TokensPerMinute, key.MaxConcurrency));
        }

        if (teamLimited)
        {
            limits.Add(("team:" + team!.Name, $"team {team.Name}", team.RequestsPerMinute, team.TokensPerMinute, team.MaxConcurrency));
        }

        var counted = new List<(string Id, long Window, long Estimate)>(2);
        var headersWritten = false;
        foreach (var (id, who, rpm, tpm, concurrency) in limits)
        {
            var decision = _runtime.RateLimits.TryAcquire(id, rpm, tpm, concurrency, estimate);
            if (!headersWritten && (rpm is not null || tpm is not null))
            {
                WriteRateHeaders(context.Response.Headers, rpm, tpm, decision);
                headersWritten = true;
            }

            if (!decision.Admitted)
            {
                // What the earlier limits counted is given back: this request does not go on.
                foreach (var (earlier, window, _) in counted)
                {
                    _runtime.RateLimits.Settle(earlier, window, estimate, 0);
                }

                var seconds = Math.Max(1, (int)Math.Ceiling(decision.Reset.TotalSeconds));
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                var message = decision.Exceeded switch
                {
                    "requests" => string.Create(CultureInfo.InvariantCulture, $"Rate limit reached for {who} on requests per min (RPM): Limit {rpm}. Please try again in {seconds}s."),
                    "tokens" => string.Create(CultureInfo.InvariantCulture, $"Rate limit reached for {who} on tokens per min (TPM): Limit {tpm}, Remaining {decision.RemainingTokens}, Requested up to {estimate}. Please try again in {seconds}s, or lower max_tokens."),
                    _ => string.Create(CultureInfo.InvariantCulture, $"Too many requests in flight for {who}: at most {concurrency} at once. Wait for one to finish."),
                };
                return new ApiError(StatusCodes.Status429TooManyRequests, decision.Exceeded == "concurrency" ? "requests" : decision.Exceeded!, message, null, "rate_limit_exceeded");
            }

            counted.Add((id, decision.WindowStart, estimate));
        }

        log.RateLimited = counted;
        return null;
    }

    private static void WriteRateHeaders(IHeaderDictionary headers, int? rpm, int? tpm, in KeyRateLimiter.Decision decision)
    {
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
