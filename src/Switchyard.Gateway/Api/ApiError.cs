namespace Switchyard.Gateway.Api;

/// <summary>
/// An error the gateway answers with, in OpenAI's format: <c>{"error":{"message","type","param","code"}}</c>.
/// A value, not an exception: the request path decides on it and <see cref="ApiErrorWriter"/> writes it.
/// </summary>
internal readonly record struct ApiError(int Status, string Type, string Message, string? Param = null, string? Code = null)
{
    public const string InvalidRequest = "invalid_request_error";
    public const string UpstreamErrorType = "upstream_error";
    public const string ServerErrorType = "server_error";
    public const string RateLimitType = "rate_limit_error";

    /// <summary>Seconds for a <c>Retry-After</c> header, when the error has one.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ApiError BadRequest(string message, string? param = null, string? code = null)
        => new(StatusCodes.Status400BadRequest, InvalidRequest, message, param, code);

    public static ApiError MissingParameter(string name)
        => BadRequest($"Missing required parameter: '{name}'.", name, "missing_required_parameter");

    public static ApiError InvalidType(string name, string expected, string actual)
        => BadRequest($"Invalid type for '{name}': expected {expected}, but got {actual} instead.", name, "invalid_type");

    public static ApiError InvalidValue(string name, string message)
        => BadRequest(message, name, "invalid_value");
}
