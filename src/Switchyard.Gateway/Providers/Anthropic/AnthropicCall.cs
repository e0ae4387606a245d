namespace Switchyard.Gateway.Providers.Anthropic;

/// <summary>
/// What the answer's translation needs to know about the request it answers: whether it streams, and the forced tool
/// that stands in for <c>response_format</c> (its input is the answer's content), if any.
/// </summary>
internal readonly record struct AnthropicCall(bool Stream, string? JsonTool);
