using System.Net.Http.Headers;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Providers.OpenAI;

/// <summary>
/// One deployment on an OpenAI-compatible server (OpenAI, vLLM, TGI, Ollama, llama.cpp, Together, Fireworks, Groq,
/// DeepSeek, Mistral): the body goes as it is, to <c>{base_url}/chat/completions</c> and its siblings.
/// </summary>
internal sealed class OpenAIUpstream : Upstream
{
    private readonly string _baseUrl;
    private readonly Uri _chatCompletions;
    private readonly Uri _completions;
    private readonly Uri _embeddings;
    private readonly string? _authorization;
    private readonly KeyValuePair<string, string>[] _headers;

    public OpenAIUpstream(ProviderConfig provider, DeploymentConfig deployment)
        : base(deployment)
    {
        _baseUrl = provider.BaseUrl.OriginalString.TrimEnd('/');
        _chatCompletions = new Uri(_baseUrl + "/chat/completions");
        _completions = new Uri(_baseUrl + "/completions");
        _embeddings = new Uri(_baseUrl + "/embeddings");
        _authorization = provider.ApiKey is { Length: > 0 } key ? "Bearer " + key : null;
        _headers = [.. provider.Headers];
    }

    protected override string HealthBase => _baseUrl;

    public Uri GetUri(EndpointKind endpoint) => endpoint switch
    {
        EndpointKind.ChatCompletions => _chatCompletions,
        EndpointKind.Completions => _completions,
        _ => _embeddings,
    };

    public override Task<HttpResponseMessage> SendAsync(EndpointKind endpoint, ReadOnlyMemory<byte> body, string requestId, CancellationToken cancellationToken)
        => PostAsync(GetUri(endpoint), body, requestId, cancellationToken);

    protected override void AddHeaders(HttpRequestHeaders headers)
    {
        if (_authorization is not null)
        {
            headers.TryAddWithoutValidation("Authorization", _authorization);
        }

        foreach (var (name, value) in _headers)
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }
}
