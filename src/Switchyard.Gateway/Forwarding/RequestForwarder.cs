using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Diagnostics;
using Switchyard.Gateway.Fallback;
using Switchyard.Gateway.Forwarding.Internal;
using Switchyard.Gateway.Internal;
using Switchyard.Gateway.Routing;
using Switchyard.Storage.Escalations;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway.Forwarding;

/// <summary>
/// Forwards one OpenAI request to the deployments of its route, in order, until one answers.
/// </summary>
/// <remarks>
/// <code>
/// read body (bounded) ─► parse (model, stream, ranges) ─► route lookup
///   for each deployment of the route:
///     concurrency slot? ─no─► next
///     splice body (model name, include_usage) ─► send ─► status?
///        2xx JSON  ─► buffer, validate, read usage ─► answer ─► done
///        2xx SSE   ─► wait for the first valid event ─► commit headers ─► relay event by event ─► done
///        failure before commit ─► FailoverPolicy: next deployment, or answer the error
///        failure after commit  ─► error event in the stream (never a silent truncation)
///   ─► request log entry (bounded queue)
/// </code>
/// Failover happens only before the first byte reaches the client. A client that disconnects cancels the upstream call.
/// </remarks>
internal sealed partial class RequestForwarder : IDisposable
{
    /// <summary>Largest upstream answer buffered for a non-streaming request (a broken upstream must not exhaust memory).</summary>
    private const int MaxResponseBytes = 256 * 1024 * 1024;

    /// <summary>Largest upstream error body read; errors are small, a server that sends more is cut off here.</summary>
    private const int MaxErrorBytes = 64 * 1024;

    private static readonly string[] AttemptCounts = [.. Enumerable.Range(0, 17).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private readonly GatewayRuntime _runtime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AttemptDeadlines _deadlines;
    private readonly Random _random;

    // Requests between their start and their request-log entry; WhenIdleAsync waits for none. The waiter is published
    // before the count is read, and the count is decremented before the waiter is read (both full fences), so a request
    // ending while a waiter arrives is seen by one side or the other.
    private int _inFlight;
    private TaskCompletionSource? _idle;

    public RequestForwarder(GatewayRuntime runtime, TimeProvider time, ILogger<RequestForwarder> logger)
    {
        _runtime = runtime;
        _random = runtime.Random;
        _time = time;
        _logger = logger;
        _deadlines = new AttemptDeadlines(time);
    }

    /// <summary>Requests being handled now: read, routed, called upstream or answered but not yet in the request log.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Completes when no request is being handled, so that every request answered so far has its request-log entry
    /// queued. A client can read a whole answer before its entry is queued: the entry is written after the body.
    /// </summary>
    public Task WhenIdleAsync()
    {
        var waiter = Volatile.Read(ref _idle);
        if (waiter is null)
        {
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiter = Interlocked.CompareExchange(ref _idle, created, null) ?? created;
        }

        if (Interlocked.CompareExchange(ref _inFlight, 0, 0) == 0)
        {
            Interlocked.CompareExchange(ref _idle, null, waiter);
            waiter.TrySetResult();
        }

        return waiter.Task;
    }

    private void Leave()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _idle) is { } waiter)
        {
            Interlocked.CompareExchange(ref _idle, null, waiter);
            waiter.TrySetResult();
        }
    }

    public async Task HandleAsync(HttpContext context, EndpointKind endpoint)
    {
        var start = _time.GetTimestamp();
        var requestId = RequestIds.FromRequest(context);
        var response = context.Response;
        response.Headers["x-request-id"] = requestId;

        // The snapshot this request keeps to its end, whatever configuration is swapped in meanwhile.
        var snapshot = _runtime.Acquire();
        var table = snapshot.Routes;
        var log = new LogFields { Endpoint = endpoint };
        // /v1/messages and /v1/responses are served as chat completions translated at the edge; the log says which.
        log.Ingress = (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>() as TranslatingResponseBody)?.Ingress;
        var trace = Diagnostics.Tracing.GatewayTracing.StartRequest(context, endpoint, requestId);
        byte[]? body = null;
        byte[]? scratch = null;
        Interlocked.Increment(ref _inFlight);
        try
        {
            // SECURITY: fail closed. With keys required, no request is served without an authenticated key, however it
            // got here (the middleware normally answers first).
            if (!Auth.ClientAuthentication.TryGetKey(context, snapshot.Config, out var key, out var unauthenticated))
            {
                log.Status = unauthenticated.Status;
                log.Error = unauthenticated;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await ApiErrorWriter.WriteAsync(context, unauthenticated);
                return;
            }

            (body, var bodyLength, var readError) = await ReadBodyAsync(context, snapshot.Config.Server.MaxRequestBodyBytes);
            if (readError is { } tooLarge)
            {
                log.Status = tooLarge.Status;
                log.Error = tooLarge;
                await ApiErrorWriter.WriteAsync(context, tooLarge);
                return;
            }

            if (body is null)
            {
                log.Status = StatusCodes.Status499ClientClosedRequest;
                return;
            }

            if (!TryPrepare(body.AsSpan(0, bodyLength), endpoint, table, out var parsed, out var route, out var prepareError))
            {
                log.Status = prepareError.Status;
                log.Error = prepareError;
                await ApiErrorWriter.WriteAsync(context, prepareError);
                return;
            }

            log.Route = route.Name;
            log.Table = table;
            Limits.BudgetTicket? budgetTicket = null;
            var budgetsKnown = false;
            if (key is not null)
            {
                log.KeyId = key.Id;
                log.Team = key.Team;
                var team = Auth.RouteAccess.TeamOf(key, snapshot.Config);
                if (!Auth.RouteAccess.Allows(key, team, route.Name))
                {
                    var allowed = string.Join(", ", Auth.RouteAccess.Allowed(key, snapshot.Config));
                    var forbidden = new ApiError(StatusCodes.Status403Forbidden, ApiError.InvalidRequest,
                        $"The key {key.Id} (team {key.Team}) may not use route '{route.Name}'; it may use: {(allowed.Length == 0 ? "no route of this gateway" : allowed)}. Ask your team's admin for access.", "model", "route_not_allowed");
                    log.Status = forbidden.Status;
                    log.Error = forbidden;
                    await ApiErrorWriter.WriteAsync(context, forbidden);
                    return;
                }

                // PERF: the budgets are asked with the rate limits, in one round trip with limits in Redis (decision 0023);
                // not on a cached route, where a hit reserves nothing.
                if (route.Config.Cache is null || _runtime.Cache is null)
                {
                    budgetTicket = BudgetTicketFor(context, route, parsed, endpoint, requestId, log);
                    budgetsKnown = true;
                }

                if (await LimitRateAsync(context, key, team, parsed, endpoint, requestId, budgetTicket, log) is { } limited)
                {
                    log.Status = limited.Status;
                    log.Error = limited;
                    await ApiErrorWriter.WriteAsync(context, limited);
                    return;
                }
            }

            // The counterfactual: what the answer would have cost from the route's baseline (by default its last tier).
            log.Baseline = route.BaselineDeployment?.Price ?? route.BaselinePrice;
            log.Stream = parsed.Stream;
            response.Headers["x-switchyard-route"] = route.Name;

            if (!TryDecide(context, body.AsSpan(0, bodyLength), parsed, endpoint, table, route, out var decision, out var decideError))
            {
                log.Status = decideError.Status;
                log.Error = decideError;
                await ApiErrorWriter.WriteAsync(context, decideError);
                return;
            }

            StartShadow(route, endpoint, requestId, body.AsSpan(0, bodyLength), decision.Confidential, table, log);
            log.Label = decision.Label;
            log.Rule = decision.Rule;
            log.RouterScore = decision.RouterScore;
            log.Confidential = decision.Confidential;
            response.Headers[RuleHeader] = decision.Label is { } label ? decision.Rule + ":" + label : decision.Rule;
            if (decision.Confidential is { } confidential)
            {
                response.Headers[ConfidentialHeader] = confidential;
            }

            if (decision.Explanation is { } explanation)
            {
                response.Headers[ClassificationHeader] = explanation;
            }

            if (decision.RouterScore is { } routerScore)
            {
                var learned = route.Learned!;
                response.Headers[RouterHeader] = routerScore >= learned.Threshold
                    ? string.Create(CultureInfo.InvariantCulture, $"{routerScore:0.###} >= {learned.Threshold:0.###}: sent to {learned.Target.Name}")
                    : string.Create(CultureInfo.InvariantCulture, $"{routerScore:0.###} < {learned.Threshold:0.###}");
            }

            // The cache after the plan (it is part of the key) and before budgets: a hit reserves nothing and calls nobody.
            if (route.Config.Cache is { } caching && _runtime.Cache is { } cache
                && CacheKeyFor(context, caching, cache, route, endpoint, body.AsSpan(0, bodyLength), decision, key, log) is { } cacheKey
                && await ServeCachedAsync(context, cache, caching, cacheKey, route, parsed, log))
            {
                return;
            }

            if ((budgetsKnown ? budgetTicket : BudgetTicketFor(context, route, parsed, endpoint, requestId, log)) is { } budgets
                && await ReserveBudgetsAsync(context, budgets, log) is { } refusal)
            {
                log.Status = refusal.Status;
                log.Error = refusal;
                await ApiErrorWriter.WriteAsync(context, refusal);
                return;
            }

            scratch = ArrayPool<byte>.Shared.Rent(UpstreamBody.MaxLength(bodyLength, route.MaxEncodedModelLength));
            var neededTokens = NeededTokens(body.AsSpan(0, bodyLength), endpoint, parsed, route);
            var minWindow = 0;
            var stop = false;
            // A hedge may take a deployment of a later tier: which ones it took is kept per tier (hedged routes only).
            var hedgeAfter = route.Config.HedgeAfter;
            var hedging = hedgeAfter is not null;
            // The quality gate holds whole answers back: non-streaming ones, and streams on routes that buffer them.
            var gated = route.Quality is { } gate && endpoint != EndpointKind.Embeddings && (!parsed.Stream || gate.GatesStreams)
                ? new GatedRequest(gate, Quality.AnswerFormat.Read(body.AsSpan(0, bodyLength)), parsed.MaxTokens)
                : null;
            ulong[]? triedByTier = hedging ? new ulong[decision.Order.Length] : null;
            for (var t = 0; t < decision.Order.Length && !stop; t++)
            {
                var tier = decision.Order[t];
                var tried = triedByTier?[t] ?? 0;
                while (!stop)
                {
                    var candidates = Eligible(tier, ref tried, decision, neededTokens, minWindow, log);
                    var index = Balancer.Pick(tier, candidates, _random);
                    if (index < 0)
                    {
                        break;
                    }

                    tried |= 1UL << index;
                    var deployment = tier.Members[index];
                    UpstreamFailure? failure;
                    if (triedByTier is not null)
                    {
                        triedByTier[t] = tried;
                    }

                    if (hedging)
                    {
                        var step = await HedgedAsync(context, endpoint, hedgeAfter!.Value, decision, t, triedByTier!, deployment, body.AsMemory(0, bodyLength), parsed, scratch, requestId, log, neededTokens, minWindow, gated);
                        tried = triedByTier![t];
                        minWindow = step.MinWindow;
                        failure = step.Failure;
                        // At most one hedge per request: after it, the rest of the plan is tried one call at a time.
                        hedging = !step.Hedged;
                    }
                    else
                    {
                        failure = await TryDeploymentAsync(context, endpoint, tier, deployment, body.AsMemory(0, bodyLength), parsed, scratch, requestId, log, gated: gated);
                        if (failure?.Kind == UpstreamFailureKind.ContextLength)
                        {
                            // Only a deployment with a larger window can take this prompt.
                            minWindow = Math.Max(minWindow, deployment.Config.ContextWindow);
                        }
                    }

                    if (log.Finished)
                    {
                        return;
                    }

                    if (log.Held is { } held)
                    {
                        // A whole answer, checked: it is the client's if it passed or no tier is left; otherwise the
                        // request escalates to the next tier and the better of the answers is sent in the end.
                        log.Held = null;
                        if (held.Verdict.Passed && t < decision.Order.Length - 1 && gated!.Gate.CallsModels)
                        {
                            // The cheap checks passed and a later tier could do better: now the checks that call a model.
                            await CheckWithModelsAsync(context, endpoint, held, gated, body.AsMemory(0, bodyLength), parsed, table, route, tier, decision.Confidential is not null, log, requestId);
                            if (!held.Verdict.Passed)
                            {
                                log.Requalify(held);
                            }
                        }

                        log.Best = HeldAnswer.Better(log.Best, held);
                        if (held.Verdict.Passed || t == decision.Order.Length - 1)
                        {
                            await WriteHeldAsync(context, log.Best, log, body.AsSpan(0, bodyLength), body.AsSpan(parsed.MetadataStart, parsed.MetadataLength), route, CheapTier(decision));
                            return;
                        }

                        if (log.EscalatedFrom is null)
                        {
                            log.EscalatedFrom = held;
                            log.AttemptsAtEscalation = log.Attempts;
                        }

                        GatewayLog.Escalating(_logger, requestId, held.Deployment, held.Verdict.ScoreText, held.Verdict.FailedNames ?? "");
                        break;
                    }

                    if (failure is not null)
                    {
                        stop = !FailoverPolicy.ShouldTryNext(failure);
                    }
                }
            }

            if (context.RequestAborted.IsCancellationRequested)
            {
                log.Status = StatusCodes.Status499ClientClosedRequest;
                return;
            }

            if (log.Best is { } best)
            {
                // The request escalated and no later tier answered: the held answer is better than an error.
                await WriteHeldAsync(context, best, log, body.AsSpan(0, bodyLength), body.AsSpan(parsed.MetadataStart, parsed.MetadataLength), route, CheapTier(decision));
                return;
            }

            response.Headers["x-switchyard-attempts"] = Count(log.Attempts);
            var failures = log.Failures ?? [new UpstreamFailure(UpstreamFailureKind.Unavailable, route.Name, "no deployment of the route could be tried")];

            if (log.Attempts == 0 && NothingCalled(failures, route, decision, neededTokens, parsed) is { } refused)
            {
                log.Status = refused.Status;
                log.Error = refused;
                await ApiErrorWriter.WriteAsync(context, refused);
                return;
            }

            var last = LastCalled(failures);
            if (last.UpstreamBody is { } upstreamBody && last.Kind is UpstreamFailureKind.ClientError or UpstreamFailureKind.ContextLength)
            {
                // The client's own mistake: pass the upstream's error on as it came (OpenAI's format already).
                response.Headers["x-switchyard-deployment"] = last.Deployment;
                log.Status = last.UpstreamStatus;
                log.Error = new ApiError(last.UpstreamStatus, ApiError.InvalidRequest, last.Detail);
                response.StatusCode = last.UpstreamStatus;
                response.ContentType = "application/json";
                response.ContentLength = upstreamBody.Length;
                await response.Body.WriteAsync(upstreamBody, context.RequestAborted);
                return;
            }

            if (last.UpstreamStatus != 0 && last.Kind is UpstreamFailureKind.ClientError or UpstreamFailureKind.ContextLength)
            {
                // The client's mistake, but the upstream's answer is not OpenAI JSON to pass on as it is: same status, our words.
                response.Headers["x-switchyard-deployment"] = last.Deployment;
                var rejected = new ApiError(last.UpstreamStatus, ApiError.InvalidRequest, $"Deployment '{last.Deployment}' rejected the request: {last.Detail}.", null, "upstream_rejected_request");
                log.Status = rejected.Status;
                log.Error = rejected;
                await ApiErrorWriter.WriteAsync(context, rejected);
                return;
            }

            var error = FailureMapper.ToApiError(route.Name, failures);
            log.Status = error.Status;
            log.Error = error;
            await ApiErrorWriter.WriteAsync(context, error);
        }
        catch (Exception e) when (context.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            log.Status = StatusCodes.Status499ClientClosedRequest;
        }
        catch (BadHttpRequestException e)
        {
            // The client's upload was cut short, too slow or malformed at the HTTP level: its fault, not the gateway's.
            GatewayLog.BadClientRequest(_logger, requestId, e.Message);
            log.Status = e.StatusCode;
            log.Error = ApiError.BadRequest($"The request could not be read: {e.Message}");
            if (!response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                await ApiErrorWriter.WriteAsync(context, new ApiError(e.StatusCode, ApiError.InvalidRequest, $"The request could not be read: {e.Message}", null, "bad_request_body"));
            }
        }
        catch (Exception e)
        {
            // A bug, not an upstream outcome: the client still gets OpenAI's error shape and the request id to report.
            GatewayLog.Unexpected(_logger, requestId, e);
            log.Status = StatusCodes.Status500InternalServerError;
            log.Error = new ApiError(StatusCodes.Status500InternalServerError, ApiError.ServerErrorType, "The gateway failed unexpectedly.", Code: "internal_error");
            if (!response.HasStarted)
            {
                await ApiErrorWriter.WriteAsync(context, new ApiError(
                    StatusCodes.Status500InternalServerError,
                    ApiError.ServerErrorType,
                    $"The gateway failed unexpectedly while handling request {requestId}. Please report it with this id.",
                    null,
                    "internal_error"));
            }
        }
        finally
        {
            if (body is not null)
            {
                ArrayPool<byte>.Shared.Return(body);
            }

            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            Record(requestId, start, log);
            Observe(start, log, trace);
            ForkShadow(requestId, start, log);
            try
            {
                await SettleLimitsAsync(log);
            }
            finally
            {
                // Whatever the stores did, the snapshot is given back and the request counted out.
                _runtime.Release(snapshot);
                Leave();
            }
        }
    }

    public void Dispose() => _deadlines.Dispose();

    private static string Count(int attempts) => attempts < AttemptCounts.Length ? AttemptCounts[attempts] : attempts.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The prompt's tokens plus <c>max_tokens</c>, for the context-window check. The parser's estimate (a quarter of the
    /// prompt's JSON bytes) costs nothing and never errs low, but counts images and audio sent inline as base64 as if they
    /// were text; when it would rule out some deployment, the text alone is measured (PromptText) before anything is skipped.
    /// </summary>
    private static int NeededTokens(ReadOnlySpan<byte> body, EndpointKind endpoint, in ParsedRequest parsed, Route route)
    {
        var answer = parsed.MaxTokens ?? 1;
        var rough = parsed.EstimatedPromptTokens + answer;
        if (rough <= route.SmallestWindow)
        {
            return rough;
        }

        Routing.Content.PromptText.Extract(body, endpoint, [], out var chars, out var messages);
        return Math.Min(rough, Routing.Content.PromptText.EstimateTokens(chars, messages) + answer);
    }

    /// <summary>Parses the body and finds the route. Synchronous so the model name can live on the stack.</summary>
    private static bool TryPrepare(ReadOnlySpan<byte> body, EndpointKind endpoint, RouteTable table, out ParsedRequest parsed, out Route route, out ApiError error)
    {
        Span<char> model = stackalloc char[256];
        route = null!;
        if (!RequestParser.TryParse(body, endpoint, model, out parsed, out var modelChars, out error))
        {
            return false;
        }

        if (!table.TryGetRoute(model[..modelChars], out route))
        {
            error = new ApiError(
                StatusCodes.Status404NotFound,
                ApiError.InvalidRequest,
                $"The model '{model[..modelChars]}' does not exist on this gateway. Available models: {table.DescribeRoutes()}.",
                "model",
                "model_not_found");
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reads the whole request body into a pooled array, refusing more than <paramref name="limit"/> bytes.
    /// Returns a null array when the client went away.
    /// </summary>
    private static async ValueTask<(byte[]? Body, int Length, ApiError? Error)> ReadBodyAsync(HttpContext context, long limit)
    {
        var request = context.Request;
        if (request.ContentLength is { } declared && declared > limit)
        {
            return (null, 0, TooLarge(declared, limit));
        }

        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(context.RequestAborted);
            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                return (null, 0, TooLarge(null, limit));
            }

            if (result.IsCompleted)
            {
                var length = (int)buffer.Length;
                var array = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
                buffer.CopyTo(array);
                reader.AdvanceTo(buffer.End);
                return (array, length, null);
            }

            if (result.IsCanceled)
            {
                return (null, 0, null);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static ApiError TooLarge(long? declared, long limit) => new(
        StatusCodes.Status413PayloadTooLarge,
        ApiError.InvalidRequest,
        (declared is { } size ? $"The request body is {size:N0} bytes" : "The request body is larger than the limit")
            + $"; this gateway accepts at most {limit:N0} bytes (server.max_request_body_bytes). Send a smaller request or raise the limit.",
        null,
        "request_too_large");

    private void Record(string requestId, long start, LogFields log)
    {
        var writer = _runtime.RequestLog;
        if (writer is null)
        {
            return;
        }

        var costs = log.Costs();
        log.FinalCosts = costs;
        var entry = new RequestLogEntry
        {
            Timestamp = _time.GetUtcNow() - _time.GetElapsedTime(start),
            RequestId = requestId,
            Endpoint = log.Ingress ?? log.Endpoint switch
            {
                EndpointKind.ChatCompletions => "chat.completions",
                EndpointKind.Completions => "completions",
                _ => "embeddings",
            },
            Route = log.Route,
            Deployment = log.Deployment,
            Attempts = log.Attempts,
            Status = log.Status,
            Stream = log.Stream,
            LatencyMs = _time.GetElapsedTime(start).TotalMilliseconds,
            TimeToFirstTokenMs = log.Stream && log.FirstByte != 0 ? _time.GetElapsedTime(start, log.FirstByte).TotalMilliseconds : null,
            InputTokens = log.Usage?.PromptTokens,
            OutputTokens = log.Usage?.CompletionTokens,
            ErrorType = log.Error?.Code ?? log.Error?.Type,
            ErrorMessage = log.Error?.Message,
            Tier = log.Tier,
            Label = log.Label,
            Rule = log.Rule,
            RouterScore = log.RouterScore,
            UsageEstimated = log.Usage?.Estimated == true,
            CachedTokens = log.Usage?.CachedTokens,
            ReasoningTokens = log.Usage?.ReasoningTokens,
            KeyId = log.KeyId,
            Team = log.Team,
            CostUsd = costs.Answer,
            ExtraCostUsd = costs.Extra,
            EscalatedCostUsd = costs.Escalated,
            ChecksCostUsd = costs.Checks,
            FailedCostUsd = costs.Failed,
            CostParts = costs.Parts,
            CostEstimated = costs.Estimated,
            BaselineCostUsd = costs.Baseline,
            Confidential = log.Confidential,
            FallbackReason = log.Status is >= 200 and < 300 ? DescribeFallback(log.Failures) : null,
            AttemptsJson = log.AttemptsJson(),
            QualityScore = log.Quality?.Score,
            QualityFailed = log.Quality?.FailedNames,
            EscalatedFrom = log.Escalated ? log.EscalatedFrom?.Deployment : null,
            Escalation = log.EscalationRequest is { } request && log.EscalatedFrom is { } cheap && log.Sent is { } sent
                ? new EscalationRecord
                {
                    RequestId = requestId,
                    Timestamp = _time.GetUtcNow() - _time.GetElapsedTime(start),
                    Route = log.Route!,
                    Endpoint = log.Endpoint == EndpointKind.Completions ? "completions" : "chat.completions",
                    Label = log.Label,
                    Confidential = log.Confidential,
                    Request = request,
                    CheapDeployment = cheap.Deployment,
                    CheapTier = cheap.Tier,
                    CheapAnswer = cheap.Text(),
                    CheapScore = cheap.Verdict.Score,
                    CheapFailed = cheap.Verdict.FailedNames,
                    CheapReasons = cheap.Verdict.Reasons,
                    CheapJudgeScore = cheap.JudgeScore,
                    CheapInputTokens = cheap.Usage?.PromptTokens,
                    CheapOutputTokens = cheap.Usage?.CompletionTokens,
                    CheapCostUsd = cheap.Cost,
                    CheapLatencyMs = Math.Round(cheap.Milliseconds, 2),
                    CheapSignals = cheap.Signals(),
                    FinalDeployment = sent.Deployment,
                    FinalTier = sent.Tier,
                    FinalAnswer = sent.Text(),
                    FinalScore = sent.Verdict.Score,
                    FinalFailed = sent.Verdict.FailedNames,
                    FinalJudgeScore = sent.JudgeScore,
                    FinalInputTokens = sent.Usage?.PromptTokens,
                    FinalOutputTokens = sent.Usage?.CompletionTokens,
                    FinalCostUsd = sent.Cost,
                    FinalLatencyMs = Math.Round(sent.Milliseconds, 2),
                    FinalSignals = sent.Signals(),
                    Tags = log.Tags,
                }
                : null,
            Sample = log.SamplePrompt is { } prompt
                ? new OutcomeSample
                {
                    Timestamp = _time.GetUtcNow() - _time.GetElapsedTime(start),
                    Source = log.Quality?.Passed == true ? "passed" : "unescalated",
                    Route = log.Route,
                    Label = log.Label,
                    Tags = log.Tags,
                    Prompt = prompt,
                    CheapFailed = log.Quality?.Passed != true,
                    CheapScore = log.Quality?.Score,
                }
                : null,
        };
        // A full queue drops the entry; the writer counts drops and reports them at most every 10 s, since a line per
        // dropped entry would flood the log exactly when the gateway is busiest.
        writer.TryWrite(entry);
    }

    /// <summary>What the request log needs, gathered as the request goes (one object per request).</summary>
    private sealed partial class LogFields
    {
        public EndpointKind Endpoint;

        /// <summary>The API the client called when it is not <see cref="Endpoint"/>'s own (<c>messages</c>), for the log.</summary>
        public string? Ingress;
        public string? Route;
        public string? Deployment;
        public string? Tier;
        public string? Label;
        public string? Rule;
        public double? RouterScore;
        public string? Confidential;
        public string? KeyId;
        public string? Team;
        public int Attempts;

        /// <summary>The routes and deployments this request was served from: the prices of every attempt.</summary>
        public RouteTable? Table;

        /// <summary>The price of the route's last tier, for the counterfactual cost.</summary>
        public Economics.DeploymentPrice? Baseline;

        /// <summary>The budgets this request reserved its worst case in (and the windows), to settle with what it really cost.</summary>
        public Limits.BudgetTicket? Budgets;

        /// <summary>The costs the request log recorded, for the budgets to settle with (computed once, when recorded).</summary>
        public RequestCosts? FinalCosts;

        /// <summary>For a leg of a hedge: the request's own log, whose earlier calls' costs count in the leg's cost header.</summary>
        public LogFields? Parent;

        /// <summary>The limits (a key's id, <c>team:NAME</c>) that counted this request, and what each counted, to settle after it.</summary>
        public Limits.RateTicket? RateLimited;
        public int Status;
        public bool Stream;
        public long FirstByte;
        public Usage? Usage;
        public ApiError? Error;

        /// <summary>The client has its answer (or is gone): nothing more is to be tried.</summary>
        public bool Finished;

        /// <summary>The quality verdict of the answer the client got, on a gated route.</summary>
        public Quality.QualityVerdict? Quality;

        /// <summary>The answer the quality gate holds from the last attempt, until the request decides on it.</summary>
        public HeldAnswer? Held;

        /// <summary>The best answer held so far (the client gets it if no later tier does better).</summary>
        public HeldAnswer? Best;

        /// <summary>The answer that escalated first, for headers and the log.</summary>
        public HeldAnswer? EscalatedFrom;

        /// <summary>Calls made when the request escalated: any beyond it were the escalation's.</summary>
        public int AttemptsAtEscalation;

        /// <summary>Whether the answer sent came after an escalation that called another deployment.</summary>
        public bool Escalated;

        /// <summary>The held answer the client got.</summary>
        public HeldAnswer? Sent;

        /// <summary>The client's body as text, kept for the escalation record (escalated requests on recording routes only).</summary>
        public string? EscalationRequest;

        /// <summary>The prompt's text, when this request is kept as an outcome sample for the learned router.</summary>
        public string? SamplePrompt;

        /// <summary>The request's tags (<see cref="RouterTags.Of"/>), kept with its escalation record or outcome sample.</summary>
        public string? Tags;

        /// <summary>Every failed or skipped deployment, in order.</summary>
        public List<UpstreamFailure>? Failures;

        private List<AttemptRecord>? _attempts;

        /// <summary>Every deployment considered, in order (for the metrics); <see langword="null"/> when none was.</summary>
        public List<AttemptRecord>? AttemptRecords => _attempts;

        public void Fail(UpstreamFailure failure) => (Failures ??= []).Add(failure);

        public void Record(AttemptRecord attempt) => (_attempts ??= new List<AttemptRecord>(2)).Add(attempt);

        /// <summary>The held answer's attempt, once the checks that call a model have turned it down.</summary>
        public void Requalify(HeldAnswer held)
        {
            for (var i = (_attempts?.Count ?? 0) - 1; i >= 0; i--)
            {
                var attempt = _attempts![i];
                if (ReferenceEquals(attempt.Answer, held) && attempt.Outcome == "ok")
                {
                    _attempts[i] = attempt with { Outcome = "below_threshold", Quality = held.Verdict.Score };
                    return;
                }
            }
        }

        /// <summary>
        /// Takes in one leg of a hedge: its calls and failures are added; its deployment, tier, usage and status are taken
        /// when it is the <paramref name="winner"/>, or when nobody won (the later leg's then stand, as after any failover).
        /// </summary>
        public void Absorb(LogFields leg, bool winner)
        {
            Attempts += leg.Attempts;
            foreach (var attempt in leg._attempts ?? [])
            {
                Record(attempt);
            }

            foreach (var failure in leg.Failures ?? [])
            {
                Fail(failure);
            }

            if (Finished && !winner)
            {
                return;
            }

            if (leg.Deployment is not null)
            {
                Deployment = leg.Deployment;
                Tier = leg.Tier;
            }

            Usage = leg.Usage ?? Usage;
            Held = leg.Held ?? Held;
            FirstByte = leg.FirstByte != 0 ? leg.FirstByte : FirstByte;
            if (leg.Finished)
            {
                Finished = true;
                Status = leg.Status;
                Error = leg.Error;
            }
        }

        /// <summary>
        /// Every attempt and skip as JSON, or <see langword="null"/> for the common case of one call that answered (the
        /// row's deployment, tier and status say all of it): building the array for every request cost measurable
        /// throughput (bench/results/latest.md).
        /// </summary>
        public string? AttemptsJson()
        {
            if (CachedFrom is { } cached)
            {
                // No call: the answer came from the cache, first given by this deployment.
                return cached.Deployment is { } first
                    ? System.Text.Json.JsonSerializer.Serialize(new[] { new Dictionary<string, string?> { ["outcome"] = "cache_hit", ["deployment"] = first, ["tier"] = cached.Tier } })
                    : "[{\"outcome\":\"cache_hit\"}]";
            }

            if (_attempts is null || (_attempts.Count == 1 && _attempts[0] is { Outcome: "ok", Quality: null }))
            {
                return null;
            }

            using var buffer = new MemoryStream(64 * _attempts.Count);
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                writer.WriteStartArray();
                foreach (var attempt in _attempts)
                {
                    writer.WriteStartObject();
                    writer.WriteString("deployment"u8, attempt.Deployment);
                    writer.WriteString("tier"u8, attempt.Tier);
                    writer.WriteString("outcome"u8, attempt.Outcome);
                    if (attempt.Status != 0)
                    {
                        writer.WriteNumber("status"u8, attempt.Status);
                    }

                    if (attempt.Milliseconds > 0)
                    {
                        writer.WriteNumber("ms"u8, Math.Round(attempt.Milliseconds, 2));
                    }

                    if (attempt.Hedge)
                    {
                        writer.WriteBoolean("hedge"u8, true);
                    }

                    if (attempt.Quality is { } quality)
                    {
                        writer.WriteNumber("quality"u8, Math.Round(quality, 3));
                    }

                    if (attempt.Usage is { } usage)
                    {
                        writer.WriteNumber("input_tokens"u8, usage.PromptTokens);
                        writer.WriteNumber("output_tokens"u8, usage.CompletionTokens);
                        if (usage.CachedTokens > 0)
                        {
                            writer.WriteNumber("cached_tokens"u8, usage.CachedTokens);
                        }

                        if (usage.ReasoningTokens > 0)
                        {
                            writer.WriteNumber("reasoning_tokens"u8, usage.ReasoningTokens);
                        }

                        if (usage.Estimated)
                        {
                            writer.WriteBoolean("estimated"u8, true);
                        }

                        if (attempt.Price is { } price)
                        {
                            writer.WriteNumber("cost_usd"u8, Math.Round(price.Cost(usage), 10));
                        }
                    }

                    if (attempt.Error is { } error)
                    {
                        writer.WriteString("error"u8, error);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
    }

    /// <summary>
    /// One deployment considered for a request: called (with its outcome) or skipped (with the reason). <c>Hedge</c>:
    /// considered as the hedge of a slow first call. <c>Tier</c> is <see langword="null"/> for a judge outside the route's tiers.
    /// </summary>
    private readonly record struct AttemptRecord(string Deployment, string? Tier, string Outcome, int Status, double Milliseconds, bool Hedge = false, double? Quality = null)
    {
        /// <summary>What the call's tokens went to, when it is known to have spent any.</summary>
        public Spend Spend { get; init; }

        /// <summary>The tokens it spent (the upstream's count, or an estimate marked so).</summary>
        public Usage? Usage { get; init; }

        /// <summary>The deployment's price when the call was made.</summary>
        public Economics.DeploymentPrice? Price { get; init; }

        /// <summary>The answer the quality gate held from this call (whether or not the client got it).</summary>
        public HeldAnswer? Answer { get; init; }

        /// <summary>Why a call made for a check failed (<c>no answer within 10s</c>), whether or not that failed the check.</summary>
        public string? Error { get; init; }
    }

    /// <summary>What a call's tokens were spent on.</summary>
    private enum Spend
    {
        /// <summary>Nothing known to be billed (a skip, an error answer, a failure before any token).</summary>
        None,

        /// <summary>The answer the client got (unless the request failed after it).</summary>
        Answer,

        /// <summary>A whole answer the quality gate held: the client's if it is the one sent, else escalated past.</summary>
        Held,

        /// <summary>A judge or agreement call.</summary>
        Check,

        /// <summary>A call that failed after tokens flowed.</summary>
        Failed,
    }
}
