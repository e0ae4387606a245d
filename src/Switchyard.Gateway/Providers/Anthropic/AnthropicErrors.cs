namespace Switchyard.Gateway.Providers.Anthropic;

/// <summary>
/// Anthropic's error types and HTTP statuses, both ways: an Anthropic upstream's error becomes an OpenAI-shaped one with
/// a status the forwarder classifies as it does OpenAI's (so retries and failover are the same), and the gateway's own
/// errors on <c>/v1/messages</c> take Anthropic's types.
/// </summary>
internal static class AnthropicErrors
{
    /// <summary>Anthropic's 529: its API is overloaded (a server-side condition another deployment may not share).</summary>
    public const int Overloaded = 529;

    /// <summary>
    /// The status the forwarder sees for an Anthropic status. 529 becomes 503: both mean "overloaded, try later" and 503
    /// is what the retry and failover policies know; the rest keep their meaning.
    /// </summary>
    public static int ToForwarderStatus(int anthropicStatus) => anthropicStatus == Overloaded ? 503 : anthropicStatus;

    /// <summary>Anthropic's error type for a status the gateway answers with on <c>/v1/messages</c>.</summary>
    public static string TypeForStatus(int status) => status switch
    {
        400 or 405 or 409 or 415 or 422 => "invalid_request_error",
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 or Overloaded => "overloaded_error",
        504 => "timeout_error",
        _ when status >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    /// <summary>
    /// The Anthropic type for an error the gateway answers with <paramref name="status"/>: an Anthropic type that came from
    /// an Anthropic upstream is kept (<c>overloaded_error</c> says more than 503); otherwise the status decides, since the
    /// gateway's own errors say <c>invalid_request_error</c> for a 404 or 403 as OpenAI does.
    /// </summary>
    public static string TypeFor(string? type, int status)
        => type is not null && type != "invalid_request_error" && IsAnthropicType(type) ? type : TypeForStatus(status);

    /// <summary>
    /// Whether <paramref name="type"/> is one of Anthropic's error types (an OpenAI-shaped error that came from an Anthropic
    /// upstream keeps its type, and the ingress passes it on).
    /// </summary>
    public static bool IsAnthropicType(ReadOnlySpan<char> type) => type is "invalid_request_error" or "authentication_error" or "billing_error"
        or "permission_error" or "not_found_error" or "request_too_large" or "rate_limit_error" or "api_error" or "timeout_error" or "overloaded_error";

    /// <summary>
    /// The OpenAI <c>code</c> for an Anthropic error, when the forwarder decides on it: a prompt too long for the model is
    /// <c>context_length_exceeded</c>, so a deployment with a larger window is tried.
    /// </summary>
    public static string? CodeFor(string type, string message) => type switch
    {
        "invalid_request_error" when message.Contains("prompt is too long", StringComparison.OrdinalIgnoreCase)
            || message.Contains("context window", StringComparison.OrdinalIgnoreCase)
            || message.Contains("context length", StringComparison.OrdinalIgnoreCase) => "context_length_exceeded",
        "rate_limit_error" => "rate_limit_exceeded",
        "overloaded_error" => "overloaded",
        _ => null,
    };
}
