using System.Globalization;
using Spectre.Console;
using Switchyard.Gateway.Evaluation.Reporting;

namespace Switchyard.Cli.Internal;

/// <summary>The evaluation report and comparison as terminal tables (<c>--format table</c>, the default).</summary>
internal static class EvalTables
{
    public static void Write(IAnsiConsole console, EvalReport report)
    {
        console.WriteLine($"Evaluation {report.Run.RunId}: {ReportFormat.Describe(report)}.");
        if (report.Run.Partial)
        {
            console.MarkupLine($"[yellow]PARTIAL[/]: {report.Recorded} of {report.Expected} trials recorded ({Markup.Escape(report.Run.Status)}); the figures describe the trials that ran.");
        }

        foreach (var useCase in report.UseCases.Append(EvalReport.AllUseCases))
        {
            var title = useCase == EvalReport.AllUseCases ? "All use cases" : "Use case: " + useCase;
            var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(title)}[/]");
            table.AddColumn("model");
            foreach (var column in new[] { "trials", "pass rate [95% CI]", "mean score [95% CI]", "errors", "p50 ms", "p95 ms", "TTFT p50", "TTFT p95", "tok in", "tok out", "$ / 1k cases" })
            {
                table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
            }

            foreach (var row in report.Rows.Where(r => r.UseCase == useCase))
            {
                table.AddRow(
                    Markup.Escape(row.Model),
                    row.Trials.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(ReportFormat.Percent(row.PassRate)),
                    Markup.Escape(ReportFormat.Score(row.MeanScore)),
                    row.Errors.ToString(CultureInfo.InvariantCulture),
                    ReportFormat.Milliseconds(row.LatencyP50),
                    ReportFormat.Milliseconds(row.LatencyP95),
                    ReportFormat.Milliseconds(row.TtftP50),
                    ReportFormat.Milliseconds(row.TtftP95),
                    ReportFormat.Tokens(row.InputTokens),
                    ReportFormat.Tokens(row.OutputTokens),
                    Markup.Escape(ReportFormat.Dollars(row.CostPer1000, row.CostEstimated)));
            }

            console.Write(table);
        }

        var picks = new Table().Border(TableBorder.Rounded).Title(string.Create(CultureInfo.InvariantCulture, $"[bold]Cheapest at quality {report.MinQuality:0.##}[/] (lower 95% bound of the pass rate)"));
        picks.AddColumn("use case");
        picks.AddColumn("model");
        picks.AddColumn(new TableColumn("$ / 1k cases").RightAligned());
        picks.AddColumn(new TableColumn("lower bound").RightAligned());
        picks.AddColumn("note");
        foreach (var pick in report.Cheapest)
        {
            picks.AddRow(Markup.Escape(pick.UseCase), Markup.Escape(pick.Model ?? "none"), Markup.Escape(ReportFormat.Dollars(pick.CostPer1000)), pick.LowerBound.ToString("0.000", CultureInfo.InvariantCulture), Markup.Escape(pick.Note));
        }

        console.Write(picks);
        console.WriteLine(ReportFormat.Method);
        if (report.JudgeCost > 0)
        {
            console.WriteLine($"Judging cost {ReportFormat.Dollars(report.JudgeCost)} (not in the models' costs).");
        }
    }

    public static void Write(IAnsiConsole console, EvalComparison comparison)
    {
        console.WriteLine($"A: {comparison.A.Run.RunId}, {ReportFormat.Describe(comparison.A)}.");
        console.WriteLine($"B: {comparison.B.Run.RunId}, {ReportFormat.Describe(comparison.B)}.");
        if (!comparison.SameSuite)
        {
            console.MarkupLine("[yellow]The runs asked different suites[/] (their files' hashes differ): differences may come from the cases, not the models.");
        }

        var table = new Table().Border(TableBorder.Rounded).Title("[bold]A → B[/]");
        table.AddColumn("model");
        table.AddColumn("use case");
        foreach (var column in new[] { "pass rate A", "pass rate B", "change", "p" })
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        }

        table.AddColumn("verdict");
        table.AddColumn(new TableColumn("p50 latency").RightAligned());
        table.AddColumn(new TableColumn("cost").RightAligned());
        foreach (var row in comparison.Rows)
        {
            var verdict = MarkdownReportWriter.Verdict(row);
            table.AddRow(
                Markup.Escape(row.Model),
                Markup.Escape(row.UseCase),
                row.A is { } a ? Markup.Escape(ReportFormat.Percent(a.PassRate)) : "-",
                row.B is { } b ? Markup.Escape(ReportFormat.Percent(b.PassRate)) : "-",
                row.PassRateChange is { } change ? string.Create(CultureInfo.InvariantCulture, $"{change * 100:+0.0;-0.0;0.0} pts") : "-",
                ReportFormat.PValue(row.PValue),
                row.Verdict == ComparisonVerdict.Regression ? $"[red]{Markup.Escape(verdict)}[/]" : Markup.Escape(verdict),
                ReportFormat.Ratio(row.LatencyRatio),
                ReportFormat.Ratio(row.CostRatio is { } c ? (double)c : null));
        }

        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Regression: the pass rate fell and Fisher's exact test gives p < {EvalComparison.Alpha}. Latency and cost: B against A at the median."));
        var regressions = comparison.Regressions.Count();
        console.WriteLine(regressions == 0 ? "No regressions." : $"{regressions} regression{(regressions == 1 ? "" : "s")}.");
    }
}
