using System.CommandLine;
using System.Runtime.InteropServices;
using Switchyard.Bench.Processes;
using Switchyard.Bench.Routing;
using Switchyard.Bench.Scan;

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
        var rounds = new Option<int>("--rounds") { Description = "Passes over the prompt set (default 200).", DefaultValueFactory = _ => 200 };
        var routing = new Command("routing", "In-process: what extracting, classifying and scanning a prompt costs per request, against a plain JSON pass.") { rounds };
        routing.SetAction(parseResult => RoutingBench.Run(RepoPaths.FindRoot(), Math.Max(1, parseResult.GetValue(rounds)), Console.Out));
        root.Subcommands.Add(routing);
        var qualityRounds = new Option<int>("--rounds") { Description = "Answers scored per case (default 20000).", DefaultValueFactory = _ => 20_000 };
        var quality = new Command("quality", "In-process: what the quality gate's checks (all but the judge) cost per answer, against a plain JSON pass.") { qualityRounds };
        quality.SetAction(parseResult => Quality.QualityBench.Run(Math.Max(100, parseResult.GetValue(qualityRounds)), Console.Out));
        root.Subcommands.Add(quality);
        var bufferRequests = new Option<int>("--requests") { Description = "Streamed requests per mode (default 200).", DefaultValueFactory = _ => 200 };
        var bufferConcurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once (default 16).", DefaultValueFactory = _ => 16 };
        var bufferTtft = new Command("buffer-ttft", "In-process: time to first token with quality.streaming: buffer against pass-through, the simulator at a realistic pace.") { bufferRequests, bufferConcurrency };
        bufferTtft.SetAction((parseResult, _) => Quality.BufferTtftBench.RunAsync(Math.Max(10, parseResult.GetValue(bufferRequests)), Math.Max(1, parseResult.GetValue(bufferConcurrency)), Console.Out));
        root.Subcommands.Add(bufferTtft);
        var routerRounds = new Option<int>("--rounds") { Description = "Timed predictions per prompt size (default 20000).", DefaultValueFactory = _ => 20_000 };
        var router = new Command("router", "In-process: training the learned escalation router on 20,000 synthetic prompts, and what one prediction costs.") { routerRounds };
        router.SetAction(parseResult => Router.RouterBench.Run(Math.Max(100, parseResult.GetValue(routerRounds)), Console.Out));
        root.Subcommands.Add(router);
        var metricsRequests = new Option<int>("--requests") { Description = "Requests recorded per pass (default 2,000,000).", DefaultValueFactory = _ => 2_000_000 };
        var metrics = new Command("metrics", "In-process: what recording one request in the metrics costs against one interlocked increment, and a scrape of 50 routes x 20 deployments.") { metricsRequests };
        metrics.SetAction(parseResult => Metrics.MetricsBench.Run(Math.Max(10_000, parseResult.GetValue(metricsRequests)), Console.Out));
        root.Subcommands.Add(metrics);
        var limitsRedis = new Option<string>("--redis") { Description = "The Redis to count in (host:port or redis://...; default: $SWITCHYARD_TEST_REDIS, else 127.0.0.1:6379).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SWITCHYARD_TEST_REDIS") ?? "127.0.0.1:6379" };
        var limitsRequests = new Option<int>("--requests") { Description = "Requests counted per pass in memory (a tenth of it in Redis; default 200,000).", DefaultValueFactory = _ => 200_000 };
        var limits = new Command("limits", "What counting one request's limits and budget costs: in memory against Redis, in one run.") { limitsRedis, limitsRequests };
        limits.SetAction((parseResult, _) => Limits.LimitsBench.RunAsync(parseResult.GetValue(limitsRedis)!, Math.Max(1_000, parseResult.GetValue(limitsRequests)), Console.Out));
        root.Subcommands.Add(limits);

        var logRate = new Option<int>("--rate") { Description = "Rows offered to the request log per second (default 5000).", DefaultValueFactory = _ => 5000 };
        var logSeconds = new Option<int>("--seconds") { Description = "Seconds of load per store (default 10).", DefaultValueFactory = _ => 10 };
        var logPostgres = new Option<string?>("--postgres") { Description = "PostgreSQL connection string (default: SWITCHYARD_TEST_POSTGRES); the bench works in a schema of its own and drops it." };
        var requestLog = new Command("request-log", "In-process: the request log writer at a steady rate into SQLite and into PostgreSQL, in one run: rate written, queue, drops, drain, CPU and allocations per row.") { logRate, logSeconds, logPostgres };
        requestLog.SetAction((parseResult, cancellationToken) => RequestLog.RequestLogBench.RunAsync(Math.Max(1, parseResult.GetValue(logRate)), Math.Max(1, parseResult.GetValue(logSeconds)), parseResult.GetValue(logPostgres), Console.Out, cancellationToken));
        root.Subcommands.Add(requestLog);
        root.Subcommands.Add(CreateFleetCommand());
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

        root.Subcommands.Add(CreateScanCommand(args));

        // Last resort for an unhandled exception or an exit from elsewhere: no child outlives the harness.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ProcessTracker.KillAll();
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    /// <summary>
    /// <c>fleet</c>: <c>switchyard serve</c> on PostgreSQL and Redis against the embedded defaults, both in front of the
    /// simulator, with wrk, in one run.
    /// </summary>
    private static Command CreateFleetCommand()
    {
        var seconds = new Option<int>("--seconds") { Description = "Measured seconds per side at each load, 1 connection and --connections (default 10; halves run A B B A).", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "Seconds of load per side before measuring (default 3).", DefaultValueFactory = _ => 3 };
        var connections = new Option<int>("--connections") { Description = "wrk's connections for the throughput runs (default 32).", DefaultValueFactory = _ => 32 };
        var postgres = new Option<string?>("--postgres") { Description = "PostgreSQL connection string (default: $SWITCHYARD_TEST_POSTGRES); the bench works in a schema of its own and drops it." };
        var redis = new Option<string>("--redis") { Description = "The Redis to count limits in (host:port or redis://...; default: $SWITCHYARD_TEST_REDIS, else 127.0.0.1:6379); the bench works under a key prefix of its own and deletes its keys.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SWITCHYARD_TEST_REDIS") ?? "127.0.0.1:6379" };
        var switchyard = new Option<string?>("--switchyard") { Description = "The switchyard executable (default: src/Switchyard.Cli/bin/Release/net10.0/switchyard)." };
        var fleet = new Command("fleet", "switchyard serve with storage: postgres and limits: redis against SQLite and limits in memory: requests/s, p50 and p99 at 1 and N connections, in one run, as ratios.")
        {
            seconds, warmup, connections, postgres, redis, switchyard,
        };
        fleet.SetAction(async (parseResult, cancellationToken) =>
        {
            // Checked here rather than in a validator: validators see unset options as 0, not as their defaults.
            var problems = new List<string>();
            if (parseResult.GetValue(seconds) is < 2 or > 600)
            {
                problems.Add("--seconds must be between 2 and 600.");
            }

            if (parseResult.GetValue(warmup) is < 0 or > 600)
            {
                problems.Add("--warmup must be between 0 and 600.");
            }

            if (parseResult.GetValue(connections) is < 2 or > 1000)
            {
                problems.Add("--connections must be between 2 and 1000.");
            }

            if ((parseResult.GetValue(postgres) ?? Environment.GetEnvironmentVariable("SWITCHYARD_TEST_POSTGRES")) is not { Length: > 0 } server)
            {
                problems.Add("No PostgreSQL: pass --postgres CONNECTION_STRING or set SWITCHYARD_TEST_POSTGRES (scripts/postgres.sh start DIR prints one).");
                server = "";
            }

            foreach (var problem in problems)
            {
                Console.Error.WriteLine(problem);
            }

            if (problems.Count > 0)
            {
                return 2;
            }

            // Ctrl-C stops the run; every process it started is stopped on the way out.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            try
            {
                return await Fleet.FleetBench.RunAsync(new Fleet.FleetBenchOptions
                {
                    Duration = TimeSpan.FromSeconds(parseResult.GetValue(seconds)),
                    Warmup = TimeSpan.FromSeconds(parseResult.GetValue(warmup)),
                    Connections = parseResult.GetValue(connections),
                    Postgres = server,
                    Redis = parseResult.GetValue(redis)!,
                    SwitchyardPath = Path.GetFullPath(parseResult.GetValue(switchyard) ?? RepoPaths.DefaultSwitchyard(RepoPaths.FindRoot())),
                }, Console.Out, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                Console.Error.WriteLine("Interrupted: every process started has been stopped.");
                return 130;
            }
            finally
            {
                ProcessTracker.KillAll();
            }
        });
        return fleet;
    }

    /// <summary><c>scan</c>: the scanner's throughput and memory (bench/scan.sh), in process; no servers are started.</summary>
    private static Command CreateScanCommand(string[] args)
    {
        var size = new Option<double>("--size-gib") { Description = "Size of the big safetensors and GGUF files in GiB (default 2; a second safetensors file is a quarter of it).", DefaultValueFactory = _ => 2 };
        var pickleMb = new Option<int>("--pickle-mb") { Description = "Size of the generated state_dict pickle in MB (default 64).", DefaultValueFactory = _ => 64 };
        var runs = new Option<int>("--runs") { Description = "Alternating runs per measurement; medians are reported (default 3).", DefaultValueFactory = _ => 3 };
        var output = new Option<string?>("--output") { Description = "Where to write the Markdown report (default: bench/results/scan-latest.md)." };
        var command = new Option<string?>("--command") { Description = "The command line to record in the report (bench/scan.sh passes its own).", Hidden = true };
        var scan = new Command("scan", "Scanner throughput against SHA-256 alone, pickle analysis speed and memory, on generated multi-GiB files.")
        {
            size, pickleMb, runs, output, command,
        };
        scan.SetAction((parseResult, cancellationToken) =>
        {
            // Checked here rather than in a validator: validators see unset options as 0, not as their defaults.
            var problems = new List<string>();
            if (parseResult.GetValue(size) is < 0.01 or > 64)
            {
                problems.Add("--size-gib must be between 0.01 and 64.");
            }
            if (parseResult.GetValue(pickleMb) is < 1 or > 1000)
            {
                problems.Add("--pickle-mb must be between 1 and 1000 (the scanner analyses pickles up to 1 GiB).");
            }
            if (parseResult.GetValue(runs) < 1)
            {
                problems.Add("--runs must be at least 1.");
            }
            foreach (var problem in problems)
            {
                Console.Error.WriteLine(problem);
            }
            return problems.Count > 0 ? Task.FromResult(2) : RunScanBenchAsync(parseResult, cancellationToken);
        });
        return scan;

        Task<int> RunScanBenchAsync(ParseResult parseResult, CancellationToken cancellationToken) => new ScanBench(new ScanBenchOptions
        {
            Bytes = (long)(parseResult.GetValue(size) * (1L << 30)),
            PickleBytes = parseResult.GetValue(pickleMb) * 1_000_000L,
            Runs = parseResult.GetValue(runs),
            OutputPath = Path.GetFullPath(parseResult.GetValue(output) ?? Path.Combine(RepoPaths.FindRoot(), "bench", "results", "scan-latest.md")),
            CommandLine = parseResult.GetValue(command) ?? "dotnet Switchyard.Bench.dll " + string.Join(' ', args),
        }).RunAsync(cancellationToken);
    }
}
