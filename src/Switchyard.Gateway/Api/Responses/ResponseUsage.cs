namespace Switchyard.Gateway.Api.Responses;

/// <summary>Token counts of a response, as the Responses API names them (Chat Completions' prompt and completion tokens).</summary>
/// <param name="Input">Prompt tokens, cached ones included.</param>
/// <param name="Output">Completion tokens, reasoning included.</param>
/// <param name="Cached">Prompt tokens read from a cache.</param>
/// <param name="CacheWrite">Prompt tokens written to a cache (Anthropic upstreams).</param>
/// <param name="Reasoning">Completion tokens spent reasoning.</param>
internal readonly record struct ResponseUsage(int Input, int Output, int Cached, int CacheWrite, int Reasoning);
