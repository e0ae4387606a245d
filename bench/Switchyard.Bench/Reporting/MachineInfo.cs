using System.Globalization;
using System.Runtime.InteropServices;
using Switchyard.Bench.Processes;

namespace Switchyard.Bench.Reporting;

/// <summary>The machine and tool versions a run was measured on, for the report's header.</summary>
internal sealed record MachineInfo(
    int LogicalCpus,
    string CpuModel,
    string Kernel,
    string OperatingSystem,
    double MemoryGib,
    string Dotnet,
    string Node,
    string Nginx,
    string Wrk)
{
    /// <summary>Reads <c>/proc</c> and asks each tool for its version; anything unreadable reads "unknown".</summary>
    public static MachineInfo Read()
    {
        var cpuinfo = ReadOrEmpty("/proc/cpuinfo").Split('\n');
        var cpus = cpuinfo.Count(l => l.StartsWith("processor", StringComparison.Ordinal));
        var model = cpuinfo.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } line
            ? line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()
            : "unknown";
        var memKb = ReadOrEmpty("/proc/meminfo").Split('\n').FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } mem
            ? long.Parse(mem.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)
            : 0;
        var os = ReadOrEmpty("/etc/os-release").Split('\n').FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) is { } pretty
            ? pretty["PRETTY_NAME=".Length..].Trim('"')
            : RuntimeInformation.OSDescription;
        return new MachineInfo(
            cpus == 0 ? Environment.ProcessorCount : cpus,
            model,
            ReadOrEmpty("/proc/sys/kernel/osrelease").Trim() is { Length: > 0 } kernel ? kernel : "unknown",
            os,
            memKb / 1024.0 / 1024.0,
            RuntimeInformation.FrameworkDescription,
            FirstLine(Tool.TryRunForOutput("node", ["--version"])),
            FirstLine(Tool.Find("nginx") is { } nginx ? Tool.TryRunForOutput(nginx, ["-v"]) : null),
            FirstLine(Tool.Find("wrk") is { } wrk ? TryWrkVersion(wrk) : null));
    }

    private static string? TryWrkVersion(string wrk)
    {
        // `wrk -v` prints its version then usage, and exits 1: read it through the shell.
        var line = FirstLine(Tool.TryRunForOutput("/bin/sh", ["-c", "\"$0\" -v 2>&1 | head -n 1; true", wrk]));
        var copyright = line.IndexOf(" Copyright", StringComparison.Ordinal);
        return copyright < 0 ? line : line[..copyright];
    }

    private static string FirstLine(string? text)
        => text?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "unknown";

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }
}
