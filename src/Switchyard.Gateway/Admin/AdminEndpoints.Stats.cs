using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Configuration.Internal;
using Switchyard.Gateway.Internal;
using Switchyard.Storage.Keys;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway.Admin;

/// <summary>
/// What the dashboard (<c>/ui</c>) reads besides the log, costs, routes, teams and registry: <c>/admin/whoami</c> (which
/// key this is), <c>/admin/stats</c> (the request log as time series), <c>/admin/deployments</c> (each deployment's
/// circuit, health and load now) and <c>/admin/budgets</c> (each budget's spend against its limit). Read-only; the
/// figures cover every team, so only admin, operator and auditor keys read them.
/// </summary>
internal static partial class AdminEndpoints
{
    /// <summary>The window <c>/admin/stats</c> covers when <c>since</c> is not given.</summary>
    public static readonly TimeSpan DefaultStatsWindow = TimeSpan.FromMinutes(15);

    /// <summary>The longest window: a month of buckets is what a request log of a busy month sums in well under a second.</summary>
    public static readonly TimeSpan MaxStatsWindow = TimeSpan.FromDays(31);

    /// <summary>Buckets when <c>step</c> is not given: enough points for a chart's line, few enough to read at a glance.</summary>
    public const int DefaultStatsBuckets = 90;

    private const string OpenTierWord = "self-hosted";

    private static IResult EveryTeamOnly() => Forbidden("The dashboard's figures cover every team: they need an admin, operator or auditor key (switchyard keys create --team TEAM --role auditor).");

    private static void MapStatsEndpoints(IEndpointRouteBuilder endpoints, GatewayRuntime runtime, Func<IKeyStore> keys, Func<KeyAuthenticator> authenticator, Func<IRequestLogStore?> log, Func<ITrafficStats> traffic, byte[]? bootstrap, TimeProvider time)
    {
        endpoints.MapGet("/admin/whoami", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, _) => Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("actor", caller.Actor);
            writer.WriteString("role", caller.Role);
            writer.WriteString("team", caller.Team);
            writer.WriteString("reads", caller.ReadsEverything ? "everything" : caller.Role is null ? "team" : "registry");
            writer.WriteEndObject();
        })));

        endpoints.MapGet("/admin/stats", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, _) =>
        {
            if (!caller.ReadsEverything)
            {
                return EveryTeamOnly();
            }

            if (log() is not IRequestLogReports)
            {
                return Error(StatusCodes.Status404NotFound, "The request log is off (request_log.enabled: false): there is nothing to chart.", "not_found");
            }

            var (since, step, problem, param) = ReadWindow(context.Request.Query);
            if (problem is not null)
            {
                return Error(StatusCodes.Status400BadRequest, problem, "invalid_value", param);
            }

            var buckets = (int)Math.Ceiling(since.Ticks / (double)step.Ticks);
            // Buckets are aligned to multiples of the step, so a chart polled every few seconds keeps its points where they
            // were; the last bucket is the one now falls in.
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var stepMs = (long)step.TotalMilliseconds;
            var start = DateTimeOffset.FromUnixTimeMilliseconds(now - (now % stepMs) - ((buckets - 1) * stepMs));
            var summary = traffic().Summarize(start, step, buckets);
            return Write(writer => WriteStats(writer, summary, runtime.Config, DateTimeOffset.FromUnixTimeMilliseconds(now)));
        }));

        endpoints.MapGet("/admin/deployments", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, _) => !caller.ReadsEverything ? EveryTeamOnly() : Write(writer =>
        {
            var config = runtime.Config;
            writer.WriteStartArray();
            foreach (var deployment in runtime.Routes.Deployments)
            {
                var health = deployment.Health;
                writer.WriteStartObject();
                writer.WriteString("name", deployment.Name);
                writer.WriteString("provider", deployment.Provider.Name);
                writer.WriteString("model", deployment.Config.Model);
                writer.WriteString("hosting", HostingWord(deployment.Config.Hosting));
                writer.WriteString("base", deployment.Base?.Name);
                writer.WriteString("region", deployment.Config.Region);
                writer.WriteStartArray("tiers");
                foreach (var route in config.Routes)
                {
                    foreach (var tier in route.EffectiveTiers())
                    {
                        if (tier.Members.Any(m => m.Deployment == deployment.Name))
                        {
                            writer.WriteStringValue(route.Name + "/" + tier.Name);
                        }
                    }
                }

                writer.WriteEndArray();
                writer.WriteString("circuit", health.Circuit switch
                {
                    null => "off",
                    { IsHalfOpen: true } => "half-open",
                    { IsBroken: true } => "open",
                    _ => "closed",
                });
                writer.WriteString("health", health.HealthCheck is null ? "unchecked" : health.Unavailable is null ? "healthy" : "unhealthy");
                writer.WriteBoolean("withdrawn", deployment.Withdrawn);
                writer.WriteNumber("in_flight", health.InFlight);
                WriteNumberOrNull(writer, "max_concurrency", health.MaxConcurrency);
                writer.WriteNumber("ttft_ms", Math.Round(health.TimeToFirstTokenMs, 1));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        })));
    }

    /// <summary>The <c>since</c> and <c>step</c> of a stats request, or what is wrong with them and which one.</summary>
    private static (TimeSpan Since, TimeSpan Step, string? Problem, string? Param) ReadWindow(IQueryCollection query)
    {
        var since = DefaultStatsWindow;
        if (query["since"].FirstOrDefault() is { Length: > 0 } sinceText)
        {
            if (DurationSyntax.TryParse(sinceText, out since) is { } problem)
            {
                return (default, default, $"since: {problem}.", "since");
            }

            if (since < TimeSpan.FromMinutes(1) || since > MaxStatsWindow)
            {
                return (default, default, $"since: {DurationSyntax.Format(since)} is outside 1m to {MaxStatsWindow.TotalHours:0}h; write e.g. since=15m, since=1h or since=24h.", "since");
            }
        }

        // The default step makes about DefaultStatsBuckets buckets, in whole seconds.
        var step = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(since.TotalSeconds / DefaultStatsBuckets)));
        if (query["step"].FirstOrDefault() is { Length: > 0 } stepText)
        {
            if (DurationSyntax.TryParse(stepText, out step) is { } problem)
            {
                return (default, default, $"step: {problem}.", "step");
            }

            if (step < TimeSpan.FromSeconds(1) || step.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                return (default, default, $"step: {stepText} is not a whole number of seconds of at least 1s; write e.g. step=10s or step=1m.", "step");
            }
        }

        var buckets = Math.Ceiling(since.Ticks / (double)step.Ticks);
        if (buckets > TrafficSummary.MaxBuckets)
        {
            var least = TimeSpan.FromSeconds(Math.Ceiling(since.TotalSeconds / TrafficSummary.MaxBuckets));
            return (default, default, string.Create(CultureInfo.InvariantCulture,
                $"since={DurationSyntax.Format(since)} in steps of {DurationSyntax.Format(step)} is {buckets:0} buckets; at most {TrafficSummary.MaxBuckets}: use step={DurationSyntax.Format(least)} or more."), "step");
        }

        return (since, step, null, null);
    }

    /// <summary>
    /// The summary as the dashboard draws it: one array per series, aligned with <c>times</c> (each bucket's start, unix
    /// milliseconds); tiers in the order the routes list them; shares and rates <see langword="null"/> where nothing was
    /// answered; the totals of the whole window, which equal the sums of <c>/admin/costs</c> over the same requests.
    /// </summary>
    private static void WriteStats(Utf8JsonWriter writer, TrafficSummary summary, GatewayConfig config, DateTimeOffset now)
    {
        var n = summary.Buckets;
        var hosting = config.Deployments.ToDictionary(d => d.Name, d => d.Hosting, StringComparer.Ordinal);
        var requests = new long[n];
        var answered = new long[n];
        var errors = new long[n];
        var escalated = new long[n];
        var failovers = new long[n];
        var open = new long[n];
        var external = new long[n];
        var spent = new double[n];
        var baseline = new double[n];
        var byTier = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var byDeployment = new SortedDictionary<string, (long Requests, long Answered, long Errors, long Failovers, double Spent)>(StringComparer.Ordinal);
        long inputTokens = 0, outputTokens = 0;
        foreach (var group in summary.Groups)
        {
            var b = group.Bucket;
            requests[b] += group.Requests;
            answered[b] += group.Answered;
            errors[b] += group.Errors;
            escalated[b] += group.Escalated;
            failovers[b] += group.Failovers;
            spent[b] += group.Cost + group.ExtraCost;
            baseline[b] += group.BaselineCost;
            inputTokens += group.InputTokens;
            outputTokens += group.OutputTokens;
            var where = group.Deployment is { } name && hosting.TryGetValue(name, out var h) ? h : (Hosting?)null;
            if (where == Hosting.SelfHosted)
            {
                open[b] += group.Answered;
            }
            else if (where == Hosting.External)
            {
                external[b] += group.Answered;
            }

            var tier = TierLabel(config, group.Route, group.Tier);
            if (!byTier.TryGetValue(tier, out var series))
            {
                byTier[tier] = series = new long[n];
            }

            series[b] += group.Requests;
            if (group.Deployment is { } deployment)
            {
                var d = byDeployment.GetValueOrDefault(deployment);
                byDeployment[deployment] = (d.Requests + group.Requests, d.Answered + group.Answered, d.Errors + group.Errors, d.Failovers + group.Failovers, d.Spent + group.Cost + group.ExtraCost);
            }
        }

        var totalAnswered = answered.Sum();
        var totalSpent = spent.Sum();
        var totalBaseline = baseline.Sum();
        var totalEscalated = escalated.Sum();
        writer.WriteStartObject();
        writer.WriteStartObject("window");
        writer.WriteString("since", Timestamp(summary.Start));
        writer.WriteString("until", Timestamp(now));
        writer.WriteNumber("step_seconds", summary.Step.TotalSeconds);
        writer.WriteNumber("buckets", n);
        writer.WriteEndObject();

        writer.WriteStartObject("totals");
        writer.WriteNumber("requests", requests.Sum());
        writer.WriteNumber("answered", totalAnswered);
        writer.WriteNumber("errors", errors.Sum());
        writer.WriteNumber("escalated", totalEscalated);
        writer.WriteNumber("failovers", failovers.Sum());
        WriteRatio(writer, "escalation_rate", totalEscalated, totalAnswered);
        WriteRatio(writer, "open_share", open.Sum(), totalAnswered);
        writer.WriteNumber("input_tokens", inputTokens);
        writer.WriteNumber("output_tokens", outputTokens);
        writer.WriteNumber("spent_usd", totalSpent);
        writer.WriteNumber("baseline_cost_usd", totalBaseline);
        writer.WriteNumber("saved_usd", totalBaseline - totalSpent);
        writer.WriteStartObject("latency_ms");
        writer.WriteNumber("count", summary.OverallLatency?.Count ?? 0);
        WriteNumberOrNull(writer, "p50", summary.OverallLatency?.P50);
        WriteNumberOrNull(writer, "p95", summary.OverallLatency?.P95);
        WriteNumberOrNull(writer, "p99", summary.OverallLatency?.P99);
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteStartArray("times");
        for (var i = 0; i < n; i++)
        {
            writer.WriteNumberValue(summary.Start.Add(summary.Step * i).ToUnixTimeMilliseconds());
        }

        writer.WriteEndArray();
        WriteSeries(writer, "requests", requests);
        WriteSeries(writer, "answered", answered);
        WriteSeries(writer, "errors", errors);
        WriteSeries(writer, "escalated", escalated);
        WriteSeries(writer, "failovers", failovers);
        writer.WriteStartArray("escalation_rate");
        for (var i = 0; i < n; i++)
        {
            WriteRatioValue(writer, escalated[i], answered[i]);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("hosting");
        WriteSeries(writer, OpenTierWord, open);
        WriteSeries(writer, "external", external);
        writer.WriteEndObject();
        writer.WriteStartArray("open_share");
        for (var i = 0; i < n; i++)
        {
            WriteRatioValue(writer, open[i], answered[i]);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("tiers");
        foreach (var tier in TierOrder(config, byTier.Keys))
        {
            writer.WriteStartObject();
            writer.WriteString("tier", tier);
            WriteSeries(writer, "requests", byTier[tier]);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("latency_ms");
        var latency = new LatencyPercentiles?[n];
        foreach (var bucket in summary.Latency)
        {
            latency[bucket.Bucket] = bucket;
        }

        foreach (var (name, pick) in new (string, Func<LatencyPercentiles, double>)[] { ("p50", l => l.P50), ("p95", l => l.P95), ("p99", l => l.P99) })
        {
            writer.WriteStartArray(name);
            foreach (var bucket in latency)
            {
                if (bucket is { } l)
                {
                    writer.WriteNumberValue(pick(l));
                }
                else
                {
                    writer.WriteNullValue();
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        WriteSeries(writer, "spent_usd", spent);
        WriteSeries(writer, "baseline_cost_usd", baseline);

        writer.WriteStartArray("escalation_reasons");
        foreach (var (reason, count) in EscalationReasons(summary.EscalationChecks, totalEscalated))
        {
            writer.WriteStartObject();
            writer.WriteString("reason", reason);
            writer.WriteNumber("count", count);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("deployments");
        foreach (var (name, d) in byDeployment)
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteString("hosting", hosting.TryGetValue(name, out var h) ? HostingWord(h) : "unknown");
            writer.WriteNumber("requests", d.Requests);
            writer.WriteNumber("answered", d.Answered);
            writer.WriteNumber("errors", d.Errors);
            writer.WriteNumber("failovers", d.Failovers);
            writer.WriteNumber("spent_usd", d.Spent);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// Escalations by check: a record that failed two checks counts once for each. Escalations with no record (a route
    /// with <c>record_escalations: false</c>, or a record dropped with its batch) are counted as <c>not recorded</c>.
    /// </summary>
    internal static IEnumerable<(string Reason, long Count)> EscalationReasons(IReadOnlyList<(string? Failed, long Count)> checks, long escalated)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long recorded = 0;
        foreach (var (failed, count) in checks)
        {
            recorded += count;
            var names = failed?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            foreach (var name in names.Length == 0 ? ["score below threshold"] : names)
            {
                counts[name] = counts.GetValueOrDefault(name) + count;
            }
        }

        if (escalated > recorded)
        {
            counts["not recorded"] = escalated - recorded;
        }

        return counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value));
    }

    /// <summary>
    /// A tier as the traffic chart names it: its name when its route names its tiers (<c>open</c>, <c>frontier</c>: the
    /// same name on two routes is one series); for a route with a plain list of deployments, whose tiers are numbered, the
    /// route (<c>embeddings</c>) or, with several, the route and the number (<c>embeddings/2</c>).
    /// </summary>
    private static string TierLabel(GatewayConfig config, string? route, string? tier)
    {
        if (tier is null)
        {
            return "(none)";
        }

        var named = route is null ? null : config.Routes.FirstOrDefault(r => r.Name == route);
        return named is null || !named.Tiers.IsDefaultOrEmpty ? tier : named.Deployments.Length == 1 ? named.Name : named.Name + "/" + tier;
    }

    /// <summary>Tiers as the routes list them (the cheap first), then any others the log holds (a tier since removed).</summary>
    private static IEnumerable<string> TierOrder(GatewayConfig config, IEnumerable<string> present)
    {
        var seen = present.ToHashSet(StringComparer.Ordinal);
        var ordered = config.Routes.SelectMany(r => r.EffectiveTiers().Select(t => TierLabel(config, r.Name, t.Name))).Where(seen.Contains).Distinct(StringComparer.Ordinal).ToList();
        return ordered.Concat(seen.Except(ordered, StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    private static string HostingWord(Hosting hosting) => hosting == Hosting.SelfHosted ? OpenTierWord : "external";

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static void WriteSeries(Utf8JsonWriter writer, string name, long[] values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteSeries(Utf8JsonWriter writer, string name, double[] values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteRatio(Utf8JsonWriter writer, string name, long part, long whole)
    {
        writer.WritePropertyName(name);
        WriteRatioValue(writer, part, whole);
    }

    private static void WriteRatioValue(Utf8JsonWriter writer, long part, long whole)
    {
        if (whole == 0)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteNumberValue((double)part / whole);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>
    /// The filters <c>/admin/logs</c> takes besides team and limit: <c>route</c>, <c>status</c> (a code, or <c>errors</c>
    /// for 400 and above) and <c>escalated</c>; or the parameter whose value is not one of those.
    /// </summary>
    private static (RequestLogQuery Query, string? Invalid) ReadLogFilter(IQueryCollection query)
    {
        var filter = new RequestLogQuery { Route = query["route"].FirstOrDefault() is { Length: > 0 } route ? route : null };
        switch (query["status"].FirstOrDefault())
        {
            case null or "":
                break;
            case "errors":
                filter = filter with { ErrorsOnly = true };
                break;
            case var code when int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 100 and <= 599:
                filter = filter with { Status = status };
                break;
            default:
                return (filter, "status");
        }

        return query["escalated"].FirstOrDefault() switch
        {
            null or "" or "false" => (filter, null),
            "true" => (filter with { EscalatedOnly = true }, null),
            _ => (filter, "escalated"),
        };
    }

    /// <summary>What the dashboard's latest requests show besides the row's key fields: where it went, and why.</summary>
    private static void WriteLogDetail(Utf8JsonWriter writer, RequestLogEntry entry)
    {
        writer.WriteString("endpoint", entry.Endpoint);
        writer.WriteString("tier", entry.Tier);
        writer.WriteBoolean("stream", entry.Stream);
        WriteNumberOrNull(writer, "input_tokens", entry.InputTokens);
        WriteNumberOrNull(writer, "output_tokens", entry.OutputTokens);
        writer.WriteString("escalated_from", entry.EscalatedFrom);
        writer.WriteString("fallback_reason", entry.FallbackReason);
        writer.WriteString("error", entry.ErrorMessage);
    }
}
