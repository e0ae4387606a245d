namespace Switchyard.Gateway.Forwarding;

/// <summary>Token usage as the upstream reported it.</summary>
internal readonly record struct Usage(int PromptTokens, int CompletionTokens);
