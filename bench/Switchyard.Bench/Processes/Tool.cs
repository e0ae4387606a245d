using System.Diagnostics;

namespace Switchyard.Bench.Processes;

/// <summary>Finds external tools and runs the short-lived ones (version queries, <c>taskset</c>).</summary>
internal static class Tool
{
    // nginx lives in /usr/sbin, which a non-root PATH often lacks.
    private static readonly string[] ExtraDirectories = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

    /// <summary>The full path of <paramref name="name"/> on PATH (or in an sbin folder), or null.</summary>
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(ExtraDirectories))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Runs a command that finishes at once and returns its standard output and error, or null if it failed.</summary>
    public static string? TryRunForOutput(string fileName, IEnumerable<string> args, TimeSpan? timeout = null)
        => Run(fileName, args, timeout) is { ExitCode: 0 } done ? done.Output + done.Error : null;

    /// <summary>
    /// Runs a command to its end (killed after <paramref name="timeout"/>, 10 s by default) and returns its exit code and
    /// what it wrote, or null when it could not be started or ran too long.
    /// </summary>
    public static ToolRun? Run(string fileName, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(info);
            if (process is null)
            {
                return null;
            }

            ProcessTracker.Add(process);
            try
            {
                process.StandardInput.Close();
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(10)))
                {
                    process.Kill(entireProcessTree: true);
                    return null;
                }

                return new ToolRun(process.ExitCode, stdout.Result, stderr.Result);
            }
            finally
            {
                ProcessTracker.Remove(process);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
