using System.Collections.Concurrent;
using System.Collections.Frozen;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Diagnostics.Metrics;

/// <summary>
/// The gateway's counters and histograms, recorded as requests finish and read by <see cref="MetricsExposition"/> on
/// each scrape. One per gateway, kept across configuration reloads.
/// </summary>
/// <remarks>
/// <para>
/// Series are kept by name (route, tier, deployment, team) in dictionaries that create each series once, the first time
/// a request needs it, and never drop it (docs/decisions/0018): a reload that keeps a route keeps its counters, and one
/// that removes it leaves its last values, which is what Prometheus expects of a counter. The names come only from the
/// configuration (a route a client named is looked up, never taken as it came), a key's team only when the
/// configuration declares it; everything else is a fixed word. So the number of series is bounded by the configuration.
/// </para>
/// <para>
/// PERF: recording a request is a few dictionary lookups that allocate nothing once the series exist (value-type keys,
/// static factories) and interlocked adds: no lock, no allocation. The per-request cost is measured by
/// <c>bench/Switchyard.Bench metrics</c>.
/// </para>
/// </remarks>
internal sealed class GatewayMetrics(TimeProvider time)
{
    private readonly ConcurrentDictionary<SeriesKey, RequestSeries> _requests = new();
    private readonly ConcurrentDictionary<SeriesKey, CostSeries> _costs = new();
    private readonly ConcurrentDictionary<string, RouteSeries> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeploymentSeries> _deployments = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long[]> _limitRejections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long[]> _cacheResults = new(StringComparer.Ordinal);
    private readonly long[] _limitsDegraded = new long[2];
    private TeamNames? _teams;
    private long _reloadsApplied;
    private long _reloadsRejected;

    /// <summary>When this gateway started (for <c>process_start_time_seconds</c>).</summary>
    public DateTimeOffset StartTime { get; } = time.GetUtcNow();

    /// <summary>Configuration reloads swapped in.</summary>
    public long ReloadsApplied => Interlocked.Read(ref _reloadsApplied);

    /// <summary>Configuration reloads refused (invalid, or refused by the registry).</summary>
    public long ReloadsRejected => Interlocked.Read(ref _reloadsRejected);

    internal ConcurrentDictionary<SeriesKey, RequestSeries> Requests => _requests;

    internal ConcurrentDictionary<SeriesKey, CostSeries> Costs => _costs;

    internal ConcurrentDictionary<string, RouteSeries> Routes => _routes;

    internal ConcurrentDictionary<string, DeploymentSeries> Deployments => _deployments;

    internal ConcurrentDictionary<string, long[]> LimitRejections => _limitRejections;

    /// <summary>Records one finished request (the figures of its request-log entry).</summary>
    public void Observe(in RequestObservation request, GatewayConfig config)
    {
        var route = request.Route ?? MetricLabels.None;
        var tier = request.Tier ?? MetricLabels.None;
        var deployment = request.Deployment ?? MetricLabels.None;
        var series = Get(_requests, new SeriesKey(route, tier, deployment, MetricLabels.None));
        var outcome = MetricLabels.Outcome(request.Status, request.ErrorType, request.ErrorCode);
        var endpoint = Math.Clamp((int)request.Endpoint, 0, MetricLabels.Endpoints.Length - 1);
        Interlocked.Increment(ref series.Requests[RequestSeries.RequestIndex(endpoint, outcome, MetricLabels.StatusClass(request.Status))]);
        if (outcome != MetricLabels.OutcomeOk && request.Error is { } error)
        {
            Interlocked.Increment(ref series.Errors[MetricLabels.Error(error)]);
        }

        series.Duration.Observe(request.Seconds);
        if (request.FirstTokenSeconds is { } firstToken)
        {
            series.TimeToFirstToken.Observe(firstToken);
        }

        AddTokens(series.Tokens, 0, request.InputTokens ?? 0);
        AddTokens(series.Tokens, 1, request.OutputTokens ?? 0);
        AddTokens(series.Tokens, 2, request.CachedTokens);
        AddTokens(series.Tokens, 3, request.ReasoningTokens);

        var team = TeamLabel(request.Team, config);
        if (request.Cost is not null || request.BaselineCost is not null)
        {
            var costs = Get(_costs, new SeriesKey(route, tier, deployment, team));
            CostSeries.Add(ref costs.AnswerNanoUsd, request.Cost);
            CostSeries.Add(ref costs.BaselineNanoUsd, request.BaselineCost);
        }

        if (request.CostParts is { } parts)
        {
            // Each dollar under the deployment that spent it, as the request log's cost parts and `costs` file it.
            for (var i = 0; i < parts.Count; i++)
            {
                var part = parts[i];
                var spent = Get(_costs, new SeriesKey(route, part.Tier ?? MetricLabels.None, part.Deployment, team));
                switch (part.Kind)
                {
                    case Storage.RequestLog.CostKind.Escalated:
                        CostSeries.Add(ref spent.EscalatedNanoUsd, part.CostUsd);
                        break;
                    case Storage.RequestLog.CostKind.Check:
                        CostSeries.Add(ref spent.ChecksNanoUsd, part.CostUsd);
                        break;
                    default:
                        CostSeries.Add(ref spent.FailedNanoUsd, part.CostUsd);
                        break;
                }
            }
        }

        if (request.Route is not null && (request.Escalated || request.FallbackFrom is not null))
        {
            var routeSeries = Get(_routes, route);
            if (request.Escalated)
            {
                Interlocked.Increment(ref routeSeries.Escalations[MetricLabels.EscalationReason(request.EscalatedBecause)]);
            }

            if (request.FallbackFrom is { } kind)
            {
                Interlocked.Increment(ref routeSeries.Fallbacks[MetricLabels.FallbackReason(kind)]);
            }
        }

        if (outcome == MetricLabels.OutcomeBudgetExceeded)
        {
            Interlocked.Increment(ref Get(_limitRejections, team)[MetricLabels.LimitBudget]);
        }
    }

    /// <summary>
    /// Records one deployment the request considered: a call with its outcome and duration, or a pass-over (an
    /// outcome <c>skipped:REASON</c>), as the request log's attempts name them.
    /// </summary>
    public void ObserveAttempt(string deployment, string outcome, double milliseconds)
    {
        var series = Get(_deployments, deployment);
        if (MetricLabels.IsCall(outcome, out var index))
        {
            series.Attempts[index].Observe(milliseconds / 1000);
        }
        else
        {
            Interlocked.Increment(ref series.Skips[index]);
        }
    }

    /// <summary>Records a request the key's or team's rate limit refused; <paramref name="exceeded"/> is the limiter's word.</summary>
    public void RateLimitRejected(string? exceeded, string? team, GatewayConfig config)
        => Interlocked.Increment(ref Get(_limitRejections, TeamLabel(team, config))[MetricLabels.LimitKind(exceeded)]);

    /// <summary>Records a request whose limits were decided without Redis: served on local counts (open) or refused (closed).</summary>
    public void LimitsDegraded(bool refused) => Interlocked.Increment(ref _limitsDegraded[refused ? 1 : 0]);

    /// <summary>Requests decided without Redis: [0] served on this instance's counts (open), [1] refused (closed).</summary>
    internal long[] LimitsDegradedCounts => _limitsDegraded;

    /// <summary>Records the cache's verdict on a request of <paramref name="route"/>: hit, miss or bypass.</summary>
    public void CacheResult(string route, string result)
        => Interlocked.Increment(ref (_cacheResults.TryGetValue(route, out var counts) ? counts : _cacheResults.GetOrAdd(route, static _ => new long[3]))[result switch { "hit" => 0, "miss" => 1, _ => 2 }]);

    /// <summary>The cache's verdicts by route: [hit, miss, bypass].</summary>
    internal ConcurrentDictionary<string, long[]> CacheResults => _cacheResults;

    /// <summary>Records a configuration reload: swapped in, or refused.</summary>
    public void ConfigReloaded(bool applied) => Interlocked.Increment(ref applied ? ref _reloadsApplied : ref _reloadsRejected);

    /// <summary>
    /// The team as a label: the configuration's own string when it declares the team, <c>none</c> without one, and
    /// <c>other</c> for a team only the key store knows (a key's team is not checked against the file).
    /// </summary>
    private string TeamLabel(string? team, GatewayConfig config)
    {
        if (team is null)
        {
            return MetricLabels.None;
        }

        var known = Volatile.Read(ref _teams);
        if (known is null || !ReferenceEquals(known.Config, config))
        {
            // Once per configuration: a race builds it twice, harmlessly.
            known = new TeamNames(config, config.Teams.Select(t => t.Name).ToFrozenSet(StringComparer.Ordinal));
            Volatile.Write(ref _teams, known);
        }

        return known.Names.TryGetValue(team, out var declared) ? declared : MetricLabels.Other;
    }

    private static void AddTokens(long[] tokens, int type, int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref tokens[type], count);
        }
    }

    private static TValue Get<TKey, TValue>(ConcurrentDictionary<TKey, TValue> series, TKey key)
        where TKey : notnull
        where TValue : class, new()
        => series.TryGetValue(key, out var existing) ? existing : series.GetOrAdd(key, static _ => new TValue());

    private static long[] Get(ConcurrentDictionary<string, long[]> series, string key)
        => series.TryGetValue(key, out var existing) ? existing : series.GetOrAdd(key, static _ => new long[MetricLabels.LimitKinds.Length]);

    private sealed record TeamNames(GatewayConfig Config, FrozenSet<string> Names);
}
