using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Reflection;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Routing;

namespace Switchyard.Gateway.Diagnostics.Tracing;

/// <summary>
/// The gateway's spans: one server span per request, a client span per call to a deployment (answers, retries, hedges)
/// and per judge or agreement call, named and tagged after the OpenTelemetry GenAI semantic conventions, plus
/// <c>switchyard.*</c> attributes. The W3C <c>traceparent</c> of each call is sent to the upstream.
/// </summary>
/// <remarks>
/// <para>
/// PERF: with no listener (<c>telemetry.otlp</c> unset, the default) <see cref="ActivitySource.HasListeners"/> is false:
/// each hook is one volatile read and a branch, nothing is allocated, and no <c>traceparent</c> is read or written.
/// </para>
/// <para>
/// SECURITY: spans never hold prompt or completion text, API keys or headers: only names, numbers, outcomes and the
/// request id. A client's own <c>traceparent</c> is honoured (its trace continues, and its sampling decision is
/// followed), as W3C Trace Context intends for a service inside a company's network.
/// </para>
/// </remarks>
internal static class GatewayTracing
{
    /// <summary>The <see cref="ActivitySource"/> name a tracer provider listens to.</summary>
    public const string SourceName = "Switchyard.Gateway";

    // Attribute names: OpenTelemetry semantic conventions (GenAI: development status, as of v1.37), then ours.
    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string ErrorType = "error.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string HttpMethod = "http.request.method";
    public const string HttpStatus = "http.response.status_code";
    public const string UrlPath = "url.path";
    public const string Route = "switchyard.route";
    public const string Tier = "switchyard.tier";
    public const string Deployment = "switchyard.deployment";
    public const string Team = "switchyard.team";
    public const string RequestId = "switchyard.request_id";
    public const string Attempt = "switchyard.attempt";
    public const string Attempts = "switchyard.attempts";
    public const string Outcome = "switchyard.outcome";
    public const string Escalated = "switchyard.escalated";
    public const string EscalatedFrom = "switchyard.escalated_from";
    public const string QualityScore = "switchyard.quality.score";
    public const string Check = "switchyard.check";
    public const string Fallback = "switchyard.fallback_reason";
    public const string CostUsd = "switchyard.cost_usd";
    public const string ExtraCostUsd = "switchyard.extra_cost_usd";
    public const string BaselineCostUsd = "switchyard.baseline_cost_usd";
    public const string Stream = "switchyard.stream";

    public static readonly ActivitySource Source = new(SourceName, typeof(GatewayTracing).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    /// <summary>Whether any tracer listens: false when traces are off.</summary>
    public static bool Enabled => Source.HasListeners();

    /// <summary>
    /// Starts the server span of a request (a child of the caller's <c>traceparent</c> when it sent a valid one), or
    /// returns <see langword="null"/> when traces are off or the sampler drops it. Its name and most attributes are set
    /// when the request ends (<see cref="EndRequest"/>): the route is not known yet.
    /// </summary>
    public static Activity? StartRequest(HttpContext context, EndpointKind endpoint, string requestId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var headers = context.Request.Headers;
        ActivityContext parent = default;
        if (headers.TraceParent is { Count: 1 } traceparent
            && ActivityContext.TryParse(traceparent[0], headers.TraceState is { Count: 1 } state ? state[0] : null, isRemote: true, out var remote))
        {
            parent = remote;
        }

        var activity = Source.StartActivity(Operation(endpoint), ActivityKind.Server, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(OperationName, Operation(endpoint));
            activity.SetTag(HttpMethod, context.Request.Method);
            activity.SetTag(UrlPath, context.Request.Path.Value);
            activity.SetTag(RequestId, requestId);
        }

        return activity;
    }

    /// <summary>What the request came to, set on its server span, which is then ended.</summary>
    public static void EndRequest(Activity activity, in RequestSpan request)
    {
        if (activity.IsAllDataRequested)
        {
            var operation = Operation(request.Endpoint);
            activity.DisplayName = request.Route is null ? operation : operation + " " + request.Route;
            activity.SetTag(RequestModel, request.Route);
            activity.SetTag(ResponseModel, request.ResponseModel);
            activity.SetTag(Route, request.Route);
            activity.SetTag(Tier, request.Tier);
            activity.SetTag(Deployment, request.Deployment);
            activity.SetTag(Team, request.Team);
            activity.SetTag(HttpStatus, request.Status);
            activity.SetTag(Stream, request.Stream);
            activity.SetTag(Attempts, request.Attempts);
            if (request.InputTokens is { } input)
            {
                activity.SetTag(InputTokens, input);
            }

            if (request.OutputTokens is { } output)
            {
                activity.SetTag(OutputTokens, output);
            }

            activity.SetTag(Escalated, request.Escalated);
            activity.SetTag(EscalatedFrom, request.EscalatedFrom);
            activity.SetTag(QualityScore, request.QualityScore);
            activity.SetTag(Fallback, request.FallbackReason);
            activity.SetTag(CostUsd, request.Cost);
            activity.SetTag(ExtraCostUsd, request.ExtraCost);
            activity.SetTag(BaselineCostUsd, request.BaselineCost);
            if (request.Status >= 400)
            {
                activity.SetTag(ErrorType, request.Error ?? request.Status.ToString(CultureInfo.InvariantCulture));
            }

            // A server span is an error only when the server failed (HTTP semantic conventions): not for a client's 4xx.
            if (request.Status >= 500)
            {
                activity.SetStatus(ActivityStatusCode.Error, request.Error);
            }
        }

        activity.Stop();
    }

    /// <summary>
    /// Starts the client span of call number <paramref name="attempt"/> (0: a check's call) to <paramref name="deployment"/>
    /// of <paramref name="tier"/> on <paramref name="endpoint"/>, for <paramref name="check"/> (<c>judge</c>,
    /// <c>agreement</c>) or, when it is <see langword="null"/>, for the answer. <see langword="null"/> when traces are off.
    /// </summary>
    public static Activity? StartCall(Deployment deployment, EndpointKind endpoint, string? tier, int attempt, string? check = null)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var model = deployment.Config.Model;
        var activity = Source.StartActivity(Operation(endpoint) + " " + model, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            var server = deployment.Provider.BaseUrl;
            activity.SetTag(OperationName, Operation(endpoint));
            activity.SetTag(ProviderName, Provider(deployment.Provider.Kind));
            activity.SetTag(RequestModel, model);
            activity.SetTag(ServerAddress, server.Host);
            activity.SetTag(ServerPort, server.Port);
            activity.SetTag(Deployment, deployment.Name);
            activity.SetTag(Tier, tier);
            if (attempt > 0)
            {
                activity.SetTag(Attempt, attempt);
            }

            activity.SetTag(Check, check);
        }

        return activity;
    }

    /// <summary>
    /// What one call came to, set on its <paramref name="activity"/>, which is then ended: its <paramref name="outcome"/>
    /// as the request log's attempts name it (<c>ok</c>, <c>below_threshold</c>, <c>timeout</c>, <c>judge</c>...), which
    /// becomes <c>error.type</c> when the call <paramref name="failed"/>; the upstream's HTTP <paramref name="status"/>,
    /// <paramref name="inputTokens"/>, <paramref name="outputTokens"/> and the answer's <paramref name="qualityScore"/>.
    /// </summary>
    public static void EndCall(Activity activity, string outcome, bool failed, int status, int? inputTokens, int? outputTokens, double? qualityScore = null)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(Outcome, outcome);
            if (status != 0)
            {
                activity.SetTag(HttpStatus, status);
            }

            if (inputTokens is { } input)
            {
                activity.SetTag(InputTokens, input);
            }

            if (outputTokens is { } output)
            {
                activity.SetTag(OutputTokens, output);
            }

            activity.SetTag(QualityScore, qualityScore);
            if (failed)
            {
                activity.SetTag(ErrorType, outcome);
                activity.SetStatus(ActivityStatusCode.Error, outcome);
            }
        }

        activity.Stop();
    }

    /// <summary>
    /// Adds the W3C <c>traceparent</c> (and <c>tracestate</c>) of the current call's span to an upstream request, so the
    /// model server's own spans join the trace. Nothing when traces are off or the span is not the gateway's.
    /// </summary>
    public static void Inject(HttpRequestHeaders headers)
    {
        if (Activity.Current is not { } current || !ReferenceEquals(current.Source, Source) || current.IdFormat != ActivityIdFormat.W3C)
        {
            return;
        }

        headers.TryAddWithoutValidation("traceparent", current.Id);
        if (current.TraceStateString is { Length: > 0 } traceState)
        {
            headers.TryAddWithoutValidation("tracestate", traceState);
        }
    }

    /// <summary><c>gen_ai.operation.name</c> of an endpoint.</summary>
    public static string Operation(EndpointKind endpoint) => endpoint switch
    {
        EndpointKind.ChatCompletions => "chat",
        EndpointKind.Completions => "text_completion",
        EndpointKind.Embeddings => "embeddings",
        _ => endpoint.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// <c>gen_ai.provider.name</c>: the wire format's provider. Every OpenAI-compatible server (vLLM, TGI, Ollama...) is
    /// <c>openai</c>, as the conventions ask; <c>server.address</c> and the model tell them apart. Anthropic and Azure
    /// OpenAI have the conventions' own well-known values.
    /// </summary>
    public static string Provider(ProviderKind kind) => kind switch
    {
        ProviderKind.Anthropic => "anthropic",
        ProviderKind.AzureOpenAI => "azure.ai.openai",
        _ => "openai",
    };
}
