using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchyard.Simulator.Configuration;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Internal;

/// <summary>
/// The simulator's only request delegate: counts the request, gives it an <c>x-request-id</c>, routes on method and path
/// (no routing middleware: a handful of fixed paths), and turns a client that went away into a counted abort.
/// </summary>
/// <remarks>
/// <code>
/// POST /v1/chat/completions, /v1/completions ─► GenerationHandler
/// POST /v1/messages                            ─► GenerationHandler (Anthropic's Messages API)
/// POST /v1/embeddings                          ─► EmbeddingsHandler
/// POST /openai/deployments/{name}/chat/completions|completions|embeddings?api-version=... ─► the same, Azure's URLs
/// GET  /v1/models, /v1/models/{id}, /health, /sim/stats ─► InfoHandler
/// anything else ─► 404 "Invalid URL (METHOD /path)", as OpenAI answers
/// OperationCanceledException / IOException ─► client gone: RequestsAborted++ (or host stopping: abort the connection)
/// </code>
/// </remarks>
internal sealed class SimulatorRequestHandler
{
    public const string RequestIdHeader = "x-request-id";

    private readonly SimulatorStats _stats;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly GenerationHandler _generation;
    private readonly EmbeddingsHandler _embeddings;
    private readonly InfoHandler _info;
    private readonly string _requestIdPrefix;
    private long _requestCounter;

    public SimulatorRequestHandler(SimulatorConfig config, SimulatorStats stats, TimeProvider time, SharedRandom random, ILogger logger, CancellationToken stopping)
    {
        _stats = stats;
        _logger = logger;
        _stopping = stopping;
        _generation = new GenerationHandler(config, stats, time, random, logger, stopping);
        _embeddings = new EmbeddingsHandler(config, stats, time, random, logger, stopping);
        _info = new InfoHandler(config, stats);

        // Ids must differ between hosts (a gateway may log both), and they need not be reproducible.
        _requestIdPrefix = "req_" + Random.Shared.NextInt64().ToString("x16", CultureInfo.InvariantCulture)[..8];
    }

    public async Task HandleAsync(HttpContext context)
    {
        _stats.RequestStarted();
        var requestId = NextRequestId();
        context.Response.Headers[RequestIdHeader] = requestId;
        try
        {
            await RouteAsync(context, requestId);
        }
        catch (OperationCanceledException)
        {
            OnCancelled(context, requestId);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            // The body was too large or malformed at the HTTP level.
            var error = new RequestError(ex.StatusCode, RequestError.InvalidRequestType, ex.Message);
            _stats.BadRequest();
            await JsonResponse.SendErrorAsync(context, error, context.RequestAborted);
        }
        catch (IOException)
        {
            // A write to a connection the client closed.
            OnCancelled(context, requestId);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            SimulatorLog.RequestFailed(_logger, requestId, ex);
            await JsonResponse.SendErrorAsync(context, new RequestError(500, RequestError.ServerErrorType, "The simulator failed: " + ex.Message), context.RequestAborted);
        }
        finally
        {
            _stats.RequestEnded();
        }
    }

    private Task RouteAsync(HttpContext context, string requestId)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        if (HttpMethods.IsPost(request.Method))
        {
            switch (path)
            {
                case "/v1/chat/completions":
                    _stats.ChatCompletion();
                    return WithOverridesAsync(context, requestId, static (self, ctx, overrides, id) => self._generation.HandleAsync(ctx, EndpointKind.ChatCompletions, overrides, id));
                case "/v1/completions":
                    _stats.Completion();
                    return WithOverridesAsync(context, requestId, static (self, ctx, overrides, id) => self._generation.HandleAsync(ctx, EndpointKind.Completions, overrides, id));
                case "/v1/embeddings":
                    _stats.Embedding();
                    return WithOverridesAsync(context, requestId, static (self, ctx, overrides, id) => self._embeddings.HandleAsync(ctx, overrides, id));
                case "/v1/messages":
                    _stats.ChatCompletion();
                    return WithOverridesAsync(context, requestId, static (self, ctx, overrides, id) => self._generation.HandleMessagesAsync(ctx, overrides, id));
            }

            if (path.StartsWith(AzurePrefix, StringComparison.Ordinal))
            {
                return RouteAzureAsync(context, requestId, path[AzurePrefix.Length..]);
            }
        }
        else if (HttpMethods.IsGet(request.Method))
        {
            switch (path)
            {
                case "/v1/models":
                    _stats.ModelRequest();
                    return _info.ListModelsAsync(context);
                case "/health":
                    return InfoHandler.HealthAsync(context);
                case "/sim/stats":
                    return _info.StatsAsync(context);
            }

            if (path.StartsWith("/v1/models/", StringComparison.Ordinal) && path.Length > "/v1/models/".Length)
            {
                _stats.ModelRequest();
                return _info.GetModelAsync(context, Uri.UnescapeDataString(path["/v1/models/".Length..]));
            }
        }

        _stats.BadRequest();
        return JsonResponse.SendErrorAsync(context, RequestError.InvalidUrl(request.Method, path), context.RequestAborted);
    }

    private const string AzurePrefix = "/openai/deployments/";

    /// <summary>
    /// Azure OpenAI's deployment URLs: the deployment names the model, <c>api-version</c> is required and the key comes
    /// as <c>api-key</c>, as Azure's API wants them.
    /// </summary>
    private Task RouteAzureAsync(HttpContext context, string requestId, string rest)
    {
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var deployment = slash > 0 ? Uri.UnescapeDataString(rest[..slash]) : null;
        var operation = slash > 0 ? rest[(slash + 1)..] : "";
        if (deployment is null || operation is not ("chat/completions" or "completions" or "embeddings"))
        {
            _stats.BadRequest();
            return JsonResponse.SendErrorAsync(context, new RequestError(404, "invalid_request_error", $"Resource not found: {context.Request.Path}", null, "404"), context.RequestAborted);
        }

        if (string.IsNullOrEmpty(context.Request.Query["api-version"]))
        {
            _stats.BadRequest();
            return JsonResponse.SendErrorAsync(context, new RequestError(404, "invalid_request_error", "Missing API version: add ?api-version= to the URL.", null, "404"), context.RequestAborted);
        }

        if (string.IsNullOrEmpty(context.Request.Headers["api-key"]) && string.IsNullOrEmpty(context.Request.Headers.Authorization))
        {
            _stats.BadRequest();
            return JsonResponse.SendErrorAsync(context, new RequestError(401, "invalid_request_error", "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.", null, "401"), context.RequestAborted);
        }

        context.Items[AzureDeploymentItem] = deployment;
        switch (operation)
        {
            case "chat/completions":
                _stats.ChatCompletion();
                return WithOverridesAsync(context, requestId, static (self, ctx, overrides, id) => self._generation.HandleAsync(ctx, EndpointKind.ChatCompletions, overrides, id, (string)ctx.Items[AzureDeploymentItem]!));
            case "completions":
                _stats.Completion();
                return WithOverridesAsync(context, requestId, static (self, ctx, overrides, id) => self._generation.HandleAsync(ctx, EndpointKind.Completions, overrides, id, (string)ctx.Items[AzureDeploymentItem]!));
            default:
                _stats.Embedding();
                return WithOverridesAsync(context, requestId, static (self, ctx, overrides, id) => self._embeddings.HandleAsync(ctx, overrides, id, (string)ctx.Items[AzureDeploymentItem]!));
        }
    }

    private static readonly object AzureDeploymentItem = new();

    private Task WithOverridesAsync(HttpContext context, string requestId, Func<SimulatorRequestHandler, HttpContext, RequestOverrides, string, Task> handle)
    {
        if (!RequestOverrides.TryParse(context.Request.Headers, out var overrides, out var error))
        {
            _stats.BadRequest();
            return JsonResponse.SendErrorAsync(context, error, context.RequestAborted);
        }

        return handle(this, context, overrides, requestId);
    }

    private void OnCancelled(HttpContext context, string requestId)
    {
        if (_stopping.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            // The host is stopping: drop the connection so that shutdown does not wait for a stalled answer.
            context.Abort();
            return;
        }

        _stats.Aborted();
        SimulatorLog.ClientAborted(_logger, requestId);
    }

    private string NextRequestId()
    {
        var counter = Interlocked.Increment(ref _requestCounter);
        return string.Create(CultureInfo.InvariantCulture, $"{_requestIdPrefix}{counter:x16}");
    }
}
