using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Switchyard.Cli.Internal;
using Switchyard.Gateway.Evaluation.Reporting;
using Switchyard.Gateway.Shadow;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard shadow report</c>: how each route's shadow candidate would have done against the answers the clients got
/// (quality, latency, cost) and what switching would save a month at the route's volume, from the stored comparisons.
/// </summary>
internal static class ShadowCommand
{
    public static Command Create() => Create(TimeProvider.System);

    internal static Command Create(TimeProvider time)
    {
        var db = new StoreSelection("the request log and the shadow comparisons");
        var route = new Option<string?>("--route") { Description = "Only this route." };
        var since = CliOptions.Time("--since", "Comparisons at or after this time (default 7d)", time);
        var format = new Option<string>("--format") { Description = "table, markdown or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "markdown", "json");
        var report = db.AddTo(new Command("report", "How each shadow candidate would have done: quality against the incumbent, latency, cost, and the monthly saving.") { route, since, format });
        report.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var error = pr.InvocationConfiguration.Error;
            await using var opened = await db.OpenAsync(pr, time, s => s.Shadow, "No database at {0}.", ct);
            if (opened?.Store is not { } store)
            {
                return 2;
            }

            var now = time.GetUtcNow();
            var from = CliOptions.TimeValue(pr, since, time) ?? now.AddDays(-7);
            IReadOnlyList<ShadowReportRow> rows;
            try
            {
                var name = pr.GetValue(route);
                rows = ShadowReportBuilder.Build(store.Query(name, from), store.Counters(name, from), r => store.RouteVolume(r, from, now), from, now);
            }
            catch (Exception e) when (Storage.Stores.IsFailure(e))
            {
                error.WriteLine($"Could not read the shadow comparisons of {opened.Stores.Description}: {e.Message}");
                return 2;
            }

            var output = pr.InvocationConfiguration.Output;
            var span = string.Create(CultureInfo.InvariantCulture, $"{from.UtcDateTime:yyyy-MM-dd HH:mm} to {now.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
            if (rows.Count == 0)
            {
                output.WriteLine($"No shadow comparisons from {span}{(pr.GetValue(route) is { } r ? $" on route {r}" : "")}. Add shadow: {{ deployment: NAME, share: 0.1 }} to a route to start.");
                return 0;
            }

            switch (pr.GetValue(format))
            {
                case "json":
                    output.Write(Json(rows, from, now));
                    break;
                case "markdown":
                    output.Write(Markdown(rows, span));
                    break;
                default:
                    Table(CliConsole.Create(output), rows, span);
                    break;
            }

            return 0;
        });

        return new Command("shadow", "Shadow traffic: live requests also sent to a candidate deployment and compared.") { report };
    }

    private static void Table(IAnsiConsole console, IReadOnlyList<ShadowReportRow> rows, string span)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]Shadow comparisons[/], {Markup.Escape(span)}");
        table.AddColumn("route");
        table.AddColumn("candidate");
        table.AddColumn("against");
        foreach (var column in new[] { "compared", "failed", "at least as good [95% CI]", "W / T / L", "checks inc / cand", "judge inc / cand", "agree", "p50 ms inc / cand", "p95 ms inc / cand", "$ / 1k inc / cand", "saving / month" })
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        }

        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.Route),
                Markup.Escape(row.Candidate),
                Markup.Escape(string.Join(", ", row.Incumbents)),
                row.Compared.ToString(CultureInfo.InvariantCulture),
                row.CandidateFailed.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(ReportFormat.Percent(row.AtLeastAsGood)),
                $"{row.Wins} / {row.Ties} / {row.Losses}",
                Pair(row.IncumbentScore, row.CandidateScore),
                Pair(row.IncumbentJudge, row.CandidateJudge),
                row.Agreement is { } agree ? agree.ToString("0.00", CultureInfo.InvariantCulture) : "-",
                $"{ReportFormat.Milliseconds(row.IncumbentP50)} / {ReportFormat.Milliseconds(row.CandidateP50)}",
                $"{ReportFormat.Milliseconds(row.IncumbentP95)} / {ReportFormat.Milliseconds(row.CandidateP95)}",
                Markup.Escape($"{ReportFormat.Dollars(row.IncumbentCost * 1000)} / {ReportFormat.Dollars(row.CandidateCost * 1000)}"),
                Markup.Escape(Saving(row)));
        }

        console.Write(table);
        foreach (var row in rows)
        {
            console.WriteLine(Summary(row));
        }

        console.WriteLine("at least as good: the candidate's wins and ties over the comparisons with a verdict (a failed candidate loses), Wilson 95% interval. Winner: both answers scored as the route's gate would, the judge's verdict added in when judged.");
        console.WriteLine("Latency: the client's whole request against the candidate's call, both to the whole answer. Saving: (incumbent's mean cost - candidate's) x the route's requests a month at the request log's volume.");
    }

    /// <summary>One row in words: how much traffic it rests on, and the verdict.</summary>
    internal static string Summary(ShadowReportRow row)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{row.Route} -> {row.Candidate}: {row.Compared} comparisons");
        var left = new List<string>();
        if (row.DroppedSaturated > 0)
        {
            left.Add($"{row.DroppedSaturated} dropped (queue full)");
        }

        if (row.SkippedBudget > 0)
        {
            left.Add($"{row.SkippedBudget} over budget");
        }

        if (row.SkippedConfidential > 0)
        {
            left.Add($"{row.SkippedConfidential} confidential");
        }

        if (left.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" of {row.Sampled} picked ({string.Join(", ", left)})");
        }

        text.Append(CultureInfo.InvariantCulture, $"; the candidate did at least as well in {ReportFormat.Percent(row.AtLeastAsGood)}");
        if (row.CandidateFailed > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", and failed {row.CandidateFailed}");
        }

        text.Append("; switching would ").Append(Saving(row) is var saving && saving == "-" ? "save an unknown amount (no costs or no volume in the window)" : (row.MonthlySaving < 0 ? "cost " : "save ") + saving.TrimStart('-') + " a month");
        if (row.MonthlyRequests is { } monthly)
        {
            text.Append(CultureInfo.InvariantCulture, $" at {monthly:N0} requests a month");
        }

        return text.Append('.').ToString();
    }

    private static string Saving(ShadowReportRow row) => row.MonthlySaving is { } saving
        ? (saving < 0 ? "-" : "") + ReportFormat.Dollars(Math.Abs(saving))
        : "-";

    private static string Pair(double? incumbent, double? candidate) => incumbent is null && candidate is null
        ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"{incumbent:0.00} / {candidate:0.00}");

    private static string Markdown(IReadOnlyList<ShadowReportRow> rows, string span)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Shadow comparisons, {span}\n\n");
        text.Append("| route | candidate | against | compared | failed | at least as good [95% CI] | W / T / L | checks inc / cand | judge inc / cand | p50 ms inc / cand | $ / 1k inc / cand | saving / month |\n");
        text.Append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {row.Route} | {row.Candidate} | {string.Join(", ", row.Incumbents)} | {row.Compared} | {row.CandidateFailed} | {ReportFormat.Percent(row.AtLeastAsGood)} | {row.Wins} / {row.Ties} / {row.Losses} | {Pair(row.IncumbentScore, row.CandidateScore)} | {Pair(row.IncumbentJudge, row.CandidateJudge)} | {ReportFormat.Milliseconds(row.IncumbentP50)} / {ReportFormat.Milliseconds(row.CandidateP50)} | {ReportFormat.Dollars(row.IncumbentCost * 1000)} / {ReportFormat.Dollars(row.CandidateCost * 1000)} | {Saving(row)} |\n");
        }

        text.Append('\n');
        foreach (var row in rows)
        {
            text.Append("- ").Append(Summary(row)).Append('\n');
        }

        return text.ToString();
    }

    private static string Json(IReadOnlyList<ShadowReportRow> rows, DateTimeOffset from, DateTimeOffset to)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("since", from);
            json.WriteString("until", to);
            json.WriteStartArray("rows");
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteString("route", row.Route);
                json.WriteString("candidate", row.Candidate);
                json.WriteStartArray("incumbents");
                row.Incumbents.ToList().ForEach(json.WriteStringValue);
                json.WriteEndArray();
                json.WriteNumber("sampled", row.Sampled);
                json.WriteNumber("compared", row.Compared);
                json.WriteNumber("candidate_failed", row.CandidateFailed);
                json.WriteNumber("dropped_saturated", row.DroppedSaturated);
                json.WriteNumber("skipped_budget", row.SkippedBudget);
                json.WriteNumber("skipped_confidential", row.SkippedConfidential);
                json.WriteNumber("wins", row.Wins);
                json.WriteNumber("ties", row.Ties);
                json.WriteNumber("losses", row.Losses);
                json.WriteStartObject("at_least_as_good");
                json.WriteNumber("estimate", Math.Round(row.AtLeastAsGood.Estimate, 4));
                json.WriteNumber("low", Math.Round(row.AtLeastAsGood.Low, 4));
                json.WriteNumber("high", Math.Round(row.AtLeastAsGood.High, 4));
                json.WriteEndObject();
                Number(json, "incumbent_score", row.IncumbentScore);
                Number(json, "candidate_score", row.CandidateScore);
                Number(json, "incumbent_judge", row.IncumbentJudge);
                Number(json, "candidate_judge", row.CandidateJudge);
                Number(json, "agreement", row.Agreement);
                Number(json, "incumbent_latency_p50_ms", row.IncumbentP50);
                Number(json, "incumbent_latency_p95_ms", row.IncumbentP95);
                Number(json, "candidate_latency_p50_ms", row.CandidateP50);
                Number(json, "candidate_latency_p95_ms", row.CandidateP95);
                Number(json, "incumbent_cost_usd", row.IncumbentCost);
                Number(json, "candidate_cost_usd", row.CandidateCost);
                json.WriteNumber("judge_cost_usd", row.JudgeCost);
                Number(json, "monthly_requests", row.MonthlyRequests is { } m ? Math.Round(m, 1) : null);
                Number(json, "monthly_saving_usd", row.MonthlySaving is { } s ? Math.Round(s, 6) : null);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, Math.Round(v, 4));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Number(Utf8JsonWriter json, string name, decimal? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
