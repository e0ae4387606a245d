using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;
using Switchyard.Cli.Internal;
using Switchyard.Registry.Scanning;
using Switchyard.Registry.Scanning.Manifest;
using Switchyard.Registry.Scanning.Reporting;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard scan PATH...</c>: scans model files (or folders, recursively) for code hidden in them, without loading
/// them, and prints each file's format, size, SHA-256 and findings as a table, as JSON (<c>--json</c>) or as SARIF
/// (<c>--sarif</c>); <c>--manifest</c> records every file's size and SHA-256 and <c>--verify</c> checks files against
/// such a manifest. Exit codes: 0 clean (or all match), 1 findings (or differences), 2 error with no finding.
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
        var sarif = new Option<string?>("--sarif")
        {
            Description = "Write the report as SARIF 2.1.0 (GitHub code scanning) to FILE, or to stdout with '-' or no value (instead of the table).",
            HelpName = "FILE|-",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var manifest = new Option<string?>("--manifest")
        {
            Description = "Also write a manifest of every file scanned (path relative to the manifest's folder, size, SHA-256; JSON) to FILE.",
            HelpName = "FILE",
        };
        var verify = new Option<string?>("--verify")
        {
            Description = "Do not scan: check the files under PATH... against MANIFEST (changed, missing and unexpected files). Exit 0 all match, 1 a difference, 2 a bad manifest or path.",
            HelpName = "MANIFEST",
        };
        var noProgress = new Option<bool>("--no-progress") { Description = "No progress bar on stderr (it is shown only when stderr is a terminal)." };

        var command = new Command("scan", "Scan model weight files for code hidden in them, and hash them, before anyone loads them.");
        command.Arguments.Add(paths);
        command.Options.Add(json);
        command.Options.Add(sarif);
        command.Options.Add(manifest);
        command.Options.Add(verify);
        command.Options.Add(noProgress);
        command.Validators.Add(result =>
        {
            var sarifToStdout = result.GetResult(sarif) is not null && result.GetValue(sarif) is null or "-";
            if (result.GetValue(sarif) is { } sarifFile && sarifFile != "-" && Directory.Exists(sarifFile))
            {
                // --sarif takes an optional value, so "scan --sarif models/" would otherwise swallow the folder to scan.
                result.AddError($"--sarif takes a FILE or '-', and '{sarifFile}' is a folder: put --sarif after the paths, or give it a file name.");
            }
            if (sarifToStdout && result.GetValue(json))
            {
                result.AddError("--json and --sarif - both print to stdout: write the SARIF to a file (--sarif FILE).");
            }
            if (result.GetValue(verify) is not null && (result.GetValue(json) || result.GetResult(sarif) is not null || result.GetValue(manifest) is not null))
            {
                result.AddError("--verify only checks files against a manifest: it cannot be combined with --json, --sarif or --manifest.");
            }
        });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var output = pr.InvocationConfiguration.Output;
            var error = pr.InvocationConfiguration.Error;
            var progress = pr.GetValue(noProgress) ? null : ProgressLine.ForConsole(error);
            var targets = pr.GetValue(paths) ?? [];

            if (pr.GetValue(verify) is { } manifestToVerify)
            {
                return await VerifyAsync(manifestToVerify, targets, output, error, progress, ct);
            }

            var report = await new WeightScanner(progress, TimeProvider.System).ScanAsync(targets, ct);
            progress?.Clear();

            var sarifTarget = pr.GetResult(sarif) is null ? null : pr.GetValue(sarif) ?? "-";
            if (sarifTarget == "-")
            {
                using var stdout = new MemoryStream();
                SarifWriter.Write(stdout, report, ToolVersion, Environment.CurrentDirectory);
                output.WriteLine(Encoding.UTF8.GetString(stdout.ToArray()));
            }
            else if (pr.GetValue(json))
            {
                WriteJson(output, report);
            }
            else
            {
                WriteTable(output, report);
            }
            var writeFailed = false;
            if (sarifTarget is not null and not "-")
            {
                writeFailed |= !TryWrite(error, "SARIF", sarifTarget, () =>
                {
                    using var file = File.Create(sarifTarget);
                    SarifWriter.Write(file, report, ToolVersion, Environment.CurrentDirectory);
                });
            }
            if (pr.GetValue(manifest) is { } manifestPath)
            {
                var written = ScanManifest.FromReport(report, manifestPath, ToolVersion, TimeProvider.System.GetUtcNow());
                if (TryWrite(error, "the manifest", manifestPath, () => written.Write(manifestPath)))
                {
                    error.WriteLine($"manifest of {written.Files.Count} file(s) written to {manifestPath}");
                }
                else
                {
                    writeFailed = true;
                }
            }
            foreach (var e in report.Errors)
            {
                error.WriteLine(e);
            }
            // A finding still wins (exit 1); otherwise an output that could not be written is an error.
            return writeFailed && report.ExitCode == 0 ? 2 : report.ExitCode;
        });
        return command;
    }

    /// <summary>The version written into SARIF and manifests: the CLI's informational version.</summary>
    internal static string ToolVersion { get; } =
        typeof(ScanCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private static bool TryWrite(TextWriter error, string what, string path, Action write)
    {
        try
        {
            write();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"cannot write {what} to {path}: {e.Message}");
            return false;
        }
    }

    private static async Task<int> VerifyAsync(string manifestPath, string[] targets, TextWriter output, TextWriter error,
        ProgressLine? progress, CancellationToken ct)
    {
        ScanManifest manifest;
        try
        {
            manifest = ScanManifest.Read(manifestPath);
        }
        catch (ManifestFormatException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }

        var result = await new ManifestVerifier(progress, TimeProvider.System).VerifyAsync(manifest, manifestPath, targets, ct);
        progress?.Clear();
        foreach (var d in result.Differences)
        {
            output.WriteLine($"{d.KindWord}: {d.Path}: {d.Detail}");
        }
        foreach (var e in result.Errors)
        {
            error.WriteLine(e);
        }
        output.WriteLine(result.Differences.Count == 0 && result.Errors.Count == 0
            ? $"{result.Checked} file(s) match the manifest {manifestPath}."
            : $"{result.Checked} file(s) checked against {manifestPath}: {result.Differences.Count} difference(s), {result.Errors.Count} path error(s).");
        return result.ExitCode;
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
                    json.WriteString("rule_id", ScanRules.IdFor(f, file.Format));
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
