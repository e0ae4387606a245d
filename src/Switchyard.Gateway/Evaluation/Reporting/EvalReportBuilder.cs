using System.Globalization;
using Switchyard.Gateway.Evaluation.Statistics;
using Switchyard.Storage.Evaluation;

namespace Switchyard.Gateway.Evaluation.Reporting;

/// <summary>
/// Sums a run's results per model and use case: pass rates with Wilson's interval, mean scores with Student's t, latency
/// and time-to-first-token percentiles, tokens, cost per 1,000 cases; and picks the cheapest model at a quality.
/// </summary>
/// <remarks>
/// An error (no answer after the retries) counts as a failed trial scoring 0: the model, or the route in front of it, did
/// not deliver. Latency, tokens and time to first token are over answered trials only. Repeats of a case count as trials
/// in the pass rate (so its interval describes this suite's answers as sampled, narrower than independent cases would give);
/// the mean score's interval is over the cases' mean scores, so repeats do not narrow it.
/// </remarks>
internal static class EvalReportBuilder
{
    public static EvalReport Build(EvalRunRecord run, IReadOnlyList<EvalResultRecord> results, double minQuality = 0.8)
    {
        var models = run.Models.Where(m => results.Any(r => r.Model == m)).Concat(results.Select(r => r.Model).Distinct(StringComparer.Ordinal).Where(m => !run.Models.Contains(m))).ToList();
        var useCases = results.Select(r => r.UseCase).Distinct(StringComparer.Ordinal).ToList();
        var rows = new List<EvalReportRow>();
        foreach (var model in models)
        {
            var mine = results.Where(r => r.Model == model).ToList();
            foreach (var useCase in useCases)
            {
                var some = mine.Where(r => r.UseCase == useCase).ToList();
                if (some.Count > 0)
                {
                    rows.Add(Row(model, useCase, some));
                }
            }

            rows.Add(Row(model, EvalReport.AllUseCases, mine));
        }

        var cheapest = new List<CheapestPick>();
        foreach (var useCase in useCases.Append(EvalReport.AllUseCases))
        {
            if (Pick(useCase, rows.Where(r => r.UseCase == useCase).ToList(), minQuality) is { } pick)
            {
                cheapest.Add(pick);
            }
        }

        return new EvalReport
        {
            Run = run,
            Models = models,
            UseCases = useCases,
            Rows = rows,
            MinQuality = minQuality,
            Cheapest = cheapest,
            Recorded = results.Count,
            Expected = run.Cases * run.Models.Count * run.Repeats,
            JudgeCost = results.Sum(r => r.JudgeCostUsd ?? 0),
        };
    }

    private static EvalReportRow Row(string model, string useCase, List<EvalResultRecord> results)
    {
        var answered = results.Where(r => r.Error is null).ToList();
        var passed = results.Count(r => r.Pass == true);
        var perCase = results.GroupBy(r => (r.UseCase, r.CaseId)).Select(g => g.Average(r => r.Score ?? 0)).ToList();
        var costed = results.Where(r => r.CostUsd is not null).ToList();
        var streamed = answered.Where(r => r.TimeToFirstTokenMs is not null).Select(r => r.TimeToFirstTokenMs!.Value).ToList();
        var latencies = answered.Where(r => r.LatencyMs is not null).Select(r => r.LatencyMs!.Value).ToList();
        var inputs = answered.Where(r => r.InputTokens is not null).Select(r => (double)r.InputTokens!.Value).ToList();
        var outputs = answered.Where(r => r.OutputTokens is not null).Select(r => (double)r.OutputTokens!.Value).ToList();
        return new EvalReportRow
        {
            Model = model,
            UseCase = useCase,
            Trials = results.Count,
            Answered = answered.Count,
            Passed = passed,
            PassRate = ConfidenceIntervals.Wilson(passed, results.Count),
            MeanScore = ConfidenceIntervals.Mean(perCase),
            LatencyP50 = Percentiles.Of(latencies, 50),
            LatencyP95 = Percentiles.Of(latencies, 95),
            TtftP50 = Percentiles.Of(streamed, 50),
            TtftP95 = Percentiles.Of(streamed, 95),
            InputTokens = inputs.Count > 0 ? inputs.Average() : null,
            OutputTokens = outputs.Count > 0 ? outputs.Average() : null,
            CostPer1000 = costed.Count > 0 ? costed.Sum(r => r.CostUsd!.Value) / costed.Count * 1000 : null,
            CostEstimated = costed.Any(r => r.CostEstimated),
            JudgeCost = results.Sum(r => r.JudgeCostUsd ?? 0),
        };
    }

    /// <summary>
    /// The cheapest model whose pass rate's lower bound reaches <paramref name="minQuality"/>: the bound, not the point
    /// estimate, so that a model is picked only when the suite shows with 95% confidence that it is good enough.
    /// </summary>
    private static CheapestPick? Pick(string useCase, List<EvalReportRow> rows, double minQuality)
    {
        if (rows.Count == 0)
        {
            return null;
        }

        var qualifying = rows.Where(r => r.PassRate.Low >= minQuality).ToList();
        var priced = qualifying.Where(r => r.CostPer1000 is not null).OrderBy(r => r.CostPer1000).ThenByDescending(r => r.PassRate.Estimate).ToList();
        if (priced.Count > 0)
        {
            var pick = priced[0];
            var others = qualifying.Where(r => r != pick).Select(r => r.Model).ToList();
            var note = others.Count == 0 ? "the only model that qualifies" : $"also qualifying: {string.Join(", ", others)}";
            return new CheapestPick(useCase, pick.Model, pick.CostPer1000, pick.PassRate.Low, note);
        }

        if (qualifying.Count > 0)
        {
            var best = qualifying.OrderByDescending(r => r.PassRate.Low).First();
            return new CheapestPick(useCase, best.Model, null, best.PassRate.Low, "qualifies, but the gateway reported no cost for it");
        }

        var closest = rows.OrderByDescending(r => r.PassRate.Low).First();
        var pointOnly = rows.Where(r => r.PassRate.Estimate >= minQuality).Select(r => r.Model).ToList();
        var why = string.Create(CultureInfo.InvariantCulture, $"none qualifies: the best lower bound is {closest.PassRate.Low:0.###} ({closest.Model})");
        if (pointOnly.Count > 0)
        {
            why += $"; {string.Join(", ", pointOnly)} reach{(pointOnly.Count == 1 ? "es" : "")} it by the point estimate only (more cases would tell)";
        }

        return new CheapestPick(useCase, null, null, closest.PassRate.Low, why);
    }
}
