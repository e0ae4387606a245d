using System.Diagnostics;

namespace Switchyard.Bench.Processes;

/// <summary>
/// A server the harness started (the upstream, a target): its output goes to a log file, it can be pinned to a core,
/// and disposing it stops it (SIGTERM, then SIGKILL of it and its descendants after a grace period).
/// </summary>
/// <remarks>
/// It runs as <c>sh -c 'exec "$@" &gt;LOG 2&gt;&amp;1' sh [taskset -c CORE] PROGRAM ARGS</c>: the shell and taskset both
/// exec, so <see cref="Id"/> is the program's own PID (what <c>/proc</c> measures), and the harness never has to drain
/// the program's output on the core it shares with wrk.
/// </remarks>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly Process _process;

    private ChildProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <paramref name="program"/>, on <paramref name="core"/> when given.</summary>
    public static ChildProcess Start(string name, string program, IEnumerable<string> args, string logPath, int? core, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$@\" >\"$SWITCHYARD_BENCH_LOG\" 2>&1");
        info.ArgumentList.Add("sh");
        if (core is { } c)
        {
            info.ArgumentList.Add("taskset");
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(c.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        info.ArgumentList.Add(program);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["SWITCHYARD_BENCH_LOG"] = logPath;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{name}: could not start {program}.");
        ProcessTracker.Add(process);
        // No input for a server: EOF rather than the terminal.
        process.StandardInput.Close();
        return new ChildProcess(name, process, logPath);
    }

    /// <summary>An exit code in words: above 128 it is a signal (143 is SIGTERM, from outside the harness if unexpected).</summary>
    public static string DescribeExit(int code) => code switch
    {
        143 => "code 143: SIGTERM",
        137 => "code 137: SIGKILL",
        130 => "code 130: SIGINT",
        > 128 => $"code {code}: signal {code - 128}",
        _ => $"code {code}",
    };

    /// <summary>The last lines of the process's output, for an error message.</summary>
    public string LogTail(int lines = 15)
    {
        try
        {
            var all = File.ReadAllLines(LogPath);
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // Descendants (nginx's worker) are noted before the stop, so one that outlives its parent is still found.
                var descendants = ProcStats.Children(_process.Id).Select(pid => (Pid: pid, Started: ProcStats.StartTicks(pid))).ToList();
                Tool.TryRunForOutput("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                using var grace = new CancellationTokenSource(StopGrace);
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync(CancellationToken.None);
                }

                foreach (var (pid, started) in descendants)
                {
                    // The same PID with the same start time is the same process, not a recycled PID.
                    if (started is not null && ProcStats.StartTicks(pid) == started)
                    {
                        Tool.TryRunForOutput("kill", ["-KILL", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                    }
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Exited in the meantime.
        }
        finally
        {
            ProcessTracker.Remove(_process);
            _process.Dispose();
        }
    }
}
