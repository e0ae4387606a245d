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
    /// Base URL including the API version path, e.g. <c>https://api.openai.com/v1</c>, <c>http://vllm:8000/v1</c> or
    /// <c>https://api.anthropic.com/v1</c> (<c>base_url</c>); for Azure OpenAI the resource's endpoint,
    /// <c>https://NAME.openai.azure.com</c> (<c>endpoint</c>). Always ends without a slash.
    /// </summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The API key after <c>${VAR}</c> substitution, or <see langword="null"/> when none is configured.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Extra headers sent on every upstream request (<c>headers</c>), after substitution.</summary>
    public ImmutableDictionary<string, string> Headers { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>
    /// <see cref="ProviderKind.Anthropic"/>: the <c>anthropic-version</c> header (<c>anthropic_version</c>). The default is
    /// the version every Messages API feature the gateway translates was defined in.
    /// </summary>
    public string AnthropicVersion { get; init; } = DefaultAnthropicVersion;

    /// <summary><see cref="ProviderKind.Anthropic"/>: betas sent as <c>anthropic-beta</c> on every request (<c>anthropic_beta</c>).</summary>
    public ImmutableArray<string> AnthropicBeta { get; init; } = [];

    /// <summary><see cref="ProviderKind.AzureOpenAI"/>: the <c>api-version</c> query parameter (<c>api_version</c>).</summary>
    public string? ApiVersion { get; init; }

    /// <summary>The <c>anthropic-version</c> sent when none is configured.</summary>
    public const string DefaultAnthropicVersion = "2023-06-01";

    /// <summary>Redacts the key: records print their members, and secrets must never reach logs.</summary>
    public override string ToString() => $"ProviderConfig {{ Name = {Name}, Kind = {Kind}, BaseUrl = {BaseUrl}, ApiKey = {(ApiKey is null ? "none" : "***")} }}";
}

/// <summary>Upstream wire protocols.</summary>
public enum ProviderKind
{
    /// <summary>OpenAI and every OpenAI-compatible server (vLLM, TGI, Ollama, llama.cpp, Together, Fireworks, Groq, DeepSeek, Mistral).</summary>
    OpenAI,

    /// <summary>Anthropic's Messages API (<c>anthropic</c>): requests and answers are translated to and from OpenAI's format.</summary>
    Anthropic,

    /// <summary>Azure OpenAI (<c>azure-openai</c>): OpenAI's format at per-deployment URLs with an <c>api-version</c> and an <c>api-key</c> header.</summary>
    AzureOpenAI,
}
