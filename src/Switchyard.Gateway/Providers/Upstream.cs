using System.Net;
using System.Net.Http.Headers;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Providers;

/// <summary>
/// The HTTP side of one deployment: its connection pool, and how a request in OpenAI's format reaches its server. Every
/// kind answers in OpenAI's format too (<see cref="Anthropic.AnthropicUpstream"/> translates both ways), so the forwarder,
/// the quality gate and the accounting never see which protocol the server speaks.
/// </summary>
internal abstract class Upstream : IDisposable
{
    private readonly HttpMessageInvoker _invoker;

    protected Upstream(DeploymentConfig deployment)
    {
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

    /// <summary>The upstream for a deployment on <paramref name="provider"/>, by the provider's kind.</summary>
    public static Upstream Create(ProviderConfig provider, DeploymentConfig deployment, TimeProvider time) => provider.Kind switch
    {
        ProviderKind.Anthropic => new Anthropic.AnthropicUpstream(provider, deployment, time),
        ProviderKind.AzureOpenAI => new AzureOpenAI.AzureOpenAIUpstream(provider, deployment),
        _ => new OpenAI.OpenAIUpstream(provider, deployment),
    };

    /// <summary>
    /// Sends one request whose body is in OpenAI's format; returns when the response headers arrive, with a body in
    /// OpenAI's format (JSON, or an SSE stream of chunks) and OpenAI's error shape.
    /// </summary>
    public abstract Task<HttpResponseMessage> SendAsync(EndpointKind endpoint, ReadOnlyMemory<byte> body, string requestId, CancellationToken cancellationToken);

    /// <summary>The URL a health check requests: <paramref name="url"/> under the base URL, or as it is when absolute.</summary>
    public Uri HealthUri(string url) => url.Contains("://", StringComparison.Ordinal)
        ? new Uri(url)
        : new Uri(HealthBase + "/" + url.TrimStart('/'));

    /// <summary>The URL relative health check URLs are resolved under (the base URL, without a trailing slash).</summary>
    protected abstract string HealthBase { get; }

    /// <summary>Adds the credentials and the provider's own headers to a request.</summary>
    protected abstract void AddHeaders(HttpRequestHeaders headers);

    /// <summary>Sends <paramref name="body"/> as JSON to <paramref name="uri"/> with the provider's headers.</summary>
    protected Task<HttpResponseMessage> PostAsync(Uri uri, ReadOnlyMemory<byte> body, string requestId, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
            Content = new ReadOnlyMemoryContent(body),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        AddHeaders(request.Headers);
        request.Headers.TryAddWithoutValidation("x-request-id", requestId);
        // The attempt's span continues upstream (W3C traceparent), whatever the provider's kind.
        Diagnostics.Tracing.GatewayTracing.Inject(request.Headers);
        return _invoker.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// One active health check: a GET that costs no tokens (<c>/v1/models</c> by default). Healthy means a 2xx answer
    /// within <paramref name="timeout"/>; the body is not read beyond what the connection needs.
    /// </summary>
    public async Task<(bool Healthy, string Detail)> CheckAsync(Uri uri, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher };
        AddHeaders(request.Headers);
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
