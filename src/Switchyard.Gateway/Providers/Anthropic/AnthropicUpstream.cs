using System.Net;
using System.Net.Http.Headers;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Providers.Anthropic;

/// <summary>
/// One deployment on Anthropic's Messages API. The forwarder hands it an OpenAI chat request and gets an OpenAI answer
/// back: the request is translated (<see cref="AnthropicRequestWriter"/>), sent to <c>{base_url}/messages</c> with
/// <c>x-api-key</c>, <c>anthropic-version</c> and the configured <c>anthropic-beta</c>, and the answer translated on the
/// way back: whole (<see cref="AnthropicMessageTranslator"/>), event by event (<see cref="AnthropicSseStream"/>), or as
/// an error in OpenAI's shape with a status the forwarder's retry and failover policies understand (529 → 503).
/// </summary>
/// <remarks>
/// A request the translation refuses (n &gt; 1, logprobs, seed, ...) never leaves the gateway: the answer is a 400 in
/// OpenAI's shape naming the parameter, which the forwarder passes to the client as an upstream's own 400.
/// </remarks>
internal sealed class AnthropicUpstream : Upstream
{
    /// <summary>Largest non-streaming Anthropic answer translated (a broken upstream must not exhaust memory).</summary>
    private const int MaxAnswerBytes = 64 * 1024 * 1024;

    private readonly string _baseUrl;
    private readonly Uri _messages;
    private readonly string? _apiKey;
    private readonly string _version;
    private readonly string? _beta;
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly int _defaultMaxTokens;
    private readonly string _deployment;
    private readonly TimeProvider _time;

    public AnthropicUpstream(ProviderConfig provider, DeploymentConfig deployment, TimeProvider time)
        : base(deployment)
    {
        _baseUrl = provider.BaseUrl.OriginalString.TrimEnd('/');
        _messages = new Uri(_baseUrl + "/messages");
        _apiKey = provider.ApiKey;
        _version = provider.AnthropicVersion;
        _beta = provider.AnthropicBeta.IsDefaultOrEmpty ? null : string.Join(',', provider.AnthropicBeta);
        _headers = [.. provider.Headers];
        _defaultMaxTokens = deployment.DefaultMaxTokens;
        _deployment = deployment.Name;
        _time = time;
    }

    protected override string HealthBase => _baseUrl;

    public override async Task<HttpResponseMessage> SendAsync(EndpointKind endpoint, ReadOnlyMemory<byte> body, string requestId, CancellationToken cancellationToken)
    {
        if (endpoint != EndpointKind.ChatCompletions)
        {
            return Refuse($"Deployment '{_deployment}' is on Anthropic's Messages API, which has no {(endpoint == EndpointKind.Embeddings ? "embeddings" : "legacy completions")} endpoint. Send chat completions to it, or route this endpoint to an OpenAI-compatible deployment.", null, "unsupported_endpoint");
        }

        var translated = new ArrayBufferWriterOwner();
        if (!AnthropicRequestWriter.TryWrite(body.Span, _defaultMaxTokens, translated.Writer, out var call, out var refusal))
        {
            return Refuse(refusal.Message, refusal.Param, refusal.Code);
        }

        var response = await PostAsync(_messages, translated.Writer.WrittenMemory, requestId, cancellationToken);
        var status = (int)response.StatusCode;
        var created = _time.GetUtcNow().ToUnixTimeSeconds();
        if (status is < 200 or > 299)
        {
            var error = await ReadAllAsync(response.Content, 64 * 1024, cancellationToken);
            Replace(response, new ByteArrayContent(AnthropicMessageTranslator.TranslateError(error, status)), "application/json");
            response.StatusCode = (HttpStatusCode)AnthropicErrors.ToForwarderStatus(status);
            return response;
        }

        if (call.Stream)
        {
            var upstream = await response.Content.ReadAsStreamAsync(cancellationToken);
            // The old content is not disposed: its stream is the upstream connection, which the translating stream owns now.
            response.Content = new StreamContent(new AnthropicSseStream(upstream, new AnthropicStreamTranslator(call, created)), 8192);
            response.Content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
            return response;
        }

        var answer = await ReadAllAsync(response.Content, MaxAnswerBytes, cancellationToken);
        using var output = new PooledBufferWriter(answer.Length + 512);
        var content = AnthropicMessageTranslator.TryTranslate(answer, call, created, output)
            ? output.WrittenSpan.ToArray()
            // Not a message: the forwarder sees a body that is not a completion and treats it as a broken answer.
            : answer;
        Replace(response, new ByteArrayContent(content), "application/json");
        return response;
    }

    protected override void AddHeaders(HttpRequestHeaders headers)
    {
        if (_apiKey is not null)
        {
            // SECURITY: Anthropic's key header; the request log records no headers.
            headers.TryAddWithoutValidation("x-api-key", _apiKey);
        }

        headers.TryAddWithoutValidation("anthropic-version", _version);
        if (_beta is not null)
        {
            headers.TryAddWithoutValidation("anthropic-beta", _beta);
        }

        foreach (var (name, value) in _headers)
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }

    /// <summary>A 400 in OpenAI's shape, answered without calling Anthropic.</summary>
    private static HttpResponseMessage Refuse(string message, string? param, string code)
    {
        var response = new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new ByteArrayContent(AnthropicMessageTranslator.OpenAIError(message, "invalid_request_error", param, code)),
        };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return response;
    }

    private static void Replace(HttpResponseMessage response, HttpContent content, string mediaType)
    {
        var old = response.Content;
        response.Content = content;
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        old.Dispose();
    }

    private static async Task<byte[]> ReadAllAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new PooledBufferWriter((int)Math.Min(limit, (content.Headers.ContentLength ?? 8192) + 1));
        while (buffer.Length < limit)
        {
            var read = await stream.ReadAsync(buffer.GetMemory(8192), cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The translated request body: a plain array, since the HTTP stack may still read it after the response began.</summary>
    private sealed class ArrayBufferWriterOwner
    {
        public System.Buffers.ArrayBufferWriter<byte> Writer { get; } = new(4096);
    }
}
