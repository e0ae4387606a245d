using System.Globalization;
using System.Net;
using System.Text;

namespace Switchyard.Gateway.Evaluation.Reporting;

/// <summary>
/// The report as one self-contained HTML page: the tables, and charts drawn as inline SVG (pass rate with its interval,
/// latency, cost per 1,000 cases, and cost against quality). No script and nothing loaded from elsewhere: it can be
/// mailed, archived or opened offline.
/// </summary>
internal static class HtmlReportWriter
{
    private const string Style = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
        table { border-collapse: collapse; margin: 0.8em 0; } th, td { padding: 3px 9px; border-bottom: 1px solid #eee; }
        th { text-align: left; background: #f6f6f6; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
        .partial { background: #fff3cd; padding: 0.6em; border: 1px solid #e0c36c; }
        .note { color: #555; } .charts { display: flex; flex-wrap: wrap; gap: 1.5em; }
        svg text { font: 12px system-ui, sans-serif; fill: #333; } svg text.title { font-weight: 600; font-size: 13px; }
        svg text.small { font-size: 11px; fill: #555; } svg .whisker { stroke: #222; stroke-width: 1.5; fill: none; }
        svg .marker { stroke: #111; stroke-width: 2; } svg .rule { stroke: #c00; stroke-dasharray: 4 3; } svg .axis { stroke: #999; fill: none; }
        """;

    public static string Write(EvalReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Encode($"Evaluation {report.Run.RunId}: {report.Run.SuiteName}"))
            .Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Evaluation {Encode(report.Run.RunId)}</h1><p>{Encode(ReportFormat.Describe(report))}.</p>");
        if (report.Run.Partial)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"partial\">This run is partial ({Encode(report.Run.Status)}): {report.Recorded} of {report.Expected} trials were recorded. Its figures describe the trials that ran.</p>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{Encode(ReportFormat.Method)}</p>");
        var all = report.Rows.Where(r => r.UseCase == EvalReport.AllUseCases).ToList();
        html.Append("<h2>Cost against quality</h2><div class=\"charts\">");
        var costed = all.Where(r => r.CostPer1000 is not null).ToList();
        if (costed.Count > 0)
        {
            html.Append(SvgChart.Scatter("Pass rate (95% interval) against cost per 1,000 cases, all use cases", "US dollars per 1,000 cases",
                [.. costed.Select(r => new SvgChart.Point(r.Model, (double)r.CostPer1000!.Value, r.PassRate.Estimate, r.PassRate.Low, r.PassRate.High))],
                report.MinQuality, x => ReportFormat.Dollars((decimal)x)));
        }

        html.Append(SvgChart.Bars("Latency p50 (bar) and p95 (line), ms", [.. all.Select(r => new SvgChart.Bar(r.Model, r.LatencyP50 ?? 0, null, null,
            $"{ReportFormat.Milliseconds(r.LatencyP50)} / {ReportFormat.Milliseconds(r.LatencyP95)} ms", r.LatencyP95))]));
        if (all.Any(r => r.TtftP50 is not null))
        {
            html.Append(SvgChart.Bars("Time to first token p50 (bar) and p95 (line), ms", [.. all.Select(r => new SvgChart.Bar(r.Model, r.TtftP50 ?? 0, null, null,
                $"{ReportFormat.Milliseconds(r.TtftP50)} / {ReportFormat.Milliseconds(r.TtftP95)} ms", r.TtftP95))]));
        }

        html.Append(SvgChart.Bars("Cost per 1,000 cases, US dollars", [.. all.Select(r => new SvgChart.Bar(r.Model, (double)(r.CostPer1000 ?? 0), null, null, ReportFormat.Dollars(r.CostPer1000, r.CostEstimated)))]));
        html.Append("</div>");

        foreach (var useCase in report.UseCases.Append(EvalReport.AllUseCases))
        {
            var rows = report.Rows.Where(r => r.UseCase == useCase).ToList();
            html.Append(CultureInfo.InvariantCulture, $"<h2>{(useCase == EvalReport.AllUseCases ? "All use cases" : "Use case: " + Encode(useCase))}</h2>");
            html.Append(SvgChart.Bars("Pass rate with its 95% interval", [.. rows.Select(r => new SvgChart.Bar(r.Model, r.PassRate.Estimate, r.PassRate.Low, r.PassRate.High, ReportFormat.Percent(r.PassRate)))],
                max: 1, rule: report.MinQuality, ruleLabel: string.Create(CultureInfo.InvariantCulture, $"{report.MinQuality * 100:0}%")));
            html.Append("<table><tr><th>model</th><th>trials</th><th>pass rate [95% CI]</th><th>mean score [95% CI]</th><th>errors</th><th>p50 ms</th><th>p95 ms</th><th>TTFT p50 ms</th><th>TTFT p95 ms</th><th>tokens in</th><th>tokens out</th><th>$ / 1,000 cases</th></tr>");
            foreach (var row in rows)
            {
                html.Append("<tr><td>").Append(Encode(row.Model)).Append("</td>");
                foreach (var cell in new[]
                {
                    row.Trials.ToString(CultureInfo.InvariantCulture), ReportFormat.Percent(row.PassRate), ReportFormat.Score(row.MeanScore), row.Errors.ToString(CultureInfo.InvariantCulture),
                    ReportFormat.Milliseconds(row.LatencyP50), ReportFormat.Milliseconds(row.LatencyP95), ReportFormat.Milliseconds(row.TtftP50), ReportFormat.Milliseconds(row.TtftP95),
                    ReportFormat.Tokens(row.InputTokens), ReportFormat.Tokens(row.OutputTokens), ReportFormat.Dollars(row.CostPer1000, row.CostEstimated),
                })
                {
                    html.Append("<td class=\"n\">").Append(Encode(cell)).Append("</td>");
                }

                html.Append("</tr>");
            }

            html.Append("</table>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<h2>Cheapest at quality {report.MinQuality:0.##}</h2><p class=\"note\">The cheapest model whose pass rate's lower 95% bound is at least {report.MinQuality:0.##}.</p>");
        html.Append("<table><tr><th>use case</th><th>model</th><th>$ / 1,000 cases</th><th>lower bound</th><th>note</th></tr>");
        foreach (var pick in report.Cheapest)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(pick.UseCase)}</td><td>{Encode(pick.Model ?? "none")}</td><td class=\"n\">{Encode(ReportFormat.Dollars(pick.CostPer1000))}</td><td class=\"n\">{pick.LowerBound:0.000}</td><td>{Encode(pick.Note)}</td></tr>");
        }

        html.Append("</table>");
        if (report.JudgeCost > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">Judging cost {Encode(ReportFormat.Dollars(report.JudgeCost))} (not in the models' costs).</p>");
        }

        html.Append("\n</body></html>\n");
        return html.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
