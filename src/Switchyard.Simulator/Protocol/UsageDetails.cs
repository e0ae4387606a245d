namespace Switchyard.Simulator.Protocol;

/// <summary>
/// The parts of a chat completion's usage that are reported apart: prompt tokens read from the prompt cache
/// (<c>prompt_tokens_details.cached_tokens</c>) and hidden reasoning tokens (<c>completion_tokens_details.reasoning_tokens</c>,
/// already counted in <c>completion_tokens</c>).
/// </summary>
internal readonly record struct UsageDetails(int CachedTokens, int ReasoningTokens);
