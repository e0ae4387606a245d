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

    /// <summary>The tiers at work: the share of answered requests each tier served, failovers, and what stayed in-house.</summary>
    public static Table BuildTiers(IReadOnlyList<RequestLogEntry> entries)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Requests by tier[/] (from the request log)");
        table.AddColumn("route");
        table.AddColumn("tier");
        table.AddColumn(new TableColumn("answered").RightAligned());
        table.AddColumn(new TableColumn("share").RightAligned());
        table.AddColumn(new TableColumn("after failover").RightAligned());
        table.AddColumn(new TableColumn("chosen by rule").RightAligned());
        table.AddColumn(new TableColumn("confidential").RightAligned());

        var answered = entries.Where(e => e.Status is >= 200 and < 300).ToArray();
        foreach (var route in answered.GroupBy(e => e.Route ?? "(none)").OrderByDescending(g => g.Count()))
        {
            var total = route.Count();
            foreach (var tier in route.GroupBy(e => e.Tier ?? "-").OrderByDescending(g => g.Count()))
            {
                table.AddRow(
                    Markup.Escape(route.Key),
                    Markup.Escape(tier.Key),
                    tier.Count().ToString("N0"),
                    (tier.Count() / (double)total).ToString("P0"),
                    tier.Count(e => e.FallbackReason is not null).ToString("N0"),
                    tier.Count(e => e.Label is not null).ToString("N0"),
                    tier.Count(e => e.Confidential is not null).ToString("N0"));
            }
        }

        return table;
    }

    /// <summary>One line on the confidential requests: where they went.</summary>
    public static string DescribeConfidential(IReadOnlyList<RequestLogEntry> entries, IReadOnlySet<string> externalDeployments)
    {
        var confidential = entries.Where(e => e.Confidential is not null).ToArray();
        if (confidential.Length == 0)
        {
            return "No confidential requests.";
        }

        var external = confidential.Count(e => e.Deployment is { } d && externalDeployments.Contains(d) && e.Attempts > 0);
        var skipped = confidential.Count(e => e.AttemptsJson?.Contains("skipped:external", StringComparison.Ordinal) == true);
        return $"{confidential.Length} confidential requests: {confidential.Length - external} served in-house, {external} sent outside; the frontier API was passed over for {skipped} of them.";
    }

    /// <summary>One line on the quality gate: how many answers escalated, why, and where the answers came from instead.</summary>
    public static string DescribeEscalations(IReadOnlyList<RequestLogEntry> entries, IReadOnlyList<Storage.Escalations.EscalationRecord> records)
    {
        var gated = entries.Count(e => e.QualityScore is not null);
        if (gated == 0)
        {
            return "No request went through a quality gate.";
        }

        var escalated = entries.Where(e => e.EscalatedFrom is not null).ToArray();
        // Why the poor answers failed: their checks, from the escalation records.
        var reasons = records
            .SelectMany(r => r.CheapFailed?.Split(',') ?? [])
            .GroupBy(r => r, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key} {g.Count()}");
        var to = escalated.GroupBy(e => e.Deployment ?? "?", StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
        return escalated.Length == 0
            ? $"Quality gate: {gated} answers checked, none escalated."
            : $"Quality gate: {gated} answers checked, {escalated.Length} ({100.0 * escalated.Length / gated:0.#}%) escalated past a poor answer"
                + $" (failed: {string.Join(", ", reasons)}; answered instead by: {string.Join(", ", to)}); {records.Count} escalation records kept.";
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
