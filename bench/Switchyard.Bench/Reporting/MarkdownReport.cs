using System.Globalization;
using System.Text;

namespace Switchyard.Bench.Reporting;

/// <summary>Writes the report as Markdown (<c>bench/results/latest.md</c>), with the machine and the exact command.</summary>
internal static class MarkdownReport
{
    public static string Render(BenchReport report)
    {
        var machine = report.Machine;
        var md = new StringBuilder();
        md.Append("# Switchyard benchmark: latest run\n\n");
        md.Append(CultureInfo.InvariantCulture, $"- date: {report.Started:yyyy-MM-dd HH:mm} UTC\n");
        md.Append(CultureInfo.InvariantCulture, $"- machine: {machine.LogicalCpus} logical CPUs ({machine.CpuModel}), {machine.MemoryGib:0.#} GiB, {machine.OperatingSystem}, kernel {machine.Kernel}\n");
        md.Append(CultureInfo.InvariantCulture, $"- tools: {machine.Dotnet}; node {machine.Node}; {machine.Nginx}; {machine.Wrk}\n");
        md.Append(CultureInfo.InvariantCulture, $"- layout: {report.Layout}\n");
        md.Append("- upstream: `switchyard simulate --profile instant` (answers at once); request: a short chat turn, `max_tokens` 32, with an `Authorization` header\n");
        md.Append("- command:\n\n```sh\n").Append(report.Options.CommandLine).Append("\n```\n\n");
        md.Append("Compare figures within this run only; the same command on the same machine varies by ±10-25% (see `bench/README.md`).\n");
        md.Append("\"+\" columns are the target's figure minus the upstream's alone, at the same connection count, in this run.\n\n");

        foreach (var table in new[] { report.LoadTable(), report.StreamingTable(), report.RatioTable(), report.GoalTable() })
        {
            md.Append("## ").Append(table.Title).Append("\n\n");
            md.Append("| ").AppendJoin(" | ", table.Columns.Select(Escape)).Append(" |\n");
            md.Append('|').AppendJoin("", table.Columns.Select((_, i) => i == 0 ? " --- |" : " ---: |")).Append('\n');
            foreach (var row in table.Rows)
            {
                md.Append("| ").AppendJoin(" | ", row.Select(Escape)).Append(" |\n");
            }

            md.Append('\n');
        }

        var notes = report.Notes();
        if (notes.Count > 0)
        {
            md.Append("## Notes\n\n");
            foreach (var note in notes)
            {
                md.Append("- ").Append(Escape(note)).Append('\n');
            }
        }

        return md.ToString();
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
