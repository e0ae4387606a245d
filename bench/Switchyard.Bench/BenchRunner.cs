using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Switchyard.Bench.Load;
using Switchyard.Bench.Net;
using Switchyard.Bench.Processes;
using Switchyard.Bench.Reporting;
using Switchyard.Bench.Streaming;
using Switchyard.Bench.Targets;

namespace Switchyard.Bench;

/// <summary>Runs the whole benchmark, one target at a time, and reports.</summary>
/// <remarks>
/// <code>
/// pin the harness to core 0 ─► start the upstream (simulate --profile instant, core 0)
///   for each target (direct, switchyard, nginx, portkey), alone on core 1:
///     start ─► wait until it answers ─► wrk warm-up (64 conns)
///       ─► wrk 1 conn ─► wrk 64 conns     (CPU and VmHWM of the target's process after each)
///       ─► N sequential streams (time to first data: chunk) ─► stop
/// stop the upstream ─► tables to the console and bench/results/latest.md
/// </code>
/// Targets run one after another so that they never compete for the CPU. Every process started is stopped on the way
/// out, whatever happens (see <see cref="ProcessTracker"/>).
/// </remarks>
internal sealed class BenchRunner(BenchOptions options)
{
    private const int LoadCore = 0;
    private const int TargetCore = 1;

    // Other processes' CPU below which the machine counts as quiet, and how long to wait for that before each target.
    private const double QuietThreshold = 10;
    private static readonly TimeSpan QuietWait = TimeSpan.FromSeconds(30);

    private readonly IAnsiConsole _console = CreateConsole();

    /// <returns>0 when every target was measured; 1 when one was not or the run could not start; 130 when interrupted.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var wrk = Tool.Find("wrk");
        if (wrk is null)
        {
            _console.MarkupLine("[red]wrk is not installed:[/] `apt-get install -y wrk` (bench/run.sh does).");
            return 1;
        }

        if (!File.Exists(options.SwitchyardPath))
        {
            _console.MarkupLine($"[red]{Markup.Escape(options.SwitchyardPath)} does not exist:[/] build it with `dotnet build -c Release src/Switchyard.Cli` (bench/run.sh does).");
            return 1;
        }

        var machine = MachineInfo.Read();
        var pinned = options.Pin && PinHarness(machine);
        int? loadCore = pinned ? LoadCore : null;
        int? targetCore = pinned ? TargetCore : null;

        // COMPAT: on a shared machine a colleague's `pkill switchyard` (or `kill $(pgrep -n switchyard)`) stopped this
        // harness's servers mid-run. They run as `sybench-simulate` and `sybench-serve`, symbolic links to the built
        // executable (which still finds its assemblies through /proc/self/exe), from a folder whose name does not say
        // "switchyard" either; the PIDs stay the servers' own.
        var scratch = Directory.CreateTempSubdirectory("sybench-").FullName;
        var bin = Directory.CreateDirectory(Path.Combine(scratch, "bin")).FullName;
        var simulateExecutable = File.CreateSymbolicLink(Path.Combine(bin, "sybench-simulate"), options.SwitchyardPath).FullName;
        var serveExecutable = File.CreateSymbolicLink(Path.Combine(bin, "sybench-serve"), options.SwitchyardPath).FullName;
        var results = new List<TargetResult>();
        var keepScratch = false;
        ChildProcess? upstream = null;
        try
        {
            var upstreamPort = FreePort.Next();
            var upstreamDir = Directory.CreateDirectory(Path.Combine(scratch, "upstream")).FullName;
            Status($"upstream: switchyard simulate --profile instant on 127.0.0.1:{upstreamPort}");
            upstream = ChildProcess.Start(
                "switchyard simulate",
                simulateExecutable,
                ["simulate", "--profile", "instant", "--port", upstreamPort.ToString(CultureInfo.InvariantCulture), "--host", "127.0.0.1"],
                Path.Combine(upstreamDir, "simulate.log"),
                loadCore,
                upstreamDir);
            var direct = TargetLauncher.Direct(upstream, upstreamPort);
            try
            {
                await ReadinessProbe.WaitAsync(upstream, direct.Endpoint, cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                _console.MarkupLine($"[red]The upstream did not start, so nothing can be measured:[/] {Markup.Escape(e.Message)}");
                keepScratch = true;
                return 1;
            }

            var launcher = new TargetLauncher(options, serveExecutable, scratch, upstreamPort, targetCore);
            var load = new WrkRunner(wrk, loadCore, scratch);
            foreach (var kind in options.Targets)
            {
                var result = new TargetResult(kind);
                results.Add(result);
                if (upstream.HasExited)
                {
                    result.StartError = $"the upstream exited ({ChildProcess.DescribeExit(upstream.ExitCode)}) before this target's turn; its log: {upstream.LogPath}";
                    keepScratch = true;
                    _console.MarkupLine($"[red]{Markup.Escape(BenchReport.Name(kind))} not measured:[/] {Markup.Escape(result.StartError)}");
                    continue;
                }

                if (await WaitForQuietAsync(cancellationToken) is { } busy)
                {
                    result.Notes.Add(busy);
                }

                Status($"{BenchReport.Name(kind)}: starting");
                RunningTarget target;
                try
                {
                    target = kind == TargetKind.Direct ? direct : await launcher.StartAsync(kind, cancellationToken);
                }
                catch (InvalidOperationException e)
                {
                    result.StartError = e.Message;
                    keepScratch = true;
                    _console.MarkupLine($"[red]{Markup.Escape(BenchReport.Name(kind))} did not start:[/] {Markup.Escape(e.Message)}");
                    continue;
                }

                await using (target)
                {
                    if (kind == TargetKind.Portkey)
                    {
                        result.Notes.Add("streaming works only with the header-copy preload bench/peers/stream-headers.mjs (workaround used in this run): as installed, Portkey answers HTTP 500 to every streaming request.");
                    }

                    await MeasureAsync(target, result, load, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _console.MarkupLine("[yellow]Interrupted: every process started has been stopped; no report written.[/]");
            return 130;
        }
        finally
        {
            if (upstream is not null)
            {
                await upstream.DisposeAsync();
            }

            if (keepScratch)
            {
                _console.MarkupLine($"[grey]Logs and configuration kept in {Markup.Escape(scratch)}[/]");
            }
            else
            {
                Directory.Delete(scratch, recursive: true);
            }
        }

        var report = new BenchReport(options, machine, started, results, pinned);
        ConsoleReport.Write(_console, report);
        Directory.CreateDirectory(Path.GetDirectoryName(options.OutputPath)!);
        await File.WriteAllTextAsync(options.OutputPath, MarkdownReport.Render(report), CancellationToken.None);
        _console.MarkupLine($"[grey]Written to {Markup.Escape(options.OutputPath)}[/]");
        return results.All(r => r.StartError is null) ? 0 : 1;
    }

    private async Task MeasureAsync(RunningTarget target, TargetResult result, WrkRunner load, CancellationToken cancellationToken)
    {
        var name = BenchReport.Name(target.Kind);
        var pid = target.MeasuredPid;
        var saturating = BenchOptions.ConnectionCounts[^1];
        if (options.Warmup > TimeSpan.Zero)
        {
            Status($"{name}: warm-up, {saturating} connections, {options.Warmup.TotalSeconds:0} s");
            try
            {
                var warmup = await load.RunAsync(target.Endpoint, saturating, options.Warmup, cancellationToken);
                if (warmup.Errors > 0)
                {
                    result.Notes.Add($"warm-up had {Format.Count(warmup.Errors)} errors ({warmup.ErrorDetail()}).");
                }
            }
            catch (InvalidOperationException e)
            {
                result.Notes.Add($"warm-up failed: {e.Message}");
            }
        }

        result.RssAfterWarmupMb = ProcStats.RssMb(pid);
        // Counted after the warm-up, whose errors are reported already, and after start-up chatter (Portkey's spinner).
        var logLines = target.LogLineCounts();
        foreach (var connections in BenchOptions.ConnectionCounts)
        {
            Status($"{name}: {connections} connection(s), {options.Duration.TotalSeconds:0} s");
            var cpuBefore = ProcStats.CpuTime(pid);
            var othersBefore = ForeignLoad.Take();
            var clock = Stopwatch.StartNew();
            try
            {
                var wrk = await load.RunAsync(target.Endpoint, connections, options.Duration, cancellationToken);
                var cpuAfter = ProcStats.CpuTime(pid);
                double? cpu = cpuBefore is null || cpuAfter is null ? null : (cpuAfter.Value - cpuBefore.Value) / clock.Elapsed * 100;
                var others = ForeignLoad.Take().PercentSince(othersBefore);
                result.Runs.Add(new LoadRun(connections, wrk, cpu, ProcStats.PeakRssMb(pid), others, null));
            }
            catch (InvalidOperationException e)
            {
                result.Runs.Add(new LoadRun(connections, null, null, ProcStats.PeakRssMb(pid), null, e.Message));
            }
        }

        Status($"{name}: {options.StreamRequests} sequential streams");
        try
        {
            result.Ttft = await TtftProbe.RunAsync(target.Endpoint, options.StreamRequests, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            result.TtftError = e.Message;
        }

        result.PeakRssMb = ProcStats.PeakRssMb(pid);
        result.RssAtEndMb = ProcStats.RssMb(pid);
        var (added, first) = target.LogLinesSince(logLines);
        if (added > 0)
        {
            result.Notes.Add($"wrote {added} line(s) to its output or error log while measured; the first: {first}");
        }

        if (target.Owned is { HasExited: true } owned)
        {
            result.Notes.Add($"the process exited during the measurements ({ChildProcess.DescribeExit(owned.ExitCode)}); its log ends with: {owned.LogTail(5)}");
        }
    }

    /// <summary>
    /// Waits (at most <see cref="QuietWait"/>) until processes this harness did not start use less than
    /// <see cref="QuietThreshold"/>% of a core, so a colleague's build does not land in a measurement unnoticed.
    /// </summary>
    /// <returns>A note for the report when the machine never became quiet; null when it did.</returns>
    private async Task<string?> WaitForQuietAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var said = false;
        double others;
        while (true)
        {
            var before = ForeignLoad.Take();
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            others = ForeignLoad.Take().PercentSince(before);
            if (others < QuietThreshold)
            {
                return null;
            }

            if (waited.Elapsed >= QuietWait)
            {
                break;
            }

            if (!said)
            {
                Status($"other processes use {others:0}% of a core; waiting up to {QuietWait.TotalSeconds:0} s for them to calm down");
                said = true;
            }
        }

        return $"other processes still used {others:0}% of a core after {QuietWait.TotalSeconds:0} s of waiting; measured anyway.";
    }

    /// <summary>Moves every thread of this harness to the load core, so the target core is the target's alone.</summary>
    private bool PinHarness(MachineInfo machine)
    {
        if (machine.LogicalCpus < 2 || Tool.Find("taskset") is null)
        {
            _console.MarkupLine("[yellow]Not pinning: that needs taskset and at least 2 CPUs.[/]");
            return false;
        }

        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        if (Tool.TryRunForOutput("taskset", ["-a", "-c", "-p", LoadCore.ToString(CultureInfo.InvariantCulture), pid]) is null)
        {
            _console.MarkupLine("[yellow]Not pinning: taskset could not move this harness to core 0.[/]");
            return false;
        }

        return true;
    }

    /// <summary>The terminal as is; into a file or pipe, plain text wide enough for the tables.</summary>
    private static IAnsiConsole CreateConsole()
    {
        if (!Console.IsOutputRedirected)
        {
            return AnsiConsole.Console;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        console.Profile.Width = 160;
        return console;
    }

    private void Status(string text)
        => _console.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] {Markup.Escape(text)}");
}
