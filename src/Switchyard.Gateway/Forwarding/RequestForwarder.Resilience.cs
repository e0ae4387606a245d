using System.Buffers;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Diagnostics;
using Switchyard.Gateway.Fallback;
using Switchyard.Gateway.Routing;

namespace Switchyard.Gateway.Forwarding;

internal sealed partial class RequestForwarder
{
    /// <summary>
    /// Tries one deployment, with its retries. Returns its last failure, or <see langword="null"/> with
    /// <see cref="LogFields.Finished"/> set when the client has its answer (or a broken stream's error event, or is gone).
    /// </summary>
    /// <remarks>
    /// Retries only what another try may cure: connect failures, timeouts, 429 and 500/502/503/504. The wait is full
    /// jitter over an exponential backoff (AWS's "exponential backoff and jitter"), or the upstream's Retry-After when it
    /// is longer; a Retry-After beyond max_backoff is not waited for: the next deployment is tried instead.
    /// As a <paramref name="leg"/> of a hedge it writes to its own log and no response header until it wins the race
    /// (<see cref="HedgedAsync"/>), and stops as soon as the other leg has won.
    /// </remarks>
    private async ValueTask<UpstreamFailure?> TryDeploymentAsync(
        HttpContext context,
        EndpointKind endpoint,
        Tier tier,
        Deployment deployment,
        ReadOnlyMemory<byte> body,
        ParsedRequest parsed,
        byte[] scratch,
        string requestId,
        LogFields log,
        HedgeLeg? leg = null,
        GatedRequest? gated = null)
    {
        var retry = deployment.Config.Retry;
        var hedge = leg?.Index == 1;
        var askLogprobs = AsksLogprobs(gated, parsed, deployment);
        for (var n = 0; ; n++)
        {
            if (leg is { Lost: true })
            {
                return leg.LostFailure(deployment.Name);
            }

            if (deployment.Withdrawn)
            {
                log.Record(new AttemptRecord(deployment.Name, tier.Name, "skipped:withdrawn", 0, 0, hedge));
                var withdrawn = new UpstreamFailure(UpstreamFailureKind.Unavailable, deployment.Name, $"its registry model '{deployment.Config.RegistryModel}' is no longer approved") { Skipped = true };
                log.Fail(withdrawn);
                return withdrawn;
            }

            if (!deployment.Health.TryAcquire())
            {
                log.Record(new AttemptRecord(deployment.Name, tier.Name, "skipped:saturated", 0, 0, hedge));
                var saturated = new UpstreamFailure(UpstreamFailureKind.Saturated, deployment.Name, $"at its max_concurrency of {deployment.Health.MaxConcurrency}") { Skipped = true };
                log.Fail(saturated);
                return saturated;
            }

            if (leg is null)
            {
                var headers = context.Response.Headers;
                headers[TierHeader] = tier.Name;
                if (log.Failures is { Count: > 0 })
                {
                    headers[FallbackReasonHeader] = DescribeFallback(log.Failures);
                }
            }
            else
            {
                leg.Tier = tier;
                leg.Deployment = deployment;
            }

            log.Attempts++;
            var attemptStart = _time.GetTimestamp();
            // PERF: the circuit is consulted here rather than in a method of its own: one async layer fewer per attempt.
            var circuit = deployment.Health.Circuit;
            var rejected = circuit is not null && !Enter(context, circuit);
            AttemptResult result = default;
            try
            {
                if (!rejected)
                {
                    var length = UpstreamBody.Build(body.Span, parsed, deployment.EncodedModel, scratch, askLogprobs ? UpstreamBody.LogprobsValue(endpoint) : default);
                    result = await AttemptTracedAsync(tier, context, endpoint, deployment, parsed, scratch.AsMemory(0, length), requestId, log.Attempts, log, leg, gated);
                }
            }
            catch (OperationCanceledException)
            {
                circuit?.Abandon();
                throw;
            }
            catch (Exception e)
            {
                circuit?.Record(DeploymentHealth.CountsAsFailure(e));
                throw;
            }
            finally
            {
                deployment.Health.Release();
            }

            if (circuit is not null && !rejected)
            {
                if (result.Failure?.Kind is UpstreamFailureKind.ClientGone or UpstreamFailureKind.HedgeLost)
                {
                    // Cut short by the client or by the hedge: no verdict on the server either way.
                    circuit.Abandon();
                }
                else
                {
                    circuit.Record(DeploymentHealth.CountsAsFailure(result));
                }
            }

            if (rejected)
            {
                // The circuit opened (or let its one half-open probe go elsewhere) since the plan was made: not called.
                log.Attempts--;
                log.Record(new AttemptRecord(deployment.Name, tier.Name, "skipped:circuit_open", 0, 0, hedge));
                var open = new UpstreamFailure(UpstreamFailureKind.Unavailable, deployment.Name, "its circuit breaker is open after repeated failures") { Skipped = true };
                log.Fail(open);
                return open;
            }

            var elapsed = _time.GetElapsedTime(attemptStart).TotalMilliseconds;
            if (result.Usage is { } served && deployment.Meter is { } meter)
            {
                // Every token the server produced counts in its measured throughput, whatever became of the answer.
                meter.Add(served.PromptTokens + served.CompletionTokens, _time.GetUtcNow());
            }
            if (result.Failure is { Kind: UpstreamFailureKind.HedgeLost } lost)
            {
                // Cancelled because the other call of the hedge answered first: not this deployment's failure, not retried.
                log.Record(new AttemptRecord(deployment.Name, tier.Name, "hedge_lost", 0, elapsed, hedge) { Spend = Spent(result), Usage = result.Usage, Price = result.Price });
                return lost;
            }

            log.Deployment = deployment.Name;
            log.Tier = tier.Name;
            if (result.Failure is null || result.Committed)
            {
                // A failure's tokens are its attempt's, not the request's answer (unless the client already has part of it).
                log.Usage = result.Usage ?? log.Usage;
            }

            log.FirstByte = result.FirstByteTimestamp;
            if (result.Held is { } held)
            {
                // A whole answer the quality gate holds: the request decides which answer the client gets.
                held.Tier = tier.Name;
                held.GatewayLogprobs = askLogprobs;
                held.Milliseconds = elapsed;
                log.Held = held;
                log.Record(new AttemptRecord(deployment.Name, tier.Name, held.Verdict.Passed ? "ok" : "below_threshold", result.Status, elapsed, hedge, held.Verdict.Score)
                {
                    Spend = Spend.Held,
                    Usage = held.Usage,
                    Price = held.Price,
                    Answer = held,
                });
                return null;
            }

            if (result.Failure is not { } failure)
            {
                log.Record(new AttemptRecord(deployment.Name, tier.Name, "ok", result.Status, elapsed, hedge) { Spend = Spend.Answer, Usage = result.Usage, Price = result.Price });
                log.Status = result.Status;
                log.Finished = true;
                if (result.FirstByteTimestamp != 0)
                {
                    deployment.Health.RecordTimeToFirstToken(_time.GetElapsedTime(attemptStart, result.FirstByteTimestamp).TotalMilliseconds);
                }

                return null;
            }

            if (askLogprobs && RejectsLogprobs(failure))
            {
                // The gateway's own addition failed the call, not the client's request: the same call again without it,
                // at once and outside the retry budget (askLogprobs is now off: at most once per deployment and request).
                askLogprobs = false;
                if (deployment.RefuseLogprobs())
                {
                    GatewayLog.LogprobsRejected(_logger, deployment.Name, failure.Detail);
                }

                log.Record(new AttemptRecord(deployment.Name, tier.Name, "logprobs_rejected", failure.UpstreamStatus, elapsed, hedge));
                n--;
                continue;
            }

            log.Record(new AttemptRecord(deployment.Name, tier.Name, FailureKinds.Describe(failure.Kind), failure.UpstreamStatus, elapsed, hedge) { Spend = Spent(result), Usage = result.Usage, Price = result.Price });
            if (result.Committed)
            {
                // The client already has part of a stream: it got an error event; nothing else can be tried.
                GatewayLog.StreamBrokeAfterCommit(_logger, requestId, deployment.Name, failure.Kind, failure.Detail);
                log.Fail(failure);
                log.Status = StatusCodes.Status502BadGateway;
                log.Error = new ApiError(StatusCodes.Status502BadGateway, ApiError.UpstreamErrorType, failure.Detail, Code: "stream_interrupted");
                log.Finished = true;
                return failure;
            }

            if (failure.Kind == UpstreamFailureKind.ClientGone)
            {
                GatewayLog.ClientGone(_logger, requestId);
                log.Status = StatusCodes.Status499ClientClosedRequest;
                log.Finished = true;
                return failure;
            }

            GatewayLog.AttemptFailed(_logger, requestId, deployment.Name, failure.Kind, failure.Detail);
            log.Fail(failure);
            if (n >= retry.Attempts || !IsRetriable(failure) || Backoff(retry, n, failure) is not { } delay)
            {
                return failure;
            }

            try
            {
                await Task.Delay(delay, _time, leg?.Token ?? context.RequestAborted);
            }
            catch (OperationCanceledException) when (leg is { Lost: true } && !context.RequestAborted.IsCancellationRequested)
            {
                return leg.LostFailure(deployment.Name);
            }
            catch (OperationCanceledException)
            {
                log.Status = StatusCodes.Status499ClientClosedRequest;
                log.Finished = true;
                return failure;
            }
        }
    }

    /// <summary>A failed call whose tokens flowed before it failed is billed: it is a failed cost.</summary>
    private static Spend Spent(in AttemptResult result) => result.Usage is null ? Spend.None : Spend.Failed;

    /// <summary>Asks the circuit to let an attempt through. A client already gone is not offered to it (neither a probe nor a sample).</summary>
    private static bool Enter(HttpContext context, CircuitBreakerState circuit)
    {
        context.RequestAborted.ThrowIfCancellationRequested();
        return circuit.TryEnter();
    }

    private static bool IsRetriable(UpstreamFailure failure) => failure.Kind switch
    {
        UpstreamFailureKind.Connect or UpstreamFailureKind.Timeout or UpstreamFailureKind.RateLimited => true,
        UpstreamFailureKind.ServerError => failure.UpstreamStatus is 500 or 502 or 503 or 504,
        _ => false,
    };

    /// <summary>The wait before retry <paramref name="n"/>+1, or <see langword="null"/> when Retry-After asks for longer than max_backoff.</summary>
    private TimeSpan? Backoff(Configuration.RetryConfig retry, int n, UpstreamFailure failure)
    {
        var ceiling = Math.Min(retry.MaxBackoff.TotalMilliseconds, retry.Backoff.TotalMilliseconds * Math.Pow(2, n));
        var jittered = TimeSpan.FromMilliseconds(_random.NextDouble() * ceiling);
        if (failure.RetryAfterSeconds is { } seconds)
        {
            var asked = TimeSpan.FromSeconds(seconds);
            if (asked > retry.MaxBackoff)
            {
                return null;
            }

            return asked > jittered ? asked : jittered;
        }

        return jittered;
    }

    /// <summary>
    /// The error for a request no deployment was even called for: confidential with only external deployments, or too
    /// long for every context window. <see langword="null"/> when the usual mapping applies.
    /// </summary>
    private static ApiError? NothingCalled(List<UpstreamFailure> failures, Route route, in RoutingDecision decision, int neededTokens, in ParsedRequest parsed)
    {
        var excluded = 0;
        var tooSmall = 0;
        foreach (var failure in failures)
        {
            excluded += failure.Kind == UpstreamFailureKind.Excluded ? 1 : 0;
            tooSmall += failure.Kind == UpstreamFailureKind.ContextLength ? 1 : 0;
        }

        if (excluded == failures.Count)
        {
            return new ApiError(StatusCodes.Status403Forbidden, "permission_error",
                $"This request is confidential ({decision.Confidential}) and is never sent to an external deployment, but every deployment that could serve it on route '{route.Name}' is external. Add a self-hosted deployment to the route, or send the request without personal data.",
                null, "confidential_no_internal_deployment");
        }

        if (tooSmall + excluded == failures.Count && tooSmall > 0)
        {
            var largest = 0;
            foreach (var tier in decision.Order)
            {
                foreach (var deployment in tier.Members)
                {
                    largest = Math.Max(largest, deployment.Config.ContextWindow);
                }
            }

            return new ApiError(StatusCodes.Status400BadRequest, ApiError.InvalidRequest,
                $"This request needs about {neededTokens:N0} tokens (a prompt of about {parsed.EstimatedPromptTokens:N0} tokens plus {(parsed.MaxTokens is { } max ? $"max_tokens {max:N0}" : "the answer")}), more than the largest context window that may serve it on route '{route.Name}' ({largest:N0} tokens). Shorten the messages or lower max_tokens.",
                parsed.MaxTokens is null ? "messages" : "max_tokens", "context_length_exceeded");
        }

        return null;
    }

    /// <summary>The last failure of a deployment that was called, else the last failure.</summary>
    private static UpstreamFailure LastCalled(List<UpstreamFailure> failures)
    {
        for (var i = failures.Count - 1; i >= 0; i--)
        {
            if (!failures[i].Skipped)
            {
                return failures[i];
            }
        }

        return failures[^1];
    }
}
