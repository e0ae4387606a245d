using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;
using Switchyard.Cli.Internal;
using Switchyard.Registry.Scanning;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard scan PATH...</c>: scans model files (or folders, recursively) for code hidden in them, without loading
/// them, and prints each file's format, size, SHA-256 and findings as a table or as JSON (<c>--json</c>).
/// Exit codes: 0 clean, 1 findings, 2 error with no finding.
/// </summary>
internal static class ScanCommand
{
    private const int FindingsShownPerFile = 5;

    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Files or folders to scan (folders recursively).",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON document instead of a table." };

        var command = new Command("scan", "Scan model weight files for code hidden in them, and hash them, before anyone loads them.");
        command.Arguments.Add(paths);
        command.Options.Add(json);
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var report = await new WeightScanner().ScanAsync(pr.GetValue(paths) ?? [], ct);
            if (pr.GetValue(json))
            {
                WriteJson(pr.InvocationConfiguration.Output, report);
            }
            else
            {
                WriteTable(pr.InvocationConfiguration.Output, report);
            }
            foreach (var error in report.Errors)
            {
                pr.InvocationConfiguration.Error.WriteLine(error);
            }
            return report.ExitCode;
        });
        return command;
    }

    private static void WriteTable(TextWriter output, ScanReport report)
    {
        var console = CliConsole.Create(output);

        if (report.Files.Count > 0)
        {
            var table = new Table()
                .AddColumn("file")
                .AddColumn("format")
                .AddColumn(new TableColumn("size").RightAligned())
                .AddColumn("sha256")
                .AddColumn("verdict")
                .AddColumn("findings");
            foreach (var file in report.Files)
            {
                var verdict = file.Error is not null ? "error" : file.IsClean ? "clean" : (file.WorstSeverity?.ToString().ToLowerInvariant() ?? "not clean");
                var style = file.IsClean ? new Style(Color.Green) : file.WorstSeverity >= FindingSeverity.High || file.Error is not null ? new Style(Color.Red) : new Style(Color.Yellow);
                table.AddRow(
                    new Text(file.Path),
                    new Text(file.Format.ToString().ToLowerInvariant()),
                    new Text(file.Size.ToString("N0", CultureInfo.InvariantCulture)),
                    new Text(file.Sha256 is { } sha ? sha[..16] : "-"),
                    new Text(verdict, style),
                    new Text(Describe(file)));
            }
            console.Write(table);
        }

        var clean = report.Files.Count(f => f.IsClean);
        console.WriteLine($"{report.Files.Count} file(s): {clean} clean, {report.Files.Count - clean} not clean; {report.Errors.Count} path error(s).");
    }

    private static string Describe(FileScanResult file)
    {
        var sb = new StringBuilder();
        if (file.Error is not null)
        {
            sb.Append("error: ").Append(file.Error).Append('\n');
        }
        var shown = 0;
        var blocking = file.Findings.Where(f => f.Severity > FindingSeverity.Info).OrderByDescending(f => f.Severity).ToList();
        foreach (var f in blocking)
        {
            if (shown++ == FindingsShownPerFile)
            {
                sb.Append(CultureInfo.InvariantCulture, $"... and {blocking.Count - FindingsShownPerFile} more (--json lists all)\n");
                break;
            }
            sb.Append(CultureInfo.InvariantCulture, $"[{f.Severity.ToString().ToLowerInvariant()}] ");
            if (f.Global is not null)
            {
                sb.Append(f.Global).Append(": ");
            }
            sb.Append(f.Reason);
            if (f.Offset >= 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $" (at {f.Offset}{(f.Opcode is null ? string.Empty : " " + f.Opcode)})");
            }
            if (f.File != file.Path)
            {
                sb.Append(" in ").Append(f.File.StartsWith(file.Path + "!", StringComparison.Ordinal) ? f.File[(file.Path.Length + 1)..] : f.File);
            }
            sb.Append('\n');
        }
        return sb.Length == 0 ? "-" : sb.ToString().TrimEnd('\n');
    }

    private static void WriteJson(TextWriter output, ScanReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteBoolean("clean", report.IsClean);
            json.WriteNumber("exit_code", report.ExitCode);
            json.WriteStartArray("errors");
            foreach (var e in report.Errors)
            {
                json.WriteStringValue(e);
            }
            json.WriteEndArray();
            json.WriteStartArray("files");
            foreach (var file in report.Files)
            {
                json.WriteStartObject();
                json.WriteString("path", file.Path);
                json.WriteString("format", file.Format.ToString().ToLowerInvariant());
                json.WriteNumber("size", file.Size);
                json.WriteString("sha256", file.Sha256);
                json.WriteBoolean("clean", file.IsClean);
                json.WriteString("error", file.Error);
                json.WriteStartArray("imports");
                foreach (var i in file.Imports)
                {
                    json.WriteStringValue(i);
                }
                json.WriteEndArray();
                if (file.Model is { } model)
                {
                    // What the file says it is (GGUF metadata): the registry compares it with the model card.
                    json.WriteStartObject("model");
                    json.WriteString("architecture", model.Architecture);
                    json.WriteString("name", model.Name);
                    json.WriteNumber("parameter_count", model.ParameterCount);
                    json.WriteString("license", model.License);
                    json.WriteEndObject();
                }

                json.WriteStartArray("findings");
                foreach (var f in file.Findings)
                {
                    json.WriteStartObject();
                    json.WriteString("file", f.File);
                    json.WriteNumber("offset", f.Offset);
                    json.WriteString("opcode", f.Opcode);
                    json.WriteString("global", f.Global);
                    json.WriteString("severity", f.Severity.ToString().ToLowerInvariant());
                    json.WriteString("reason", f.Reason);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
