using Spectre.Console;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Cli.Demo;

/// <summary>The demo's closing table, computed from the request log the gateway wrote.</summary>
internal static class DemoSummary
{
    public static Table Build(IReadOnlyList<RequestLogEntry> entries)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Requests by deployment[/] (from the request log)");
        table.AddColumn("deployment");
        table.AddColumn(new TableColumn("requests").RightAligned());
        table.AddColumn(new TableColumn("errors").RightAligned());
        table.AddColumn(new TableColumn("after failover").RightAligned());
        table.AddColumn(new TableColumn("p50 ms").RightAligned());
        table.AddColumn(new TableColumn("p95 ms").RightAligned());
        table.AddColumn(new TableColumn("TTFT p50 ms").RightAligned());
        table.AddColumn(new TableColumn("tokens in").RightAligned());
        table.AddColumn(new TableColumn("tokens out").RightAligned());

        foreach (var group in entries.GroupBy(e => e.Deployment ?? "(none)").OrderByDescending(g => g.Count()))
        {
            var latencies = group.Select(e => e.LatencyMs).Order().ToArray();
            var ttfts = group.Where(e => e.TimeToFirstTokenMs is not null).Select(e => e.TimeToFirstTokenMs!.Value).Order().ToArray();
            table.AddRow(
                Markup.Escape(group.Key),
                group.Count().ToString("N0"),
                group.Count(e => e.Status >= 400).ToString("N0"),
                group.Count(e => e.Attempts > 1).ToString("N0"),
                Percentile(latencies, 0.50),
                Percentile(latencies, 0.95),
                ttfts.Length == 0 ? "-" : Percentile(ttfts, 0.50),
                group.Sum(e => e.InputTokens ?? 0).ToString("N0"),
                group.Sum(e => e.OutputTokens ?? 0).ToString("N0"));
        }

        return table;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static string Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return "-";
        }

        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)].ToString("N0");
    }
}
