using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Fallback;
using Switchyard.Gateway.Forwarding.Internal;
using Switchyard.Gateway.Routing;

namespace Switchyard.Gateway.Forwarding;

internal sealed partial class RequestForwarder
{
    /// <summary>One attempt at one deployment: send, classify, and answer the client if it succeeded.</summary>
    private async Task<AttemptResult> AttemptAsync(
        HttpContext context,
        EndpointKind endpoint,
        Deployment deployment,
        string tier,
        ParsedRequest parsed,
        ReadOnlyMemory<byte> upstreamBody,
        string requestId,
        int attempt,
        LogFields log,
        HedgeLeg? leg = null,
        GatedRequest? gated = null)
    {
        var timeouts = deployment.Config.Timeouts;
        var attemptStart = _time.GetTimestamp();
        // One price for the whole call, read once: the header and the log charge its tokens the same.
        var price = deployment.Price;

        // One token for the whole attempt: cancelled by the client leaving or by whichever timeout is due. Streams wait
        // at most first_token for the first chunk and for each later one; everything is bounded by total. Deadlines are
        // checked by a shared heartbeat (AttemptDeadlines), not a timer per attempt.
        var deadline = _deadlines.Rent();
        // A hedge's leg is cancelled by the client leaving too (its token is linked) and by the other leg winning.
        var clientGone = (leg?.Token ?? context.RequestAborted).UnsafeRegister(static s => ((AttemptDeadline)s!).Cancel(), deadline);
        deadline.ExpireAfter(parsed.Stream ? Min(timeouts.FirstToken, timeouts.Total) : timeouts.Total);
        var cancellationToken = deadline.Token;

        HttpResponseMessage? response = null;
        try
        {
            response = await deployment.Upstream.SendAsync(endpoint, upstreamBody, requestId, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is < 200 or > 299)
            {
                return AttemptResult.Failed(await ClassifyErrorAsync(response, deployment.Name, cancellationToken));
            }

            if (leg is null)
            {
                var headers = context.Response.Headers;
                headers["x-switchyard-deployment"] = deployment.Name;
                headers["x-switchyard-attempts"] = Count(attempt);
            }

            if (parsed.Stream)
            {
                return await RelayStreamAsync(context, response, deployment, price, parsed, requestId, deadline, attemptStart, log, leg, gated);
            }

            return await RelayJsonAsync(context, response, deployment.Name, tier, price, parsed.EstimatedPromptTokens, log, leg, gated, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                return AttemptResult.Failed(new UpstreamFailure(UpstreamFailureKind.ClientGone, deployment.Name, "the client disconnected"));
            }

            if (leg is { Lost: true })
            {
                return AttemptResult.Failed(leg.LostFailure(deployment.Name));
            }

            if (e is OperationCanceledException)
            {
                var waited = _time.GetElapsedTime(attemptStart);
                var which = parsed.Stream && waited < timeouts.Total ? $"first_token ({Describe(timeouts.FirstToken)})" : $"total ({Describe(timeouts.Total)})";
                return AttemptResult.Failed(new UpstreamFailure(UpstreamFailureKind.Timeout, deployment.Name, $"no answer within the {which} timeout"));
            }

            return AttemptResult.Failed(ClassifyTransportError(e, deployment));
        }
        finally
        {
            response?.Dispose();
            clientGone.Dispose();
            deadline.Release();
        }

        static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    }

    private static UpstreamFailure ClassifyTransportError(Exception e, Deployment deployment)
    {
        if (e is HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse })
        {
            return new UpstreamFailure(UpstreamFailureKind.BrokenResponse, deployment.Name, "the connection closed before a complete response");
        }

        if (e.InnerException is TimeoutException || e is HttpRequestException { InnerException: OperationCanceledException })
        {
            return new UpstreamFailure(UpstreamFailureKind.Timeout, deployment.Name, $"could not connect within the connect timeout ({Describe(deployment.Config.Timeouts.Connect)})");
        }

        var message = e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError }
            ? $"could not connect to {deployment.Provider.BaseUrl.GetLeftPart(UriPartial.Authority)}: {e.Message}"
            : $"the upstream connection failed: {e.Message}";
        return new UpstreamFailure(UpstreamFailureKind.Connect, deployment.Name, message);
    }

    /// <summary>Reads a non-2xx answer and decides what kind of failure it is.</summary>
    private static async Task<UpstreamFailure> ClassifyErrorAsync(HttpResponseMessage response, string deployment, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var body = await ReadBoundedAsync(response.Content, MaxErrorBytes, cancellationToken);
        var upstreamMessage = UpstreamErrorReader.Describe(body, out var code);
        // Not JSON (an HTML page from a proxy in front of the model server, a plain-text error): quote its text.
        var quoted = upstreamMessage ?? (body.Length > 0 ? UpstreamErrorReader.Excerpt(body) : null);
        var detail = $"upstream answered {status} {ReasonPhrase(response.StatusCode)}" + (quoted is null ? string.Empty : $": {quoted}");
        var kind = status switch
        {
            429 => UpstreamFailureKind.RateLimited,
            408 or >= 500 => UpstreamFailureKind.ServerError,
            401 or 403 or 404 => UpstreamFailureKind.Rejected,
            _ when code == "context_length_exceeded" || (upstreamMessage?.Contains("context length", StringComparison.OrdinalIgnoreCase) ?? false)
                => UpstreamFailureKind.ContextLength,
            _ => UpstreamFailureKind.ClientError,
        };

        return new UpstreamFailure(kind, deployment, detail, status)
        {
            // Passed on only for the client's own mistakes, and only if it is the JSON error OpenAI clients parse.
            UpstreamBody = kind is UpstreamFailureKind.ClientError or UpstreamFailureKind.ContextLength && upstreamMessage is not null ? body : null,
            RetryAfterSeconds = kind is UpstreamFailureKind.RateLimited || status == 503 ? RetryAfter(response.Headers) : null,
        };
    }

    private static string ReasonPhrase(HttpStatusCode status) => status switch
    {
        HttpStatusCode.TooManyRequests => "Too Many Requests",
        HttpStatusCode.InternalServerError => "Internal Server Error",
        HttpStatusCode.BadGateway => "Bad Gateway",
        HttpStatusCode.ServiceUnavailable => "Service Unavailable",
        HttpStatusCode.GatewayTimeout => "Gateway Timeout",
        HttpStatusCode.BadRequest => "Bad Request",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.NotFound => "Not Found",
        _ => string.Empty,
    };

    private static int? RetryAfter(HttpResponseHeaders headers)
    {
        if (headers.RetryAfter is not { } retry)
        {
            return null;
        }

        if (retry.Delta is { } delta)
        {
            return (int)Math.Ceiling(delta.TotalSeconds);
        }

        return retry.Date is { } date ? Math.Max(0, (int)Math.Ceiling((date - DateTimeOffset.UtcNow).TotalSeconds)) : null;
    }

    /// <summary>Buffers a non-streaming answer, checks it is one JSON document, reads its usage, then answers.</summary>
    private async Task<AttemptResult> RelayJsonAsync(HttpContext context, HttpResponseMessage response, string deployment, string tier, Economics.DeploymentPrice? price, int promptEstimate, LogFields log, HedgeLeg? leg, GatedRequest? gated, CancellationToken cancellationToken)
    {
        var content = response.Content;
        var stream = await content.ReadAsStreamAsync(cancellationToken);
        var declared = content.Headers.ContentLength;
        if (declared > MaxResponseBytes)
        {
            return AttemptResult.Failed(new UpstreamFailure(UpstreamFailureKind.BrokenResponse, deployment, $"the answer is {declared:N0} bytes, more than the gateway buffers ({MaxResponseBytes:N0})"));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(declared is { } known ? (int)known + 1 : 16 * 1024);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxResponseBytes)
                    {
                        return AttemptResult.Failed(new UpstreamFailure(UpstreamFailureKind.BrokenResponse, deployment, $"the answer is larger than the gateway buffers ({MaxResponseBytes:N0} bytes)"));
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxResponseBytes));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            var json = buffer.AsMemory(0, length);
            if (!UsageReader.TryRead(json.Span, out var usage, out var isError))
            {
                return AttemptResult.Failed(new UpstreamFailure(UpstreamFailureKind.BrokenResponse, deployment, $"the answer ({length:N0} bytes) is not one complete JSON document"));
            }

            if (usage is null && !isError)
            {
                // COMPAT: some servers (older TGI, llama.cpp builds) report no usage: the request is costed on an estimate.
                usage = Usage.Estimate(promptEstimate, json.Span);
            }

            if (isError)
            {
                // COMPAT: some OpenAI-compatible servers answer 200 with {"error": ...}; that is a failure, not an answer.
                var message = UpstreamErrorReader.Describe(json.ToArray(), out _);
                return AttemptResult.Failed(new UpstreamFailure(UpstreamFailureKind.ServerError, deployment, $"upstream answered 200 with an error: {message}", 200));
            }

            if (leg is not null && !leg.TryWin(context))
            {
                // The other call of the hedge answered first, but this whole answer was written (and billed) all the same.
                return AttemptResult.Failed(leg.LostFailure(deployment), usage, price);
            }

            if (gated is not null)
            {
                // The quality gate decides first: the answer is kept, not sent, so the request may still escalate.
                var verdict = gated.Evaluate(json.Span, usage);
                return AttemptResult.Hold(new HeldAnswer(json.ToArray(), stream: false, usage, verdict, deployment, tier: "", price));
            }

            var clientResponse = context.Response;
            clientResponse.StatusCode = StatusCodes.Status200OK;
            clientResponse.ContentType = "application/json";
            if (price is not null && usage is { } used)
            {
                // The answer and whatever the request spent before it (calls that failed after tokens flowed).
                var (before, estimated) = log.SpentSoFar();
                clientResponse.Headers[CostHeader] = FormatCost(price.Cost(used) + before);
                if (used.Estimated || estimated)
                {
                    clientResponse.Headers[CostEstimatedHeader] = "true";
                }
            }

            clientResponse.ContentLength = length;
            log.ShadowCapture?.Capture(json.Span);
            // Stored before it is sent, so a client that has read it gets a hit when it asks again (decision 0024).
            await StoreBeforeSendingAsync(log, json, deployment, tier, usage.GetValueOrDefault());
            var firstByte = _time.GetTimestamp();
            await clientResponse.Body.WriteAsync(json, context.RequestAborted);
            return AttemptResult.Success(usage, firstByte, price);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[Math.Min(limit, (int)(content.Headers.ContentLength ?? 4096) + 1)];
        var length = 0;
        while (length < limit)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Min(limit, buffer.Length * 2));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        return buffer.AsSpan(0, length).ToArray();
    }

    private static string Describe(TimeSpan value) => value.TotalMilliseconds < 1000
        ? $"{value.TotalMilliseconds:0}ms"
        : value.TotalSeconds < 120 ? $"{value.TotalSeconds:0.#}s" : $"{value.TotalMinutes:0.#}m";
}
