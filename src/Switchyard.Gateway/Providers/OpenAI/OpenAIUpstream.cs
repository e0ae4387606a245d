using System.Net;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Providers.OpenAI;

/// <summary>
/// The HTTP side of one deployment on an OpenAI-compatible server (OpenAI, vLLM, TGI, Ollama, llama.cpp, Together,
/// Fireworks, Groq, DeepSeek, Mistral): its connection pool and how a request to it is built.
/// </summary>
internal sealed class OpenAIUpstream : IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly Uri _chatCompletions;
    private readonly Uri _completions;
    private readonly Uri _embeddings;
    private readonly string? _authorization;
    private readonly KeyValuePair<string, string>[] _headers;

    public OpenAIUpstream(ProviderConfig provider, DeploymentConfig deployment)
    {
        var baseUrl = provider.BaseUrl.OriginalString.TrimEnd('/');
        _chatCompletions = new Uri(baseUrl + "/chat/completions");
        _completions = new Uri(baseUrl + "/completions");
        _embeddings = new Uri(baseUrl + "/embeddings");
        _authorization = provider.ApiKey is { Length: > 0 } key ? "Bearer " + key : null;
        _headers = [.. provider.Headers];

        // One pool per deployment: its connect timeout is its own. Settings follow YARP's forwarder client: no cookies,
        // no redirects, no decompression (bytes are relayed as they come), no activity header injection.
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = deployment.Timeouts.Connect,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ActivityHeadersPropagator = null,
            // Recycle pooled connections so DNS changes of a model server (a rescheduled vLLM pod) are picked up.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            EnableMultipleHttp2Connections = true,
        };
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public Uri GetUri(EndpointKind endpoint) => endpoint switch
    {
        EndpointKind.ChatCompletions => _chatCompletions,
        EndpointKind.Completions => _completions,
        _ => _embeddings,
    };

    /// <summary>Sends one request; returns when the response headers arrive.</summary>
    public Task<HttpResponseMessage> SendAsync(EndpointKind endpoint, ReadOnlyMemory<byte> body, string requestId, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, GetUri(endpoint))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
            Content = new ReadOnlyMemoryContent(body),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        var headers = request.Headers;
        if (_authorization is not null)
        {
            headers.TryAddWithoutValidation("Authorization", _authorization);
        }

        headers.TryAddWithoutValidation("x-request-id", requestId);
        Diagnostics.Tracing.GatewayTracing.Inject(headers);
        foreach (var (name, value) in _headers)
        {
            headers.TryAddWithoutValidation(name, value);
        }

        return _invoker.SendAsync(request, cancellationToken);
    }

    /// <summary>The URL a health check requests: <paramref name="url"/> under the base URL, or as it is when absolute.</summary>
    public Uri HealthUri(string url) => url.Contains("://", StringComparison.Ordinal)
        ? new Uri(url)
        : new Uri(_chatCompletions.OriginalString[..^"/chat/completions".Length] + "/" + url.TrimStart('/'));

    /// <summary>
    /// One active health check: a GET that costs no tokens (<c>/v1/models</c> by default). Healthy means a 2xx answer
    /// within <paramref name="timeout"/>; the body is not read beyond what the connection needs.
    /// </summary>
    public async Task<(bool Healthy, string Detail)> CheckAsync(Uri uri, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher };
        if (_authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", _authorization);
        }

        foreach (var (name, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _invoker.SendAsync(request, deadline.Token);
            var status = (int)response.StatusCode;
            return (status is >= 200 and < 300, $"{uri} answered {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"{uri} did not answer within {timeout.TotalMilliseconds:0} ms");
        }
        catch (HttpRequestException e)
        {
            return (false, $"{uri}: {e.Message}");
        }
    }

    public void Dispose() => _invoker.Dispose();
}
