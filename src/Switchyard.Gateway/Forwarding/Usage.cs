namespace Switchyard.Gateway.Forwarding;

/// <summary>Token usage as the upstream reported it.</summary>
/// <param name="PromptTokens">Input tokens (<c>prompt_tokens</c>), cached ones included.</param>
/// <param name="CompletionTokens">Output tokens (<c>completion_tokens</c>), reasoning ones included.</param>
/// <param name="CachedTokens">Input tokens read from the provider's prompt cache (<c>prompt_tokens_details.cached_tokens</c>).</param>
/// <param name="ReasoningTokens">Output tokens spent reasoning (<c>completion_tokens_details.reasoning_tokens</c>).</param>
internal readonly record struct Usage(int PromptTokens, int CompletionTokens, int CachedTokens = 0, int ReasoningTokens = 0);
