namespace Switchyard.Gateway.Api;

/// <summary>The OpenAI endpoints the gateway forwards.</summary>
internal enum EndpointKind
{
    ChatCompletions,
    Completions,
    Embeddings,
}
