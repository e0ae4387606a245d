using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Switchyard.Cli.Internal;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Economics.Tco;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Cli.Commands;

internal static partial class TcoCommand
{
    /// <summary>
    /// <c>tco --from-traffic</c>: the request log's tokens over <c>--since</c>, per deployment and per day, with the
    /// configuration saying which deployments are external, projected over the next 30 days.
    /// </summary>
    private static async Task<int> FromTrafficAsync(ParseResult pr, TcoOptions options, ApiPricing pricing, SelfHostedCost selfHosted, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var configPath = pr.GetValue(options.Config)!;
        var loaded = ConfigLoader.Load(configPath);
        if (!loaded.Succeeded)
        {
            foreach (var e in loaded.Errors)
            {
                error.WriteLine(e.ToString());
            }

            error.WriteLine("--from-traffic needs the configuration to know which deployments are external: fix it, or point --config at the gateway's file.");
            return 1;
        }

        // --db names a SQLite file; without it the request log is where the configuration's storage: says.
        if (CliStores.Resolve(pr.GetValue(options.Db), null, error, loaded.Config) is not { } storage)
        {
            return 1;
        }

        var since = options.SinceValue(pr);
        var until = options.Time.GetUtcNow();
        IReadOnlyList<RequestLogEntry> entries;
        string path;
        await using (var opened = await CliStores.OpenAsync(storage, options.Time, error, s => s.CreateRequestLogStore(), "No request log at {0}.", ct))
        {
            if (opened is null)
            {
                return 1;
            }

            path = opened.Stores.Description;
            try
            {
                // Cold path: the window's rows are read whole, which a week of a team's traffic fits in memory comfortably.
                entries = await opened.Store.QueryAsync(new RequestLogQuery { Since = since, Limit = int.MaxValue }, ct);
            }
            catch (System.Data.Common.DbException exception)
            {
                error.WriteLine($"Could not read the request log in {path}: {exception.Message}");
                return 1;
            }
        }

        var config = loaded.Config;
        var hosting = config.Deployments.ToDictionary(d => d.Name, d => d.Hosting, StringComparer.Ordinal);
        var usage = TrafficProjector.Summarise(entries, name => hosting.TryGetValue(name, out var where) ? where : null, since, until);
        var console = CliConsole.Create(output);
        if (usage.Deployments.IsEmpty)
        {
            console.WriteLine($"No requests with token counts in {path} since {since.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC: nothing to project. Widen --since, or serve traffic first.");
            return 0;
        }

        // The hybrid as served pays each external deployment's own price (configured, or the catalog's list price); the
        // flags price those the price book does not know, and the all-API line.
        var book = new Gateway.Economics.PriceBook(config);
        ApiPricing PriceOf(DeploymentUsage deployment) => book.Find(deployment.Deployment) is { } price && hosting.GetValueOrDefault(deployment.Deployment) == Hosting.External
            ? new ApiPricing((decimal)price.Input, (decimal)price.Output)
            : pricing;
        var projection = TrafficProjector.Project(usage, pricing, PriceOf, selfHosted, config.Deployments.Any(d => d.Hosting == Hosting.SelfHosted));
        WriteUsage(console, path, usage);
        WriteProjection(console, projection, selfHosted);
        return 0;
    }

    private static void WriteUsage(IAnsiConsole console, string path, TrafficUsage usage)
    {
        var days = usage.ObservedDays;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Request log {path}: {usage.From.UtcDateTime:yyyy-MM-dd HH:mm} to {usage.Until.UtcDateTime:yyyy-MM-dd HH:mm} UTC, {days:0.#} days."));
        var deployments = new Table()
            .AddColumn("deployment")
            .AddColumn("hosting")
            .AddColumn(new TableColumn("requests").RightAligned())
            .AddColumn(new TableColumn("input tokens").RightAligned())
            .AddColumn(new TableColumn("output tokens").RightAligned())
            .AddColumn(new TableColumn("tokens a day").RightAligned());
        foreach (var d in usage.Deployments)
        {
            var hosting = d.Hosting switch
            {
                Hosting.External => "external",
                Hosting.SelfHosted => "self-hosted",
                _ => "not in config: counted external",
            };
            deployments.AddRow(
                new Text(d.Deployment),
                new Text(hosting),
                new Text(d.Requests.ToString("#,0", CultureInfo.InvariantCulture)),
                new Text(d.InputTokens.ToString("#,0", CultureInfo.InvariantCulture)),
                new Text(d.OutputTokens.ToString("#,0", CultureInfo.InvariantCulture)),
                new Text(TcoFormat.Count(d.Tokens / days)));
        }

        console.Write(deployments);

        var daily = new Table()
            .AddColumn("day (UTC)")
            .AddColumn(new TableColumn("external tokens").RightAligned())
            .AddColumn(new TableColumn("self-hosted tokens").RightAligned());
        foreach (var day in usage.Days)
        {
            daily.AddRow(
                day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                day.ExternalTokens.ToString("#,0", CultureInfo.InvariantCulture),
                day.SelfHostedTokens.ToString("#,0", CultureInfo.InvariantCulture));
        }

        console.Write(daily);
        if (usage.RequestsWithoutTokens > 0)
        {
            console.WriteLine($"{usage.RequestsWithoutTokens.ToString("#,0", CultureInfo.InvariantCulture)} request(s) without token counts (failed before an upstream answered) are left out.");
        }
    }

    private static void WriteProjection(IAnsiConsole console, TrafficProjection projection, SelfHostedCost selfHosted)
    {
        console.WriteLine();
        console.WriteLine($"Next {projection.HorizonDays} days at the observed average of {TcoFormat.Count(projection.TokensPerDay)} tokens a day ({TcoFormat.Count(projection.SelfHostedTokensPerDay)} of them self-hosted):");
        var table = new Table()
            .AddColumn("strategy")
            .AddColumn(new TableColumn("API fees").RightAligned())
            .AddColumn(new TableColumn("GPUs").RightAligned())
            .AddColumn(new TableColumn("GPU sets").RightAligned())
            .AddColumn(new TableColumn($"next {projection.HorizonDays} days").RightAligned())
            .AddColumn(new TableColumn("exact").RightAligned());
        foreach (var cost in new[] { projection.AllApi, projection.AllSelfHosted, projection.Hybrid })
        {
            table.AddRow(
                cost.Strategy,
                TcoFormat.Money(cost.ApiFees),
                TcoFormat.Money(cost.GpuCost),
                cost.GpuSets.ToString(CultureInfo.InvariantCulture),
                TcoFormat.Money(cost.Total),
                TcoFormat.ExactMoney(cost.Total));
        }

        console.Write(table);
        var capacity = selfHosted.CapacityPerSetPerDay is { } perSet ? $", {TcoFormat.Count(perSet)} tokens a day a set" : ", capacity not given: one set serves any volume";
        var cheapest = new[] { projection.AllApi, projection.AllSelfHosted, projection.Hybrid }.MinBy(c => c.Total)!;
        console.WriteLine($"A GPU set costs {TcoFormat.Money(selfHosted.CostPerSetPerYear)} a year{capacity}. Cheapest: {cheapest.Strategy}.");
        console.WriteLine("In the hybrid, each external deployment's tokens are priced at its own price (its pricing, prices: or the catalog's list price);");
        console.WriteLine("--api-price (or --api-price-in/--api-price-out) prices the all-API line and any external deployment without a price.");
    }
}
