using System.Globalization;
using System.Text;

namespace Switchyard.Gateway.Evaluation.Reporting;

/// <summary>The report and the comparison as GitHub-flavoured Markdown (for a pull request or a wiki).</summary>
internal static class MarkdownReportWriter
{
    public static string Write(EvalReport report)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Evaluation {report.Run.RunId}\n\n{ReportFormat.Describe(report)}.\n\n{ReportFormat.Method}\n");
        foreach (var useCase in report.UseCases.Append(EvalReport.AllUseCases))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n## {(useCase == EvalReport.AllUseCases ? "All use cases" : "Use case: " + useCase)}\n\n");
            text.Append("| model | trials | pass rate [95% CI] | mean score [95% CI] | errors | p50 ms | p95 ms | TTFT p50 ms | TTFT p95 ms | tokens in | tokens out | $ / 1,000 cases |\n");
            text.Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            foreach (var row in report.Rows.Where(r => r.UseCase == useCase))
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"| {Cell(row.Model)} | {row.Trials} | {ReportFormat.Percent(row.PassRate)} | {ReportFormat.Score(row.MeanScore)} | {row.Errors} | {ReportFormat.Milliseconds(row.LatencyP50)} | {ReportFormat.Milliseconds(row.LatencyP95)} | {ReportFormat.Milliseconds(row.TtftP50)} | {ReportFormat.Milliseconds(row.TtftP95)} | {ReportFormat.Tokens(row.InputTokens)} | {ReportFormat.Tokens(row.OutputTokens)} | {ReportFormat.Dollars(row.CostPer1000, row.CostEstimated)} |\n");
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"\n## Cheapest at quality {report.MinQuality:0.##}\n\nThe cheapest model whose pass rate's lower 95% bound is at least {report.MinQuality:0.##}.\n\n");
        text.Append("| use case | model | $ / 1,000 cases | lower bound | note |\n| --- | --- | ---: | ---: | --- |\n");
        foreach (var pick in report.Cheapest)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {Cell(pick.UseCase)} | {Cell(pick.Model ?? "none")} | {ReportFormat.Dollars(pick.CostPer1000)} | {pick.LowerBound:0.000} | {Cell(pick.Note)} |\n");
        }

        if (report.JudgeCost > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nJudging cost {ReportFormat.Dollars(report.JudgeCost)} (not in the models' costs).\n");
        }

        return text.ToString();
    }

    public static string Write(EvalComparison comparison)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# {comparison.A.Run.RunId} → {comparison.B.Run.RunId}\n\nA: {ReportFormat.Describe(comparison.A)}.\n\nB: {ReportFormat.Describe(comparison.B)}.\n\n");
        if (!comparison.SameSuite)
        {
            text.Append("**The runs asked different suites** (their files' hashes differ): differences may come from the cases, not the models.\n\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Regression: the pass rate fell and Fisher's exact test gives p < {EvalComparison.Alpha}. Latency and cost changes of 10% or more are listed.\n\n");
        text.Append("| model | use case | pass rate A | pass rate B | change | p | verdict | p50 latency | cost | notes |\n| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |\n");
        foreach (var row in comparison.Rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {Cell(row.Model)} | {Cell(row.UseCase)} | {(row.A is { } a ? ReportFormat.Percent(a.PassRate) : "-")} | {(row.B is { } b ? ReportFormat.Percent(b.PassRate) : "-")} | {(row.PassRateChange is { } change ? $"{change * 100:+0.0;-0.0;0.0} pts" : "-")} | {ReportFormat.PValue(row.PValue)} | {Verdict(row)} | {ReportFormat.Ratio(row.LatencyRatio)} | {ReportFormat.Ratio(row.CostRatio is { } c ? (double)c : null)} | {Cell(string.Join(", ", row.Changes()))} |\n");
        }

        var regressions = comparison.Regressions.Count();
        text.Append(CultureInfo.InvariantCulture, $"\n{(regressions == 0 ? "No regressions." : $"{regressions} regression{(regressions == 1 ? "" : "s")}.")}\n");
        return text.ToString();
    }

    internal static string Verdict(EvalComparisonRow row) => row.Verdict switch
    {
        ComparisonVerdict.Regression => row.IntervalsOverlap ? "REGRESSION" : "REGRESSION (intervals apart)",
        ComparisonVerdict.Improvement => "improvement",
        ComparisonVerdict.New => "only in B",
        ComparisonVerdict.Gone => "only in A",
        _ => "same",
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
