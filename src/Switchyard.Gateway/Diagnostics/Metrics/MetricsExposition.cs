using System.Reflection;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Diagnostics.Metrics;

/// <summary>
/// The whole <c>/metrics</c> page: every family of <see cref="GatewayMetrics"/> and the gauges read at scrape time from
/// the running gateway (circuits, health, requests in flight, budgets, the request log's queue). The README's metrics
/// table lists the same families; a test holds the two together.
/// </summary>
/// <remarks>
/// A cold path: clarity first. Series are written sorted by their labels, so two scrapes list them in the same order.
/// A series exists from the first request that touched it; a counter, histogram or label combination that nothing has
/// touched yet is not listed (its family's HELP and TYPE are).
/// </remarks>
internal static class MetricsExposition
{
    private static readonly string Version = typeof(MetricsExposition).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Writes the page for <paramref name="metrics"/> and <paramref name="runtime"/>, with <paramref name="inFlight"/> requests being handled now.</summary>
    public static PrometheusTextWriter Write(GatewayMetrics metrics, GatewayRuntime runtime, int inFlight)
    {
        var w = new PrometheusTextWriter();
        WriteProcess(w, metrics, runtime, inFlight);
        WriteRequests(w, metrics);
        WriteCosts(w, metrics);
        WriteRoutes(w, metrics);
        WriteUpstreams(w, metrics, runtime);
        WriteLimits(w, metrics, runtime);
        WriteSharedStores(w, metrics, runtime);
        WriteRequestLog(w, runtime);
        return w;
    }

    private static void WriteProcess(PrometheusTextWriter w, GatewayMetrics metrics, GatewayRuntime runtime, int inFlight)
    {
        w.Family("switchyard_build_info", "gauge", "The gateway's version and .NET runtime; always 1.");
        w.Sample(1L, ("version", Version), ("runtime", Environment.Version.ToString()));
        w.Family("process_start_time_seconds", "gauge", "When the gateway started, in seconds since the Unix epoch.");
        w.Sample(metrics.StartTime.ToUnixTimeMilliseconds() / 1000.0);
        w.Family("switchyard_config_reloads_total", "counter", "Configuration reloads: applied (swapped in) or rejected (invalid, or refused by the registry; the running configuration stays).");
        w.Sample(metrics.ReloadsApplied, ("result", "applied"));
        w.Sample(metrics.ReloadsRejected, ("result", "rejected"));
        w.Family("switchyard_config_generation", "gauge", "How many configurations were swapped in since the start (0: the one it started with).");
        w.Sample((long)runtime.Generation);
        w.Family("switchyard_requests_in_flight", "gauge", "Requests being handled now (read, routed, upstream or answering).");
        w.Sample((long)inFlight);
    }

    private static void WriteRequests(PrometheusTextWriter w, GatewayMetrics metrics)
    {
        var series = Sorted(metrics.Requests);
        w.Family("switchyard_requests_total", "counter", "Requests by route, tier and deployment that answered (or was called last; none when no deployment was reached), endpoint, outcome and HTTP status class.");
        foreach (var (key, value) in series)
        {
            for (var i = 0; i < value.Requests.Length; i++)
            {
                if (Volatile.Read(ref value.Requests[i]) is var count and > 0)
                {
                    var (endpoint, outcome, statusClass) = RequestSeries.Split(i);
                    w.Sample(count, ("route", key.Route), ("tier", key.Tier), ("deployment", key.Deployment),
                        ("endpoint", MetricLabels.Endpoints[endpoint]), ("outcome", MetricLabels.Outcomes[outcome]), ("status_class", MetricLabels.StatusClasses[statusClass]));
                }
            }
        }

        w.Family("switchyard_request_errors_total", "counter", "Requests answered with an error, by the error's code (or type) as the request log records it.");
        foreach (var (key, value) in series)
        {
            for (var i = 0; i < value.Errors.Length; i++)
            {
                if (Volatile.Read(ref value.Errors[i]) is var count and > 0)
                {
                    w.Sample(count, ("route", key.Route), ("tier", key.Tier), ("deployment", key.Deployment), ("error", MetricLabels.Errors[i]));
                }
            }
        }

        w.Family("switchyard_request_duration_seconds", "histogram", "Time from a request's arrival to its last byte, as the request log's latency.");
        foreach (var (key, value) in series)
        {
            w.Histogram(value.Duration, ("route", key.Route), ("tier", key.Tier), ("deployment", key.Deployment));
        }

        w.Family("switchyard_time_to_first_token_seconds", "histogram", "Streamed requests: time from arrival to the first byte sent to the client.");
        foreach (var (key, value) in series)
        {
            if (value.TimeToFirstToken.Count > 0)
            {
                w.Histogram(value.TimeToFirstToken, ("route", key.Route), ("tier", key.Tier), ("deployment", key.Deployment));
            }
        }

        w.Family("switchyard_tokens_total", "counter", "Tokens of the answers sent, as the upstream reported them: input (prompt, cached included), output (completion, reasoning included), cached_input, reasoning.");
        foreach (var (key, value) in series)
        {
            for (var i = 0; i < value.Tokens.Length; i++)
            {
                if (Volatile.Read(ref value.Tokens[i]) is var count and > 0)
                {
                    w.Sample(count, ("route", key.Route), ("tier", key.Tier), ("deployment", key.Deployment), ("type", MetricLabels.TokenTypes[i]));
                }
            }
        }
    }

    private static void WriteCosts(PrometheusTextWriter w, GatewayMetrics metrics)
    {
        var series = Sorted(metrics.Costs);
        w.Family("switchyard_cost_usd_total", "counter", "US dollars spent, under the deployment that spent them: kind=answer for the answers sent, escalated for answers the quality gate turned down, checks for judge and agreement calls, failed for calls that failed after tokens flowed.");
        foreach (var (key, value) in series)
        {
            w.Sample(CostSeries.Dollars(ref value.AnswerNanoUsd), ("route", key.Route), ("tier", key.Tier), ("deployment", key.Deployment), ("team", key.Team), ("kind", "answer"));
            w.Sample(CostSeries.Dollars(ref value.EscalatedNanoUsd), ("route", key.Route), ("tier", key.Tier), ("deployment", key.Deployment), ("team", key.Team), ("kind", "escalated"));
            w.Sample(CostSeries.Dollars(ref value.ChecksNanoUsd), ("route", key.Route), ("tier", key.Tier), ("deployment", key.Deployment), ("team", key.Team), ("kind", "checks"));
            w.Sample(CostSeries.Dollars(ref value.FailedNanoUsd), ("route", key.Route), ("tier", key.Tier), ("deployment", key.Deployment), ("team", key.Team), ("kind", "failed"));
        }

        w.Family("switchyard_baseline_cost_usd_total", "counter", "US dollars the same answers would have cost at the route's baseline (by default its last tier): the counterfactual; savings are this minus switchyard_cost_usd_total.");
        foreach (var (key, value) in series)
        {
            w.Sample(CostSeries.Dollars(ref value.BaselineNanoUsd), ("route", key.Route), ("tier", key.Tier), ("deployment", key.Deployment), ("team", key.Team));
        }
    }

    private static void WriteRoutes(PrometheusTextWriter w, GatewayMetrics metrics)
    {
        var routes = metrics.Routes.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        w.Family("switchyard_escalations_total", "counter", "Requests answered by a later tier after the quality gate turned an answer down, by the first check that answer failed.");
        foreach (var (route, value) in routes)
        {
            for (var i = 0; i < value.Escalations.Length; i++)
            {
                if (Volatile.Read(ref value.Escalations[i]) is var count and > 0)
                {
                    w.Sample(count, ("route", route), ("reason", MetricLabels.EscalationReasons[i]));
                }
            }
        }

        w.Family("switchyard_fallbacks_total", "counter", "Requests answered after a deployment failed or was passed over (failover, retries), by the kind of the first failure.");
        foreach (var (route, value) in routes)
        {
            for (var i = 0; i < value.Fallbacks.Length; i++)
            {
                if (Volatile.Read(ref value.Fallbacks[i]) is var count and > 0)
                {
                    w.Sample(count, ("route", route), ("reason", MetricLabels.FallbackReasons[i]));
                }
            }
        }
    }

    private static void WriteUpstreams(PrometheusTextWriter w, GatewayMetrics metrics, GatewayRuntime runtime)
    {
        var deployments = metrics.Deployments.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        w.Family("switchyard_upstream_attempt_duration_seconds", "histogram", "Calls to deployments (answers, retries, hedges, judge and agreement calls) by outcome, from sending to the end of the answer or the failure.");
        foreach (var (deployment, value) in deployments)
        {
            for (var i = 0; i < value.Attempts.Length; i++)
            {
                if (value.Attempts[i].Count > 0)
                {
                    w.Histogram(value.Attempts[i], ("deployment", deployment), ("outcome", MetricLabels.AttemptOutcomes[i]));
                }
            }
        }

        w.Family("switchyard_upstream_skips_total", "counter", "Deployments passed over without a call: circuit open, unhealthy, saturated, withdrawn by the registry, external for a confidential request, context window too small, or a check skipped.");
        foreach (var (deployment, value) in deployments)
        {
            for (var i = 0; i < value.Skips.Length; i++)
            {
                if (Volatile.Read(ref value.Skips[i]) is var count and > 0)
                {
                    w.Sample(count, ("deployment", deployment), ("reason", MetricLabels.SkipReasons[i]));
                }
            }
        }

        var current = runtime.Routes.Deployments;
        w.Family("switchyard_circuit_state", "gauge", "Each deployment's circuit breaker: 0 closed, 1 half-open (one probe let through), 2 open. Absent when the breaker is disabled; a LoRA adapter shows its base's.");
        foreach (var deployment in current)
        {
            if (deployment.Health.Circuit is { } circuit)
            {
                w.Sample((long)circuit.StateCode, ("deployment", deployment.Name));
            }
        }

        w.Family("switchyard_deployment_healthy", "gauge", "1 unless the deployment's active health checks fail (then it is passed over); 1 without health checks.");
        foreach (var deployment in current)
        {
            w.Sample(deployment.Health.Unavailable is null ? 1L : 0L, ("deployment", deployment.Name));
        }

        w.Family("switchyard_deployment_withdrawn", "gauge", "1 while the registry withholds the deployment's model (not approved, tampered, or a revoked base); it is passed over.");
        foreach (var deployment in current)
        {
            w.Sample(deployment.Withdrawn ? 1L : 0L, ("deployment", deployment.Name));
        }

        w.Family("switchyard_deployment_in_flight", "gauge", "Requests sent to a deployment's server now; a LoRA adapter's count on its base, which is listed alone.");
        foreach (var deployment in current)
        {
            if (deployment.Base is null)
            {
                w.Sample((long)deployment.InFlight, ("deployment", deployment.Name));
            }
        }
    }

    private static void WriteLimits(PrometheusTextWriter w, GatewayMetrics metrics, GatewayRuntime runtime)
    {
        w.Family("switchyard_limit_rejections_total", "counter", "Requests refused before any upstream call by a key's or team's limit (rpm, tpm, concurrency) or a hard budget, by the key's team (none without one; other when the configuration does not declare it).");
        foreach (var (team, counts) in metrics.LimitRejections.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            for (var i = 0; i < counts.Length; i++)
            {
                if (Volatile.Read(ref counts[i]) is var count and > 0)
                {
                    w.Sample(count, ("kind", MetricLabels.LimitKinds[i]), ("team", team));
                }
            }
        }

        var budgets = runtime.Budgets.All;
        w.Family("switchyard_budget_spent_usd", "gauge", "US dollars each configured budget has spent in its current window (requests in flight settle when they finish).");
        foreach (var ledger in budgets)
        {
            w.Sample(ledger.Spent, ("budget", ledger.Config.Name));
        }

        w.Family("switchyard_budget_limit_usd", "gauge", "Each configured budget's limit in US dollars per window.");
        foreach (var ledger in budgets)
        {
            w.Sample(ledger.Config.Limit, ("budget", ledger.Config.Name));
        }
    }

    /// <summary>
    /// Redis behind the limits and the cache, the cache's verdicts and the memory cache's size. Every family is announced
    /// whatever the configuration (a dashboard's query finds it); samples come only from what is configured.
    /// </summary>
    private static void WriteSharedStores(PrometheusTextWriter w, GatewayMetrics metrics, GatewayRuntime runtime)
    {
        Internal.RedisHealth?[] stores = [(runtime.Limits as Limits.RedisLimitCounters)?.Health, runtime.Cache?.Health];
        w.Family("switchyard_redis_up", "gauge", "1 when the Redis behind a store (limits, cache) answered its last call, 0 while it is unreachable (limits then follow limits.on_failure; the cache is bypassed). No sample for a store kept in memory.");
        foreach (var store in stores)
        {
            if (store is not null)
            {
                w.Sample(store.Up ? 1 : 0, ("store", store.Store));
            }
        }

        w.Family("switchyard_redis_failures_total", "counter", "Calls to Redis that failed (unreachable, timed out, refused), by store.");
        foreach (var store in stores)
        {
            if (store is not null)
            {
                w.Sample(store.Failures, ("store", store.Store));
            }
        }

        w.Family("switchyard_limits_degraded_total", "counter", "Requests whose limits and budgets were decided without Redis: served on this instance's own counts (policy open) or refused with 503 (policy closed).");
        if (runtime.Limits is Limits.RedisLimitCounters)
        {
            w.Sample(Volatile.Read(ref metrics.LimitsDegradedCounts[0]), ("policy", "open"));
            w.Sample(Volatile.Read(ref metrics.LimitsDegradedCounts[1]), ("policy", "closed"));
        }

        w.Family("switchyard_cache_requests_total", "counter", "Requests on routes with a response cache, by route and result: hit (served from the cache, no upstream call), miss, bypass (confidential, Cache-Control, or the cache unreachable).");
        string[] results = ["hit", "miss", "bypass"];
        foreach (var (route, counts) in metrics.CacheResults.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            for (var i = 0; i < results.Length; i++)
            {
                w.Sample(Volatile.Read(ref counts[i]), ("result", results[i]), ("route", route));
            }
        }

        var memory = runtime.Cache?.Store as Caching.MemoryCacheStore;
        w.Family("switchyard_cache_entries", "gauge", "Answers in the memory cache.");
        if (memory is not null)
        {
            w.Sample(memory.Count);
        }

        w.Family("switchyard_cache_bytes", "gauge", "Bytes the memory cache's answers take (at most cache.max_bytes).");
        if (memory is not null)
        {
            w.Sample(memory.Bytes);
        }

        w.Family("switchyard_cache_evictions_total", "counter", "Answers the memory cache dropped, least recently used first, to make room.");
        if (memory is not null)
        {
            w.Sample(memory.Evictions);
        }
    }

    private static void WriteRequestLog(PrometheusTextWriter w, GatewayRuntime runtime)
    {
        var stats = runtime.RequestLog?.Snapshot();
        w.Family("switchyard_request_log_queue_depth", "gauge", "Request-log entries waiting for the store.");
        if (stats is { } depth)
        {
            w.Sample((long)depth.QueueDepth);
        }

        w.Family("switchyard_request_log_queue_capacity", "gauge", "The request log's queue capacity (request_log.queue_capacity); a full queue drops new entries.");
        if (stats is not null)
        {
            w.Sample((long)runtime.Config.RequestLog.QueueCapacity);
        }

        w.Family("switchyard_request_log_written_total", "counter", "Request-log entries written to the store.");
        if (stats is { } written)
        {
            w.Sample(written.Written);
        }

        w.Family("switchyard_request_log_dropped_total", "counter", "Request-log entries dropped because the queue was full.");
        if (stats is { } dropped)
        {
            w.Sample(dropped.Dropped);
        }

        w.Family("switchyard_request_log_failed_total", "counter", "Request-log entries the store failed to write.");
        if (stats is { } failed)
        {
            w.Sample(failed.FailedRows);
        }

        // PostgreSQL's spill file: samples only when the request log is on PostgreSQL.
        var spill = runtime.RequestLogSpill?.Invoke();
        w.Family("switchyard_request_log_spill_rows", "gauge", "Request-log rows waiting in the spill file for PostgreSQL.");
        if (spill is { } pending)
        {
            w.Sample(pending.PendingRows);
        }

        w.Family("switchyard_request_log_spill_bytes", "gauge", "The spill file's size in bytes (storage.spill.max_size bounds it).");
        if (spill is { } bytes)
        {
            w.Sample(bytes.Bytes);
        }

        w.Family("switchyard_request_log_spilled_total", "counter", "Request-log rows written to the spill file while PostgreSQL was unavailable.");
        if (spill is { } spilled)
        {
            w.Sample(spilled.Spilled);
        }

        w.Family("switchyard_request_log_replayed_total", "counter", "Request-log rows written from the spill file to PostgreSQL.");
        if (spill is { } replayed)
        {
            w.Sample(replayed.Replayed);
        }

        w.Family("switchyard_request_log_lost_total", "counter", "Request-log rows lost beyond the spill file's bound (also counted in switchyard_request_log_failed_total).");
        if (spill is { } lost)
        {
            w.Sample(lost.Lost);
        }

        w.Family("switchyard_store_listening", "gauge", "1 while the gateway listens for other instances' revocations and registry decisions (PostgreSQL LISTEN); 0 while it polls.");
        if (runtime.StoreListening is { } listening)
        {
            w.Sample(listening() ? 1L : 0L);
        }
    }

    private static KeyValuePair<SeriesKey, T>[] Sorted<T>(System.Collections.Concurrent.ConcurrentDictionary<SeriesKey, T> series)
        where T : notnull
    {
        var items = series.ToArray();
        Array.Sort(items, static (a, b) => a.Key.CompareTo(b.Key));
        return items;
    }
}
