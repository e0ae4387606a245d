namespace Switchyard.Simulator.Protocol;

/// <summary>
/// An error answer in OpenAI's format, <c>{"error":{"message","type","param","code"}}</c>. A value, not an exception: the
/// parser and the fault logic return it and <see cref="ErrorResponseWriter"/> writes it.
/// </summary>
internal readonly record struct RequestError(int Status, string Type, string Message, string? Param = null, string? Code = null)
{
    public const string InvalidRequestType = "invalid_request_error";
    public const string ServerErrorType = "server_error";

    public static RequestError BadRequest(string message, string? param = null, string? code = null)
        => new(400, InvalidRequestType, message, param, code);

    public static RequestError InvalidJson(string detail)
        => BadRequest($"We could not parse the JSON body of your request ({detail}). The API expects a JSON object as the request body.");

    public static RequestError MissingParameter(string name)
        => BadRequest($"Missing required parameter: '{name}'.", name, "missing_required_parameter");

    public static RequestError InvalidType(string name, string expected, string actual)
        => BadRequest($"Invalid type for '{name}': expected {expected}, but got {actual} instead.", name, "invalid_type");

    public static RequestError InvalidValue(string name, string message)
        => BadRequest(message, name, "invalid_value");

    public static RequestError BelowMinimum(string name, long minimum, long actual)
        => BadRequest($"Invalid '{name}': integer below minimum value. Expected a value >= {minimum}, but got {actual} instead.", name, "integer_below_min_value");

    public static RequestError AboveMaximum(string name, long maximum, long actual)
        => BadRequest($"Invalid '{name}': integer above maximum value. Expected a value <= {maximum}, but got {actual} instead.", name, "integer_above_max_value");

    public static RequestError ModelNotFound(string model)
        => new(404, InvalidRequestType, $"The model `{model}` does not exist or you do not have access to it.", null, "model_not_found");

    public static RequestError InvalidUrl(string method, string path)
        => new(404, InvalidRequestType, $"Invalid URL ({method} {path})");

    public static RequestError ContextLengthExceeded(int contextWindow, int promptTokens, int? maxTokens)
        => BadRequest(
            maxTokens is { } completion
                ? $"This model's maximum context length is {contextWindow} tokens. However, you requested {promptTokens + completion} tokens ({promptTokens} in the messages, {completion} in the completion). Please reduce the length of the messages or completion."
                : $"This model's maximum context length is {contextWindow} tokens. However, your messages resulted in {promptTokens} tokens. Please reduce the length of the messages.",
            "messages",
            "context_length_exceeded");

    public static RequestError RateLimited(string model, int retryAfterSeconds)
        => new(429, "requests", $"Rate limit reached for {model} in organization org-simulator on requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in {retryAfterSeconds}s.", null, "rate_limit_exceeded");

    public static RequestError ServerError()
        => new(500, ServerErrorType, "The server had an error while processing your request. Sorry about that!");

    public static RequestError Unavailable()
        => new(503, ServerErrorType, "The server is overloaded or not ready yet.");
}
