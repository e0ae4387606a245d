using System.Collections.Immutable;

namespace Switchyard.Gateway.Configuration;

/// <summary>An upstream API (<c>providers.NAME:</c>).</summary>
public sealed record ProviderConfig
{
    /// <summary>The provider's name (its key in the file).</summary>
    public required string Name { get; init; }

    /// <summary>Wire protocol (<c>kind</c>).</summary>
    public required ProviderKind Kind { get; init; }

    /// <summary>
    /// Base URL including the API version path, e.g. <c>https://api.openai.com/v1</c> or <c>http://vllm:8000/v1</c>
    /// (<c>base_url</c>). Always ends without a slash.
    /// </summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The API key after <c>${VAR}</c> substitution, or <see langword="null"/> when none is configured.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Extra headers sent on every upstream request (<c>headers</c>), after substitution.</summary>
    public ImmutableDictionary<string, string> Headers { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Redacts the key: records print their members, and secrets must never reach logs.</summary>
    public override string ToString() => $"ProviderConfig {{ Name = {Name}, Kind = {Kind}, BaseUrl = {BaseUrl}, ApiKey = {(ApiKey is null ? "none" : "***")} }}";
}

/// <summary>Upstream wire protocols.</summary>
public enum ProviderKind
{
    /// <summary>OpenAI and every OpenAI-compatible server (vLLM, TGI, Ollama, llama.cpp, Together, Fireworks, Groq, DeepSeek, Mistral).</summary>
    OpenAI,
}
