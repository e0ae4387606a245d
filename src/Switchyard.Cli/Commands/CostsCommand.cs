using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;
using Switchyard.Cli.Internal;
using Switchyard.Gateway.Economics;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard costs</c>: what the traffic in the request log cost, what it would have cost from each route's last tier
/// (the frontier), and the difference, grouped by route, tier, deployment and/or day, as a table, CSV or JSON. The sums
/// are SQLite's over the request log's own cost columns, so the report and the log agree to the cent.
/// </summary>
internal static class CostsCommand
{
    public static Command Create() => Create(TimeProvider.System);

    internal static Command Create(TimeProvider time)
    {
        var db = CliStores.Database("the request log");
        var since = CliOptions.Time("--since", "Only requests at or after this time (default: 30 days back)", time);
        var until = CliOptions.Time("--until", "Only requests before this time", time);
        var route = new Option<string?>("--route") { Description = "Only requests for this route." };
        var by = new Option<string>("--by") { Description = "Group by route, tier, deployment, day, team and/or key, comma-separated (e.g. team,day); none: one total.", DefaultValueFactory = _ => "route,tier,deployment" };
        var format = new Option<string>("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => "table" };
        var config = new Option<string?>("--config", "-c") { Description = "The gateway's configuration: its storage: holds the request log (without --db), and the table also shows each self-hosted deployment's price at the throughput it really served (default: switchyard.yaml when there is one, for the prices only)." };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        by.Validators.Add(result =>
        {
            if (CostDimensions.Parse(result.GetValueOrDefault<string>()) is { Error: { } problem })
            {
                result.AddError(problem);
            }
        });
        var command = new Command("costs", "What the traffic cost, what it would have cost from the frontier tier, and the savings.") { db, since, until, route, by, format, config };
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var error = pr.InvocationConfiguration.Error;
            var output = pr.InvocationConfiguration.Output;
            if (CliStores.Resolve(pr.GetValue(db), pr.GetValue(config), error) is not { } storage)
            {
                return 1;
            }

            await using var opened = await CliStores.OpenAsync(storage, time, error, s => s.Reports, "No request log at {0}.", ct);
            if (opened?.Store is not { } reports)
            {
                return 1;
            }

            var dimensions = CostDimensions.Parse(pr.GetValue(by)!).Dimensions;
            var from = CliOptions.TimeValue(pr, since, time) ?? time.GetUtcNow().AddDays(-30);
            var to = CliOptions.TimeValue(pr, until, time);
            IReadOnlyList<CostSummaryRow> rows;
            try
            {
                rows = reports.SummarizeCosts(dimensions, from, to, pr.GetValue(route));
            }
            catch (System.Data.Common.DbException exception)
            {
                error.WriteLine($"Could not read the request log in {opened.Stores.Description}: {exception.Message}");
                return 1;
            }

            var names = dimensions.Select(CostDimensions.Word).ToArray();
            switch (pr.GetValue(format))
            {
                case "csv":
                    WriteCsv(output, names, rows);
                    break;
                case "json":
                    WriteJson(output, names, rows);
                    break;
                default:
                    var console = CliConsole.Create(output);
                    WriteTable(console, names, rows, from, to);
                    var configPath = pr.GetValue(config) ?? (File.Exists(CliOptions.DefaultConfigPath) ? CliOptions.DefaultConfigPath : null);
                    if (configPath is not null)
                    {
                        var loaded = Gateway.Configuration.ConfigLoader.Load(configPath);
                        if (!loaded.Succeeded)
                        {
                            loaded.Errors.ToList().ForEach(e => error.WriteLine(e.ToString()));
                            return 1;
                        }

                        WritePrices(console, loaded.Config!, reports, from, to ?? time.GetUtcNow());
                    }

                    break;
            }

            return 0;
        });
        return command;
    }

    private static void WriteTable(IAnsiConsole console, string[] names, IReadOnlyList<CostSummaryRow> rows, DateTimeOffset from, DateTimeOffset? to)
    {
        var span = string.Create(CultureInfo.InvariantCulture, $"{from:yyyy-MM-dd HH:mm} to {(to is { } t ? t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "now")} UTC");
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]Costs[/], {Markup.Escape(span)} (US dollars, from the request log)");
        foreach (var name in names)
        {
            table.AddColumn(name);
        }

        // Prompt-cache reads and reasoning tokens only when some traffic had them: most self-hosted traffic has neither.
        var details = rows.Any(r => r.CachedTokens > 0 || r.ReasoningTokens > 0);
        string[] columns = ["requests", "tokens in", "tokens out", .. details ? (string[])["cached in", "reasoning out"] : [], "answers", "escalated", "checks", "failed", "spent", "all-frontier", "saved", "saved %"];
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        var total = Total(rows, names.Length);
        foreach (var row in rows.Append(total))
        {
            var notes = new List<string>();
            if (row.Uncosted > 0)
            {
                notes.Add($"{row.Uncosted:N0} uncosted");
            }

            if (row.Estimated > 0)
            {
                notes.Add($"{row.Estimated:N0} estimated");
            }

            var cells = new List<string>(row.Keys.Select(Markup.Escape))
            {
                row.Requests.ToString("N0", CultureInfo.InvariantCulture) + (notes.Count > 0 ? $" ({string.Join(", ", notes)})" : ""),
                row.InputTokens.ToString("N0", CultureInfo.InvariantCulture),
                row.OutputTokens.ToString("N0", CultureInfo.InvariantCulture),
            };
            if (details)
            {
                cells.Add(row.CachedTokens.ToString("N0", CultureInfo.InvariantCulture));
                cells.Add(row.ReasoningTokens.ToString("N0", CultureInfo.InvariantCulture));
            }

            cells.AddRange(
            [
                Money(row.Cost),
                Money(row.EscalatedCost),
                Money(row.ChecksCost),
                Money(row.FailedCost),
                Money(row.Spent),
                Money(row.BaselineCost),
                Money(row.Saved),
                row.BaselineCost > 0 ? (row.Saved / row.BaselineCost).ToString("P0", CultureInfo.InvariantCulture) : "-",
            ]);
            table.AddRow([.. cells]);
        }

        console.Write(table);
        console.WriteLine("answers: what the answers the clients got cost; escalated: answers the quality gate turned down; checks: judge and");
        console.WriteLine("agreement calls; failed: calls that failed after tokens flowed (estimated from what was seen). Each is under the");
        console.WriteLine("deployment and tier that spent it. all-frontier: the same answers at each route's baseline; saved: all-frontier minus spent.");
        console.WriteLine("Uncosted: deployments without a price. Estimated: the upstream reported no usage, or a call failed mid-way.");
        if (Math.Abs(total.UnsplitExtraCost) >= 0.00005)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Money(total.UnsplitExtraCost)} of spent is extra cost of requests logged before it was split by kind: it is under the deployment that answered them."));
        }
    }

    /// <summary>
    /// Each deployment's price per million tokens as the gateway charges it at the end of the report's window, and how
    /// it is made: a list or configured price per token; a self-hosted deployment's hardware spread over its configured
    /// capacity (with, for comparison, the price at the throughput it served over the whole report); or over the tokens
    /// it served in its measured window before the report's end (<c>basis: measured</c>, as the gateway computes it).
    /// </summary>
    private static void WritePrices(IAnsiConsole console, Gateway.Configuration.GatewayConfig config, IRequestLogReports store, DateTimeOffset from, DateTimeOffset to)
    {
        var hours = Math.Max((to - from).TotalHours, 1.0 / 60);
        var overReport = store.SummarizeCosts([CostDimension.Deployment], from, to).ToDictionary(r => r.Keys[0], r => r.InputTokens + r.OutputTokens, StringComparer.Ordinal);
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]Prices[/] at {Markup.Escape(to.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))} UTC (US dollars per million tokens)");
        table.AddColumn("deployment");
        table.AddColumn("basis");
        table.AddColumn(new TableColumn("input").RightAligned());
        table.AddColumn(new TableColumn("output").RightAligned());
        table.AddColumn("how");
        foreach (var deployment in config.Deployments)
        {
            var (basis, price, how) = PriceOf(deployment, config, store, to, hours, overReport);
            table.AddRow(
                Markup.Escape(deployment.Name),
                basis,
                price is null ? "-" : Markup.Escape(PerMillion(price.Input)),
                price is null ? "-" : Markup.Escape(PerMillion(price.Output)),
                Markup.Escape(how));
        }

        console.Write(table);
        console.WriteLine("A GPU costs the same busy or idle: on the capacity basis its price is fixed, on the measured basis it follows the traffic");
        console.WriteLine("(the hardware's cost over the tokens served in the window, at least min_utilisation of tokens_per_second).");
    }

    /// <summary>One deployment's basis, price and explanation for <see cref="WritePrices"/>.</summary>
    private static (string Basis, Gateway.Economics.DeploymentPrice? Price, string How) PriceOf(
        Gateway.Configuration.DeploymentConfig deployment, Gateway.Configuration.GatewayConfig config, IRequestLogReports store, DateTimeOffset at, double hours, Dictionary<string, long> overReport)
    {
        if (deployment.Pricing is { None: true })
        {
            return ("none", null, "pricing: none: not costed");
        }

        if (deployment.Pricing is { TokensPerSecond: { } rate } hardware && (hardware.GpuHour is not null || hardware.Monthly is not null))
        {
            var hourly = Gateway.Economics.DeploymentPrice.Hourly(hardware);
            // It and its adapters that take its price run on the same GPUs.
            var names = config.Deployments.Where(d => d.Name == deployment.Name || (d.Base == deployment.Name && d.Pricing is null)).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
            if (hardware.Basis == Gateway.Configuration.PricingBasis.Measured)
            {
                // As the gateway prices a call made at `at`: the window's whole minutes before that minute.
                var minute = DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds() / 60 * 60);
                var tokens = store.TokensServedByMinute(minute - hardware.Window, minute).Where(t => names.Contains(t.Deployment)).Sum(t => t.Tokens);
                var measured = Gateway.Economics.DeploymentPrice.Measured(hardware, tokens);
                return ("measured", measured, measured.Source);
            }

            var capacity = Gateway.Economics.DeploymentPrice.For(deployment, config.Prices)!;
            var served = names.Sum(n => overReport.GetValueOrDefault(n));
            var atServed = served > 0
                ? string.Create(CultureInfo.InvariantCulture, $"; over this report's {hours:0.#} h it served {served:N0} tokens ({served / (hours * 3600):0.###} tokens/s): {PerMillion(hourly * hours / served * 1e6)} at that throughput")
                : "; it served nothing in this report's window";
            return ("capacity", capacity, capacity.Source + atServed);
        }

        if (Gateway.Economics.DeploymentPrice.For(deployment, config.Prices) is { } price)
        {
            return (price.Source.StartsWith("catalog", StringComparison.Ordinal) ? "catalog" : price.Source.StartsWith("prices:", StringComparison.Ordinal) ? "prices:" : "per token", price, price.Source + (price.CachedInput != price.Input ? string.Create(CultureInfo.InvariantCulture, $"; cached input {PerMillion(price.CachedInput)}") : ""));
        }

        if (deployment.Base is { } baseName && config.Deployments.FirstOrDefault(d => d.Name == baseName) is { } baseDeployment)
        {
            var (basis, inherited, how) = PriceOf(baseDeployment, config, store, at, hours, overReport);
            return (basis, inherited, $"its base {baseName}'s: {how}");
        }

        return ("-", null, "no price: set pricing, or name a model of the price catalog (switchyard costs counts it as uncosted)");
    }

    private static string PerMillion(double dollars) => dollars.ToString("$#,0.####", CultureInfo.InvariantCulture);

    private static CostSummaryRow Total(IReadOnlyList<CostSummaryRow> rows, int keys) => new()
    {
        Keys = keys == 0 ? [] : ["total", .. Enumerable.Repeat("", keys - 1)],
        Requests = rows.Sum(r => r.Requests),
        Uncosted = rows.Sum(r => r.Uncosted),
        Estimated = rows.Sum(r => r.Estimated),
        InputTokens = rows.Sum(r => r.InputTokens),
        OutputTokens = rows.Sum(r => r.OutputTokens),
        CachedTokens = rows.Sum(r => r.CachedTokens),
        ReasoningTokens = rows.Sum(r => r.ReasoningTokens),
        Cost = rows.Sum(r => r.Cost),
        EscalatedCost = rows.Sum(r => r.EscalatedCost),
        ChecksCost = rows.Sum(r => r.ChecksCost),
        FailedCost = rows.Sum(r => r.FailedCost),
        UnsplitExtraCost = rows.Sum(r => r.UnsplitExtraCost),
        BaselineCost = rows.Sum(r => r.BaselineCost),
    };

    private static void WriteCsv(TextWriter output, string[] names, IReadOnlyList<CostSummaryRow> rows)
    {
        output.WriteLine(string.Join(",", [.. names, .. CostReport.Fields]));
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            foreach (var key in row.Keys)
            {
                line.Append(Csv(key)).Append(',');
            }

            line.AppendJoin(',', CostReport.Values(row).Select(v => v.Count is { } count ? count.ToString(CultureInfo.InvariantCulture) : Exact(v.Dollars)));
            output.WriteLine(line.ToString());
        }
    }

    private static void WriteJson(TextWriter output, string[] names, IReadOnlyList<CostSummaryRow> rows)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                CostReport.Write(json, names, row);
            }

            json.WriteEndArray();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static string Money(double dollars) => Math.Abs(dollars) < 0.00005
        ? "$0.0000"
        : Math.Abs(dollars) >= 1
        ? dollars.ToString("$#,0.00;-$#,0.00", CultureInfo.InvariantCulture)
        : dollars.ToString("$0.0000;-$0.0000", CultureInfo.InvariantCulture);

    private static string Exact(double dollars) => dollars.ToString("0.##########", CultureInfo.InvariantCulture);

    private static string Csv(string value) => value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
