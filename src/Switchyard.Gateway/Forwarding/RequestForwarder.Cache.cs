using System.Globalization;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Caching;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Routing;
using Switchyard.Storage.Keys;

namespace Switchyard.Gateway.Forwarding;

/// <summary>
/// The exact-match response cache on the request path (decision 0024): looked up after routing decided the plan and
/// before any budget is reserved or upstream called; a miss's whole answer is stored before it goes to the client.
/// </summary>
internal sealed partial class RequestForwarder
{
    /// <summary><c>hit</c>, <c>miss</c> or <c>bypass</c>, on the responses of routes with <c>cache</c>.</summary>
    public const string CacheHeader = "x-switchyard-cache";

    /// <summary>
    /// The request's cache key, or <see langword="null"/> when the cache is bypassed (the header says so): confidential
    /// requests unless the route caches them, <c>Cache-Control: no-store</c> or <c>no-cache</c>.
    /// </summary>
    private string? CacheKeyFor(HttpContext context, RouteCacheConfig caching, ResponseCache cache, Route route, EndpointKind endpoint, ReadOnlySpan<byte> body, in RoutingDecision decision, ApiKeyRecord? key, LogFields log)
    {
        var control = context.Request.Headers.CacheControl.ToString();
        if ((decision.Confidential is not null && !caching.Confidential)
            || control.Contains("no-store", StringComparison.OrdinalIgnoreCase)
            || control.Contains("no-cache", StringComparison.OrdinalIgnoreCase))
        {
            Bypass(context, route, log);
            return null;
        }

        // SECURITY: the scope is part of the key: a team's (or a key's) answers are found only by the same team (or key).
        var scope = caching.Scope switch
        {
            CacheScope.Global => "*",
            CacheScope.Key => "key:" + (key?.Id ?? "-"),
            _ => "team:" + (key?.Team ?? "-"),
        };
        var plan = string.Join(',', decision.Order.Select(t => t.Name)) + (decision.PinnedDeployment is { } pinned ? "@" + pinned.Name : "");
        var name = endpoint switch
        {
            EndpointKind.ChatCompletions => "chat",
            EndpointKind.Completions => "completions",
            _ => "embeddings",
        };
        if (CacheKeys.For(cache.Prefix, route.Name, name, scope, plan, body) is not { } cacheKey)
        {
            Bypass(context, route, log);
            return null;
        }

        return cacheKey;
    }

    private void Bypass(HttpContext context, Route route, LogFields log)
    {
        context.Response.Headers[CacheHeader] = "bypass";
        log.CacheResult = "bypass";
        _runtime.Metrics?.CacheResult(route.Name, "bypass");
    }

    /// <summary>Looks the request up; true when a cached answer was sent.</summary>
    private async ValueTask<bool> ServeCachedAsync(HttpContext context, ResponseCache cache, RouteCacheConfig caching, string cacheKey, Route route, ParsedRequest parsed, LogFields log)
    {
        var (answer, reached) = await cache.LookupAsync(cacheKey);
        if (!reached)
        {
            Bypass(context, route, log);
            return false;
        }

        if (answer is null)
        {
            context.Response.Headers[CacheHeader] = "miss";
            log.CacheResult = "miss";
            _runtime.Metrics?.CacheResult(route.Name, "miss");
            // Only whole JSON answers are kept: a stream is relayed as it comes, never held back to be stored.
            if (!parsed.Stream)
            {
                log.CacheKey = cacheKey;
                log.CacheTtl = caching.Ttl;
                log.CacheMaxBytes = caching.MaxBytes;
            }

            return false;
        }

        var events = parsed.Stream ? CachedStream.Events(answer.Body, parsed.IncludeUsage) : null;
        if (parsed.Stream && events is null)
        {
            // Not something a stream can be made of (cannot happen for chat and completions answers): served upstream.
            Bypass(context, route, log);
            return false;
        }

        _runtime.Metrics?.CacheResult(route.Name, "hit");
        log.CacheResult = "hit";
        log.CachedFrom = answer;
        log.Usage = new Usage(answer.PromptTokens, answer.CompletionTokens);
        log.Status = StatusCodes.Status200OK;
        log.Finished = true;
        var response = context.Response;
        response.Headers[CacheHeader] = "hit";
        response.Headers.Age = Math.Max(0, (long)(_time.GetUtcNow() - answer.StoredAt).TotalSeconds).ToString(CultureInfo.InvariantCulture);
        response.Headers[CostHeader] = FormatCost(0);
        response.StatusCode = StatusCodes.Status200OK;
        byte[] bytes;
        if (events is not null)
        {
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            bytes = events;
        }
        else
        {
            response.ContentType = "application/json";
            response.ContentLength = answer.Body.Length;
            bytes = answer.Body;
        }

        log.FirstByte = _time.GetTimestamp();
        await response.Body.WriteAsync(bytes, context.RequestAborted);
        return true;
    }

    /// <summary>
    /// Keeps the whole answer a missed request is about to send (status 200, and past the quality gate where there is
    /// one), before its first byte goes out: once the client has read the answer, the same request gets a hit on any
    /// instance. A store that cannot be reached loses the answer (counted as its failure), never the request; on Redis the
    /// wait is one round trip, bounded by <c>cache.timeout</c>. Routes without cache pay nothing: no key, no copy.
    /// </summary>
    /// <param name="log">The request's fields, or a hedge leg's (the leg that won: only it gets here).</param>
    /// <param name="answer">The whole answer as the client is about to get it.</param>
    /// <param name="deployment">Who answered (the request's own fields are set only once the attempt returns).</param>
    /// <param name="tier">Its tier.</param>
    /// <param name="usage">Its tokens (the upstream's count or the gateway's estimate).</param>
    private ValueTask StoreBeforeSendingAsync(LogFields log, ReadOnlyMemory<byte> answer, string deployment, string? tier, Usage usage)
    {
        var owner = log.Parent ?? log;
        if (owner.CacheKey is not { } key || answer.Length > owner.CacheMaxBytes || _runtime.Cache is not { } cache)
        {
            return ValueTask.CompletedTask;
        }

        return cache.StoreAsync(key, new CachedAnswer(answer.ToArray(), deployment, tier, usage.PromptTokens, usage.CompletionTokens, _time.GetUtcNow()), owner.CacheTtl);
    }

    private sealed partial class LogFields
    {
        /// <summary>The cache's verdict on this request: hit, miss or bypass (<see langword="null"/> on routes without cache).</summary>
        public string? CacheResult;

        /// <summary>The answer served from the cache, on a hit.</summary>
        public CachedAnswer? CachedFrom;

        /// <summary>Where a whole answer to this request is to be stored before it is sent (a miss that may store).</summary>
        public string? CacheKey;

        public TimeSpan CacheTtl;

        public long CacheMaxBytes;

        /// <summary>Whether the answer came from the cache (no upstream call, cost 0).</summary>
        public bool CacheHit => CachedFrom is not null;
    }
}
