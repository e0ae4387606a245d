using System.Net.Http.Headers;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Providers.AzureOpenAI;

/// <summary>
/// One deployment on Azure OpenAI: OpenAI's format, at the deployment's own URLs
/// (<c>{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=...</c>), with the key in an
/// <c>api-key</c> header. Errors come in OpenAI's shape, so nothing is translated.
/// </summary>
/// <remarks>
/// COMPAT: Azure routes by the deployment in the URL and ignores the body's <c>model</c>; the gateway still splices the
/// deployment's <c>model</c> there, so the request log and the price catalog see the model's own name.
/// </remarks>
internal sealed class AzureOpenAIUpstream : Upstream
{
    private readonly string _endpoint;
    private readonly Uri _chatCompletions;
    private readonly Uri _completions;
    private readonly Uri _embeddings;
    private readonly string? _apiKey;
    private readonly KeyValuePair<string, string>[] _headers;

    public AzureOpenAIUpstream(ProviderConfig provider, DeploymentConfig deployment)
        : base(deployment)
    {
        _endpoint = provider.BaseUrl.OriginalString.TrimEnd('/');
        var root = $"{_endpoint}/openai/deployments/{Uri.EscapeDataString(deployment.AzureDeployment ?? deployment.Model)}";
        var query = "?api-version=" + Uri.EscapeDataString(provider.ApiVersion ?? "");
        _chatCompletions = new Uri(root + "/chat/completions" + query);
        _completions = new Uri(root + "/completions" + query);
        _embeddings = new Uri(root + "/embeddings" + query);
        _apiKey = provider.ApiKey;
        _headers = [.. provider.Headers];
    }

    protected override string HealthBase => _endpoint;

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
        if (_apiKey is not null)
        {
            // SECURITY: Azure's key header; never logged (the request log records no headers).
            headers.TryAddWithoutValidation("api-key", _apiKey);
        }

        foreach (var (name, value) in _headers)
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }
}
