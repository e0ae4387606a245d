using System.Globalization;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Caching;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Routing;
using Switchyard.Storage.Keys;

namespace Switchyard.Gateway.Forwarding;

/// <summary>
/// The exact-match response cache on the request path (decision 0024): looked up after routing decided the plan and
/// before any budget is reserved or upstream called; stored after a whole answer went to the client.
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

    /// <summary>Keeps the whole answer a missed request got (it completed: status 200, and passed the quality gate where there is one).</summary>
    private ValueTask StoreCachedAsync(LogFields log)
    {
        if (log.CacheKey is not { } key || log.CacheCandidate is not { } body || log.Status != StatusCodes.Status200OK || _runtime.Cache is not { } cache)
        {
            return ValueTask.CompletedTask;
        }

        var usage = log.Usage ?? default;
        return cache.StoreAsync(key, new CachedAnswer(body, log.Deployment, log.Tier, usage.PromptTokens, usage.CompletionTokens, _time.GetUtcNow()), log.CacheTtl);
    }

    /// <summary>Keeps a copy of an answer about to be sent whole, when this request stores what it gets.</summary>
    private static void OfferToCache(LogFields log, ReadOnlySpan<byte> answer)
    {
        var owner = log.Parent ?? log;
        if (owner.CacheKey is not null && answer.Length <= owner.CacheMaxBytes)
        {
            log.CacheCandidate = answer.ToArray();
        }
    }

    private sealed partial class LogFields
    {
        /// <summary>The cache's verdict on this request: hit, miss or bypass (<see langword="null"/> on routes without cache).</summary>
        public string? CacheResult;

        /// <summary>The answer served from the cache, on a hit.</summary>
        public CachedAnswer? CachedFrom;

        /// <summary>Where a whole answer to this request is to be stored (a miss that may store).</summary>
        public string? CacheKey;

        public TimeSpan CacheTtl;

        public long CacheMaxBytes;

        /// <summary>A copy of the whole answer sent, to store once the request has completed.</summary>
        public byte[]? CacheCandidate;

        /// <summary>Whether the answer came from the cache (no upstream call, cost 0).</summary>
        public bool CacheHit => CachedFrom is not null;
    }
}
