using Switchyard.Gateway.Evaluation.Statistics;
using Switchyard.Storage.Shadow;

namespace Switchyard.Gateway.Shadow;

/// <summary>
/// Sums stored shadow comparisons per route and candidate: quality against the incumbents, latency, cost, and what a
/// switch would save a month at the route's observed volume.
/// </summary>
/// <remarks>
/// Monthly volume: the route's answered requests in the request log over the window (from <c>--since</c>, or from the
/// first such request when later) ÷ the window in days × 30.44 (a mean month). Saving: the mean cost per answer of the
/// incumbents less the candidate's, over the comparisons where both were costed, times that volume. Judge calls are the
/// shadow's own cost and are not in it.
/// </remarks>
internal static class ShadowReportBuilder
{
    /// <summary>Days in a mean month (365.25 / 12).</summary>
    public const double DaysPerMonth = 30.4375;

    /// <param name="comparisons">The window's comparisons.</param>
    /// <param name="counters">The window's daily counters.</param>
    /// <param name="volume">A route's answered requests over the window and when the first came; <see langword="null"/> when unknown.</param>
    /// <param name="since">The window's start.</param>
    /// <param name="now">Its end.</param>
    public static IReadOnlyList<ShadowReportRow> Build(
        IReadOnlyList<ShadowComparison> comparisons,
        IReadOnlyList<ShadowCounters> counters,
        Func<string, (long Requests, DateTimeOffset? First)?> volume,
        DateTimeOffset since,
        DateTimeOffset now)
    {
        var keys = comparisons.Select(c => (c.Route, Candidate: c.CandidateDeployment))
            .Concat(counters.Select(c => (c.Route, c.Candidate)))
            .Distinct()
            .OrderBy(k => k.Route, StringComparer.Ordinal)
            .ThenBy(k => k.Candidate, StringComparer.Ordinal);
        var rows = new List<ShadowReportRow>();
        foreach (var (route, candidate) in keys)
        {
            var mine = comparisons.Where(c => c.Route == route && c.CandidateDeployment == candidate).ToList();
            var counted = counters.Where(c => c.Route == route && c.Candidate == candidate).Aggregate(new ShadowCounters { Route = route, Candidate = candidate, Day = "" }, (a, b) => a.Add(b));
            var answered = mine.Where(c => c.CandidateError is null).ToList();
            var wins = mine.Count(c => c.Winner == "candidate");
            var ties = mine.Count(c => c.Winner == "tie");
            var losses = mine.Count(c => c.Winner == "incumbent") + mine.Count(c => c.CandidateError is not null);
            var costed = mine.Where(c => c.IncumbentCostUsd is not null && c.CandidateCostUsd is not null).ToList();
            double? monthly = null;
            if (volume(route) is { } seen && seen.Requests > 0)
            {
                var start = seen.First is { } first && first > since ? first : since;
                var days = Math.Max((now - start).TotalDays, 1.0 / 24);
                monthly = seen.Requests / days * DaysPerMonth;
            }

            rows.Add(new ShadowReportRow
            {
                Route = route,
                Candidate = candidate,
                Incumbents = [.. mine.GroupBy(c => c.IncumbentDeployment).OrderByDescending(g => g.Count()).Select(g => g.Key)],
                Sampled = counted.Sampled,
                DroppedSaturated = counted.DroppedSaturated,
                SkippedBudget = counted.SkippedBudget,
                SkippedConfidential = counted.SkippedConfidential,
                Compared = mine.Count,
                CandidateFailed = mine.Count - answered.Count,
                Wins = wins,
                Ties = ties,
                Losses = losses,
                AtLeastAsGood = ConfidenceIntervals.Wilson(wins + ties, wins + ties + losses),
                IncumbentScore = Mean(answered.Select(c => c.IncumbentScore)),
                CandidateScore = Mean(answered.Select(c => c.CandidateScore)),
                IncumbentJudge = Mean(answered.Select(c => c.IncumbentJudgeScore)),
                CandidateJudge = Mean(answered.Select(c => c.CandidateJudgeScore)),
                Agreement = Mean(answered.Select(c => c.Agreement)),
                IncumbentP50 = Percentiles.Of(mine.Where(c => c.IncumbentLatencyMs is not null).Select(c => c.IncumbentLatencyMs!.Value), 50),
                IncumbentP95 = Percentiles.Of(mine.Where(c => c.IncumbentLatencyMs is not null).Select(c => c.IncumbentLatencyMs!.Value), 95),
                CandidateP50 = Percentiles.Of(answered.Where(c => c.CandidateLatencyMs is not null).Select(c => c.CandidateLatencyMs!.Value), 50),
                CandidateP95 = Percentiles.Of(answered.Where(c => c.CandidateLatencyMs is not null).Select(c => c.CandidateLatencyMs!.Value), 95),
                IncumbentCost = costed.Count > 0 ? costed.Sum(c => (decimal)c.IncumbentCostUsd!.Value) / costed.Count : null,
                CandidateCost = costed.Count > 0 ? costed.Sum(c => (decimal)c.CandidateCostUsd!.Value) / costed.Count : null,
                JudgeCost = mine.Sum(c => (decimal)(c.JudgeCostUsd ?? 0)),
                MonthlyRequests = monthly,
            });
        }

        return rows;
    }

    private static double? Mean(IEnumerable<double?> values)
    {
        var known = values.OfType<double>().ToList();
        return known.Count > 0 ? known.Average() : null;
    }
}
