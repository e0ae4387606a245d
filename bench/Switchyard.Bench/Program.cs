using System.CommandLine;
using System.Runtime.InteropServices;
using Switchyard.Bench.Processes;

namespace Switchyard.Bench;

/// <summary>
/// The benchmark harness behind <c>bench/run.sh</c>: measures Switchyard against the upstream alone, nginx and Portkey on
/// this machine and prints (and writes) one comparable table. See <c>bench/README.md</c>.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var duration = new Option<int?>("--duration") { Description = "Seconds of each measured wrk run (default 10; 3 with --quick)." };
        var warmup = new Option<int?>("--warmup") { Description = "Seconds of wrk warm-up per target before measuring (default 10; 1 with --quick)." };
        var streams = new Option<int?>("--streams") { Description = "Sequential streaming requests per target for time to first token (default 300; 100 with --quick)." };
        var quick = new Option<bool>("--quick") { Description = "A smoke run: 3 s runs after 1 s of warm-up, 100 streams." };
        var noPin = new Option<bool>("--no-pin") { Description = "Do not pin processes to cores (by default wrk, the upstream and this harness use core 0, the target core 1)." };
        var targets = new Option<string?>("--targets") { Description = "Comma-separated subset of: direct, switchyard, nginx, portkey (direct is always measured: it is the reference)." };
        var switchyard = new Option<string?>("--switchyard") { Description = "The switchyard executable (default: src/Switchyard.Cli/bin/Release/net10.0/switchyard)." };
        var peers = new Option<string?>("--peers") { Description = "The folder holding the peers' node_modules and preloads (default: bench/peers)." };
        var output = new Option<string?>("--output") { Description = "Where to write the Markdown report (default: bench/results/latest.md)." };
        var command = new Option<string?>("--command") { Description = "The command line to record in the report (bench/run.sh passes its own).", Hidden = true };

        var root = new RootCommand("Switchyard benchmark: requests/s, latency, memory and time to first token against the upstream, nginx and Portkey.")
        {
            duration, warmup, streams, quick, noPin, targets, switchyard, peers, output, command,
        };
        root.Validators.Add(result =>
        {
            if (result.GetValue(duration) is < 1)
            {
                result.AddError("--duration must be at least 1 second.");
            }

            if (result.GetValue(warmup) is < 0)
            {
                result.AddError("--warmup must be 0 or more seconds.");
            }

            if (result.GetValue(streams) is < 1)
            {
                result.AddError("--streams must be at least 1.");
            }

            if (!BenchOptions.TryParseTargets(result.GetValue(targets), out _, out var targetError))
            {
                result.AddError(targetError!);
            }
        });

        root.SetAction(async (parseResult, cancellationToken) =>
        {
            var isQuick = parseResult.GetValue(quick);
            var repoRoot = RepoPaths.FindRoot();
            BenchOptions.TryParseTargets(parseResult.GetValue(targets), out var targetKinds, out _);
            var options = new BenchOptions
            {
                Duration = TimeSpan.FromSeconds(parseResult.GetValue(duration) ?? (isQuick ? 3 : 10)),
                Warmup = TimeSpan.FromSeconds(parseResult.GetValue(warmup) ?? (isQuick ? 1 : 10)),
                StreamRequests = parseResult.GetValue(streams) ?? (isQuick ? 100 : 300),
                Pin = !parseResult.GetValue(noPin),
                Targets = targetKinds,
                SwitchyardPath = Path.GetFullPath(parseResult.GetValue(switchyard) ?? RepoPaths.DefaultSwitchyard(repoRoot)),
                PeersDirectory = Path.GetFullPath(parseResult.GetValue(peers) ?? Path.Combine(repoRoot, "bench", "peers")),
                OutputPath = Path.GetFullPath(parseResult.GetValue(output) ?? Path.Combine(repoRoot, "bench", "results", "latest.md")),
                CommandLine = parseResult.GetValue(command) ?? "dotnet Switchyard.Bench.dll " + string.Join(' ', args),
            };

            // Ctrl-C, SIGTERM and SIGHUP cancel the run; the runner then stops every process it started. A second signal
            // kills them at once and exits.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var signals = 0;
            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = true;
                if (Interlocked.Increment(ref signals) > 1)
                {
                    ProcessTracker.KillAll();
                    Environment.Exit(130);
                }

                stop.Cancel();
            }

            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
            try
            {
                return await new BenchRunner(options).RunAsync(stop.Token);
            }
            finally
            {
                ProcessTracker.KillAll();
            }
        });

        // Last resort for an unhandled exception or an exit from elsewhere: no child outlives the harness.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ProcessTracker.KillAll();
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
