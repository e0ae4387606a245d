using System.Collections.Immutable;
using Switchyard.Gateway.Configuration;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway.Economics.Tco;

/// <summary>
/// From the request log to next month's cost: sums the tokens per deployment and per day, then projects the daily
/// average over a horizon for all-API, all-self-hosted and the hybrid as configured. See README.md, "From traffic".
/// </summary>
internal static class TrafficProjector
{
    /// <summary>Days "next month" projects: the brief's 30, not a twelfth of a year.</summary>
    public const int DefaultHorizonDays = 30;

    /// <summary>
    /// Sums <paramref name="entries"/> at or after <paramref name="since"/> and before <paramref name="until"/>: the
    /// tokens of every answer (requests answered) under the deployment that wrote it, and those of every other call a
    /// request paid for (its cost parts: turned-down answers, checks, calls that failed mid-way) under the deployment
    /// called, the same tokens <c>switchyard costs</c> counts. Requests are counted where they were answered.
    /// </summary>
    /// <param name="entries">Request log rows in any order, with their cost parts.</param>
    /// <param name="hostingOf">Where a deployment runs, or <see langword="null"/> for a name the configuration does not have.</param>
    /// <param name="since">The window's start.</param>
    /// <param name="until">The window's end (now).</param>
    public static TrafficUsage Summarise(IEnumerable<RequestLogEntry> entries, Func<string, Hosting?> hostingOf, DateTimeOffset since, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(hostingOf);
        var deployments = new Dictionary<string, (long Requests, long Input, long Output)>(StringComparer.Ordinal);
        var days = new SortedDictionary<DateOnly, (long External, long SelfHosted)>();
        var hosting = new Dictionary<string, Hosting?>(StringComparer.Ordinal);
        var first = until;
        long withoutTokens = 0;
        foreach (var entry in entries)
        {
            if (entry.Timestamp < since || entry.Timestamp > until)
            {
                continue;
            }

            if (entry.Timestamp < first)
            {
                first = entry.Timestamp;
            }

            var day = DateOnly.FromDateTime(entry.Timestamp.UtcDateTime);
            var counted = false;
            // A failed request's own tokens are those of its failed call, which its cost parts hold.
            if (entry.Status is >= 200 and < 300 && entry.Deployment is { } name && (entry.InputTokens is not null || entry.OutputTokens is not null))
            {
                Add(name, request: 1, entry.InputTokens ?? 0, entry.OutputTokens ?? 0, day);
                counted = true;
            }

            foreach (var part in entry.CostParts ?? [])
            {
                Add(part.Deployment, request: 0, part.InputTokens, part.OutputTokens, day);
                counted = true;
            }

            withoutTokens += counted ? 0 : 1;
        }

        return new TrafficUsage
        {
            Deployments = [.. deployments
                .Select(d => new DeploymentUsage(d.Key, hosting[d.Key], d.Value.Requests, d.Value.Input, d.Value.Output))
                .OrderByDescending(d => d.Tokens)
                .ThenBy(d => d.Deployment, StringComparer.Ordinal)],
            Days = [.. days.Select(d => new DailyUsage(d.Key, d.Value.External, d.Value.SelfHosted))],
            // A log younger than the window would understate the average if divided by the whole window.
            From = first > since ? first : since,
            Until = until,
            RequestsWithoutTokens = withoutTokens,
        };

        void Add(string name, int request, long input, long output, DateOnly day)
        {
            deployments[name] = deployments.TryGetValue(name, out var sum)
                ? (sum.Requests + request, sum.Input + input, sum.Output + output)
                : (request, input, output);
            if (!hosting.TryGetValue(name, out var where))
            {
                where = hostingOf(name);
                hosting[name] = where;
            }

            days.TryGetValue(day, out var daySum);
            days[day] = where is Hosting.SelfHosted
                ? (daySum.External, daySum.SelfHosted + input + output)
                : (daySum.External + input + output, daySum.SelfHosted);
        }
    }

    /// <summary>Projects <paramref name="usage"/>'s daily average over <paramref name="horizonDays"/> days.</summary>
    /// <param name="usage">What was served.</param>
    /// <param name="apiPricing">The API price every token pays in the all-API strategy.</param>
    /// <param name="externalPricing">
    /// The price an external deployment's tokens pay in the hybrid: its own from the price book (configured, <c>prices:</c>
    /// or the catalog's list price), or the all-API price for one the price book does not know.
    /// </param>
    /// <param name="selfHosted">The GPUs' cost and capacity.</param>
    /// <param name="selfHostedConfigured">Whether the configuration has self-hosted deployments: the hybrid pays for at least one set even when they served nothing.</param>
    /// <param name="horizonDays">Days to project.</param>
    public static TrafficProjection Project(
        TrafficUsage usage,
        ApiPricing apiPricing,
        Func<DeploymentUsage, ApiPricing> externalPricing,
        SelfHostedCost selfHosted,
        bool selfHostedConfigured,
        int horizonDays = DefaultHorizonDays)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(apiPricing);
        ArgumentNullException.ThrowIfNull(externalPricing);
        ArgumentNullException.ThrowIfNull(selfHosted);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizonDays);

        // Each day of the horizon repeats the observed daily average: horizon / observed days times the observed sums.
        var factor = horizonDays / usage.ObservedDays;
        var setPerDay = selfHosted.CostPerSetPerYear / TcoCalculator.DaysPerYear;

        long input = 0, output = 0, selfTokens = 0;
        decimal externalFees = 0;
        foreach (var deployment in usage.Deployments)
        {
            input += deployment.InputTokens;
            output += deployment.OutputTokens;
            if (deployment.IsExternal)
            {
                externalFees += externalPricing(deployment).CostOf(deployment.InputTokens, deployment.OutputTokens) * factor;
            }
            else
            {
                selfTokens += deployment.Tokens;
            }
        }

        var tokensPerDay = (input + output) / usage.ObservedDays;
        var selfPerDay = selfTokens / usage.ObservedDays;

        var allApi = new ProjectedCost("All API", apiPricing.CostOf(input, output) * factor, 0, 0);

        var allSets = selfHosted.SetsFor(tokensPerDay);
        var allSelf = new ProjectedCost("All self-hosted", 0, allSets * setPerDay * horizonDays, allSets);

        var hybridSets = selfTokens > 0 || selfHostedConfigured ? selfHosted.SetsFor(selfPerDay) : 0;
        var hybrid = new ProjectedCost("Hybrid as served", externalFees, hybridSets * setPerDay * horizonDays, hybridSets);

        return new TrafficProjection
        {
            HorizonDays = horizonDays,
            AllApi = allApi,
            AllSelfHosted = allSelf,
            Hybrid = hybrid,
            TokensPerDay = tokensPerDay,
            SelfHostedTokensPerDay = selfPerDay,
        };
    }
}
