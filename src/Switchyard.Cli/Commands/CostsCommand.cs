using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Spectre.Console;
using Switchyard.Cli.Internal;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard costs</c>: what the traffic in the request log cost, what it would have cost from each route's last tier
/// (the frontier), and the difference, grouped by route, tier, deployment and/or day, as a table, CSV or JSON. The sums
/// are SQLite's over the request log's own cost columns, so the report and the log agree to the cent.
/// </summary>
internal static class CostsCommand
{
    private static readonly (string Word, CostDimension Dimension)[] Dimensions =
        [("route", CostDimension.Route), ("tier", CostDimension.Tier), ("deployment", CostDimension.Deployment), ("day", CostDimension.Day), ("team", CostDimension.Team), ("key", CostDimension.Key)];

    public static Command Create() => Create(TimeProvider.System);

    internal static Command Create(TimeProvider time)
    {
        var db = new Option<string>("--db") { Description = "The SQLite database that holds the request log.", DefaultValueFactory = _ => "switchyard.db" };
        var since = CliOptions.Time("--since", "Only requests at or after this time (default: 30 days back)", time);
        var until = CliOptions.Time("--until", "Only requests before this time", time);
        var route = new Option<string?>("--route") { Description = "Only requests for this route." };
        var by = new Option<string>("--by") { Description = "Group by route, tier, deployment, day, team and/or key, comma-separated (e.g. team,day); none: one total.", DefaultValueFactory = _ => "route,tier,deployment" };
        var format = new Option<string>("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => "table" };
        var config = new Option<string?>("--config", "-c") { Description = "The gateway's configuration: with it, the table also shows each self-hosted deployment's price at the throughput it really served (default: switchyard.yaml when there is one)." };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        by.Validators.Add(result =>
        {
            if (Parse(result.GetValueOrDefault<string>()) is { Error: { } problem })
            {
                result.AddError(problem);
            }
        });
        var command = new Command("costs", "What the traffic cost, what it would have cost from the frontier tier, and the savings.") { db, since, until, route, by, format, config };
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var error = pr.InvocationConfiguration.Error;
            var output = pr.InvocationConfiguration.Output;
            var path = Path.GetFullPath(pr.GetValue(db)!);
            if (!File.Exists(path))
            {
                error.WriteLine($"No request log at {path}.");
                error.WriteLine("Run `switchyard serve` or `switchyard demo` first (they create it), or point --db at the database file.");
                return 1;
            }

            var dimensions = Parse(pr.GetValue(by)!).Dimensions;
            var from = CliOptions.TimeValue(pr, since, time) ?? time.GetUtcNow().AddDays(-30);
            var to = CliOptions.TimeValue(pr, until, time);
            IReadOnlyList<CostSummaryRow> rows;
            try
            {
                await using var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = path }, time);
                await store.InitializeAsync(ct);
                rows = store.SummarizeCosts(dimensions, from, to, pr.GetValue(route));
            }
            catch (SqliteSchemaException exception)
            {
                error.WriteLine(exception.Message);
                return 1;
            }
            catch (SqliteException exception)
            {
                error.WriteLine($"Could not read the request log at {path}: {exception.Message}");
                return 1;
            }

            var names = dimensions.Select(d => Dimensions.First(x => x.Dimension == d).Word).ToArray();
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

                        await using var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = path }, time);
                        var served = store.SummarizeCosts([CostDimension.Deployment], from, to, pr.GetValue(route));
                        WriteMeasured(console, loaded.Config!, served, from, to ?? time.GetUtcNow());
                    }

                    break;
            }

            return 0;
        });
        return command;
    }

    /// <summary>The dimensions a <c>--by</c> value names, or what is wrong with it.</summary>
    internal static (CostDimension[] Dimensions, string? Error) Parse(string? text)
    {
        var words = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words is ["none"])
        {
            return ([], null);
        }

        var dimensions = new List<CostDimension>();
        foreach (var word in words)
        {
            var match = Array.FindIndex(Dimensions, d => d.Word.Equals(word, StringComparison.OrdinalIgnoreCase));
            if (match < 0)
            {
                return ([], $"--by '{word}' is not a dimension: use route, tier, deployment, day, team or key (comma-separated), or none.");
            }

            if (dimensions.Contains(Dimensions[match].Dimension))
            {
                return ([], $"--by names '{word}' twice.");
            }

            dimensions.Add(Dimensions[match].Dimension);
        }

        return ([.. dimensions], null);
    }

    private static void WriteTable(IAnsiConsole console, string[] names, IReadOnlyList<CostSummaryRow> rows, DateTimeOffset from, DateTimeOffset? to)
    {
        var span = string.Create(CultureInfo.InvariantCulture, $"{from:yyyy-MM-dd HH:mm} to {(to is { } t ? t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "now")} UTC");
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]Costs[/], {Markup.Escape(span)} (US dollars, from the request log)");
        foreach (var name in names)
        {
            table.AddColumn(name);
        }

        foreach (var column in (string[])["requests", "tokens in", "tokens out", "answers", "extra", "spent", "all-frontier", "saved", "saved %"])
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var row in rows.Append(Total(rows, names.Length)))
        {
            var cells = new List<string>(row.Keys.Select(Markup.Escape))
            {
                row.Requests.ToString("N0", CultureInfo.InvariantCulture) + (row.Uncosted > 0 ? $" ({row.Uncosted:N0} uncosted)" : ""),
                row.InputTokens.ToString("N0", CultureInfo.InvariantCulture),
                row.OutputTokens.ToString("N0", CultureInfo.InvariantCulture),
                Money(row.Cost),
                Money(row.ExtraCost),
                Money(row.Spent),
                Money(row.BaselineCost),
                Money(row.Saved),
                row.BaselineCost > 0 ? (row.Saved / row.BaselineCost).ToString("P0", CultureInfo.InvariantCulture) : "-",
            };
            table.AddRow([.. cells]);
        }

        console.Write(table);
        console.WriteLine("answers: what the answers cost; extra: answers the quality gate turned down and judge or agreement calls;");
        console.WriteLine("all-frontier: the same answers from each route's last tier; saved: all-frontier minus spent. Uncosted: deployments without a price.");
    }

    /// <summary>
    /// Each self-hosted deployment with a hardware price, at its configured capacity and at the throughput it really
    /// served over the window: its hardware cost for the window's hours over the tokens it served.
    /// </summary>
    private static void WriteMeasured(IAnsiConsole console, Gateway.Configuration.GatewayConfig config, IReadOnlyList<CostSummaryRow> served, DateTimeOffset from, DateTimeOffset to)
    {
        var hours = Math.Max((to - from).TotalHours, 1.0 / 60);
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Self-hosted: the price at configured capacity and at the throughput served[/]");
        foreach (var column in (string[])["deployment", "hardware", "configured capacity", "price at capacity", "tokens served", "served tokens/s", "price at served throughput"])
        {
            table.AddColumn(column == "deployment" || column == "hardware" ? new TableColumn(column) : new TableColumn(column).RightAligned());
        }

        var any = false;
        foreach (var deployment in config.Deployments)
        {
            if (deployment.Pricing is not { TokensPerSecond: { } rate } hardware || Gateway.Economics.DeploymentPrice.For(deployment) is not { } price)
            {
                continue;
            }

            any = true;
            var hourly = hardware.Monthly is { } monthly ? monthly / Gateway.Economics.DeploymentPrice.HoursPerMonth : hardware.GpuHour!.Value * hardware.Gpus;
            var row = served.FirstOrDefault(r => r.Keys[0] == deployment.Name);
            var tokens = row is null ? 0 : row.InputTokens + row.OutputTokens;
            var measured = tokens > 0 ? hourly * hours / tokens * 1e6 : double.NaN;
            table.AddRow(
                Markup.Escape(deployment.Name),
                Markup.Escape(hardware.Monthly is { } m ? string.Create(CultureInfo.InvariantCulture, $"${m:0.##} a month") : string.Create(CultureInfo.InvariantCulture, $"{hardware.Gpus} × ${hardware.GpuHour:0.###}/h")),
                string.Create(CultureInfo.InvariantCulture, $"{rate:0.#} tokens/s at {hardware.Utilisation * 100:0.#}%"),
                string.Create(CultureInfo.InvariantCulture, $"${price.Input:0.####}/M"),
                tokens.ToString("N0", CultureInfo.InvariantCulture),
                (tokens / (hours * 3600)).ToString("0.###", CultureInfo.InvariantCulture),
                double.IsNaN(measured) ? "-" : string.Create(CultureInfo.InvariantCulture, $"${measured:#,0.####}/M"));
        }

        if (!any)
        {
            return;
        }

        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"A GPU costs the same busy or idle: over these {hours:0.#} hours its cost spread over the tokens it really served is the price at served throughput; the request log's costs use the price at capacity."));
    }

    private static CostSummaryRow Total(IReadOnlyList<CostSummaryRow> rows, int keys) => new()
    {
        Keys = keys == 0 ? [] : ["total", .. Enumerable.Repeat("", keys - 1)],
        Requests = rows.Sum(r => r.Requests),
        Uncosted = rows.Sum(r => r.Uncosted),
        InputTokens = rows.Sum(r => r.InputTokens),
        OutputTokens = rows.Sum(r => r.OutputTokens),
        Cost = rows.Sum(r => r.Cost),
        ExtraCost = rows.Sum(r => r.ExtraCost),
        BaselineCost = rows.Sum(r => r.BaselineCost),
    };

    private static void WriteCsv(TextWriter output, string[] names, IReadOnlyList<CostSummaryRow> rows)
    {
        output.WriteLine(string.Join(",", [.. names, "requests", "uncosted", "input_tokens", "output_tokens", "cost_usd", "extra_cost_usd", "spent_usd", "baseline_cost_usd", "saved_usd"]));
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            foreach (var key in row.Keys)
            {
                line.Append(Csv(key)).Append(',');
            }

            line.Append(CultureInfo.InvariantCulture, $"{row.Requests},{row.Uncosted},{row.InputTokens},{row.OutputTokens},{Exact(row.Cost)},{Exact(row.ExtraCost)},{Exact(row.Spent)},{Exact(row.BaselineCost)},{Exact(row.Saved)}");
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
                json.WriteStartObject();
                for (var i = 0; i < names.Length; i++)
                {
                    json.WriteString(names[i], row.Keys[i]);
                }

                json.WriteNumber("requests", row.Requests);
                json.WriteNumber("uncosted", row.Uncosted);
                json.WriteNumber("input_tokens", row.InputTokens);
                json.WriteNumber("output_tokens", row.OutputTokens);
                json.WriteNumber("cost_usd", row.Cost);
                json.WriteNumber("extra_cost_usd", row.ExtraCost);
                json.WriteNumber("spent_usd", row.Spent);
                json.WriteNumber("baseline_cost_usd", row.BaselineCost);
                json.WriteNumber("saved_usd", row.Saved);
                json.WriteEndObject();
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
