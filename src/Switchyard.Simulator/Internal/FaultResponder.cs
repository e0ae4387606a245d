using System.Globalization;
using Microsoft.AspNetCore.Http;
using Switchyard.Simulator.Configuration;
using Switchyard.Simulator.Faults;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Internal;

/// <summary>
/// Answers the faults that replace the whole response (status errors, reset, no response), the same way on every endpoint.
/// </summary>
internal static class FaultResponder
{
    /// <summary>The fault for one request: the header's, else the model name's, else a draw from the model's configured rates.</summary>
    public static SimulatorFault Pick(in RequestOverrides overrides, in ModelResolution model, SharedRandom random)
    {
        if (overrides.Fault != SimulatorFault.None)
        {
            return overrides.Fault;
        }

        if (model.Fault != SimulatorFault.None)
        {
            return model.Fault;
        }

        return model.Profile.FaultTable.Length > 0 ? model.Profile.DrawFault(random.NextDouble()) : SimulatorFault.None;
    }

    /// <summary>Answers <paramref name="fault"/> if it replaces the response; false when the request goes on.</summary>
    public static async Task<bool> TryAnswerAsync(
        HttpContext context,
        SimulatorFault fault,
        string modelName,
        int contextWindow,
        int promptTokens,
        int? maxTokens,
        RequestOverrides overrides,
        TimeProvider time,
        CancellationToken cancellationToken,
        bool anthropic = false,
        bool stream = false)
    {
        switch (fault)
        {
            case SimulatorFault.RateLimit:
                var retryAfter = overrides.RetryAfterSeconds ?? 1;
                var seconds = retryAfter.ToString(CultureInfo.InvariantCulture);
                var headers = context.Response.Headers;
                headers.RetryAfter = seconds;
                headers["x-ratelimit-limit-requests"] = "60";
                headers["x-ratelimit-remaining-requests"] = "0";
                headers["x-ratelimit-reset-requests"] = seconds + "s";
                await JsonResponse.SendErrorAsync(context, anthropic ? new RequestError(429, "rate_limit_error", $"Number of requests has exceeded your rate limit. Please try again in {retryAfter}s.") : RequestError.RateLimited(modelName, retryAfter), cancellationToken, anthropic);
                return true;
            case SimulatorFault.ServerError:
                await JsonResponse.SendErrorAsync(context, anthropic ? new RequestError(500, "api_error", "Internal server error") : RequestError.ServerError(), cancellationToken, anthropic);
                return true;
            case SimulatorFault.Unavailable:
                await JsonResponse.SendErrorAsync(context, RequestError.Unavailable(), cancellationToken, anthropic);
                return true;
            case SimulatorFault.Overloaded when anthropic && stream:
                // Anthropic answers 200 and then sends the error as an event: the stream writes it.
                return false;
            case SimulatorFault.Overloaded:
                await JsonResponse.SendErrorAsync(context, anthropic ? new RequestError(529, "overloaded_error", "Overloaded") : RequestError.Unavailable(), cancellationToken, anthropic);
                return true;
            case SimulatorFault.ContextLengthExceeded:
                // The fault says the prompt is too long whatever its size: the window reported is just below the prompt.
                var window = Math.Clamp(promptTokens - 1, 1, contextWindow);
                await JsonResponse.SendErrorAsync(context, anthropic ? AnthropicTooLong(window, promptTokens) : RequestError.ContextLengthExceeded(window, promptTokens, maxTokens), cancellationToken, anthropic);
                return true;
            case SimulatorFault.Reset:
                context.Abort();
                return true;
            case SimulatorFault.NoResponse:
                await WaitForeverAsync(time, cancellationToken);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Anthropic's words for a prompt longer than the model's window.</summary>
    public static RequestError AnthropicTooLong(int window, int promptTokens)
        => new(400, "invalid_request_error", $"prompt is too long: {promptTokens} tokens > {window} maximum");

    /// <summary>Waits until the client gives up (or the host stops): the request's token ends it.</summary>
    public static Task WaitForeverAsync(TimeProvider time, CancellationToken cancellationToken)
        => Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
}
