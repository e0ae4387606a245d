using Spectre.Console;

namespace Switchyard.Bench.Reporting;

/// <summary>Prints the report's tables to the terminal.</summary>
internal static class ConsoleReport
{
    public static void Write(IAnsiConsole console, BenchReport report)
    {
        console.WriteLine();
        console.MarkupLine($"[bold]Switchyard benchmark[/] {Markup.Escape(report.Started.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture))}");
        console.MarkupLine($"[grey]{Markup.Escape($"{report.Machine.LogicalCpus} CPUs ({report.Machine.CpuModel}), kernel {report.Machine.Kernel}; {report.Layout}")}[/]");
        foreach (var table in new[] { report.LoadTable(), report.StreamingTable(), report.RatioTable(), report.GoalTable() })
        {
            Render(console, table);
        }

        var notes = report.Notes();
        if (notes.Count > 0)
        {
            console.MarkupLine("[bold]Notes[/]");
            foreach (var note in notes)
            {
                console.MarkupLine($"  - {Markup.Escape(note)}");
            }
        }
    }

    private static void Render(IAnsiConsole console, ReportTable source)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle(Markup.Escape(source.Title)) };
        for (var i = 0; i < source.Columns.Length; i++)
        {
            var column = new TableColumn(Markup.Escape(source.Columns[i]));
            table.AddColumn(i == 0 ? column : column.RightAligned());
        }

        foreach (var row in source.Rows)
        {
            table.AddRow([.. row.Select(cell => new Markup(Colour(cell)))]);
        }

        console.Write(table);
    }

    private static string Colour(string cell) => cell switch
    {
        "met" => "[green]met[/]",
        "NOT MET" => "[red]NOT MET[/]",
        _ when cell.StartsWith("met (", StringComparison.Ordinal) => $"[yellow]{Markup.Escape(cell)}[/]",
        _ when cell.StartsWith("NOT MET (", StringComparison.Ordinal) => $"[red]{Markup.Escape(cell)}[/]",
        "did not start" or "run failed" or "failed" => $"[red]{cell}[/]",
        _ => Markup.Escape(cell),
    };
}
