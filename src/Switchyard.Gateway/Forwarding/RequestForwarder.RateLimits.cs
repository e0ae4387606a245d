using System.Globalization;
using Microsoft.AspNetCore.Http;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Economics.Budgets;
using Switchyard.Storage.Keys;

namespace Switchyard.Gateway.Forwarding;

/// <summary>A key's requests and tokens per minute, with the headers OpenAI clients read (<c>x-ratelimit-*</c>).</summary>
internal sealed partial class RequestForwarder
{
    /// <summary>Counts the request against its key's limits and says so in headers; the error when it may not go on.</summary>
    private ApiError? LimitRate(HttpContext context, ApiKeyRecord key, in ParsedRequest parsed, EndpointKind endpoint, LogFields log)
    {
        var estimate = (long)parsed.EstimatedPromptTokens + (endpoint == EndpointKind.Embeddings ? 0 : parsed.MaxTokens ?? BudgetBook.DefaultOutputTokens);
        var decision = _runtime.RateLimits.TryAcquire(key, estimate);
        var headers = context.Response.Headers;
        var reset = Reset(decision.Reset);
        if (key.RequestsPerMinute is { } rpm)
        {
            headers["x-ratelimit-limit-requests"] = rpm.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-requests"] = Math.Max(0, decision.RemainingRequests ?? 0).ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-requests"] = reset;
        }

        if (key.TokensPerMinute is { } tpm)
        {
            headers["x-ratelimit-limit-tokens"] = tpm.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-tokens"] = (decision.RemainingTokens ?? 0).ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-tokens"] = reset;
        }

        if (decision.Admitted)
        {
            log.RateLimited = (key, decision.WindowStart, estimate);
            return null;
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(decision.Reset.TotalSeconds));
        headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var message = decision.Exceeded == "requests"
            ? string.Create(CultureInfo.InvariantCulture, $"Rate limit reached for key {key.Id} on requests per min (RPM): Limit {key.RequestsPerMinute}. Please try again in {seconds}s.")
            : string.Create(CultureInfo.InvariantCulture, $"Rate limit reached for key {key.Id} on tokens per min (TPM): Limit {key.TokensPerMinute}, Remaining {decision.RemainingTokens}, Requested up to {estimate}. Please try again in {seconds}s, or lower max_tokens.");
        return new ApiError(StatusCodes.Status429TooManyRequests, decision.Exceeded!, message, null, "rate_limit_exceeded");
    }

    /// <summary>Replaces the request's token estimate with the tokens it used.</summary>
    private void SettleRate(LogFields log)
    {
        if (log.RateLimited is not { } counted)
        {
            return;
        }

        var used = log.Usage is { } usage && log.Status is >= 200 and < 300 ? usage.PromptTokens + usage.CompletionTokens : 0;
        _runtime.RateLimits.Settle(counted.Key, counted.Window, counted.Estimate, used);
    }

    /// <summary>A reset time as OpenAI writes it: <c>1s</c>, <c>6m0s</c>-style, here seconds with a unit.</summary>
    private static string Reset(TimeSpan reset) => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0.001, reset.TotalSeconds):0.###}s");
}
