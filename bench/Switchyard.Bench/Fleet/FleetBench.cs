using System.Globalization;
using Switchyard.Bench.Load;
using Switchyard.Bench.Net;
using Switchyard.Bench.Postgres;
using Switchyard.Bench.Processes;
using Switchyard.Bench.Reporting;
using Switchyard.Bench.Targets;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Internal;

namespace Switchyard.Bench.Fleet;

/// <summary>
/// <c>fleet</c> mode: the gateway's throughput and latency configured for a fleet (<c>storage: postgres</c> for keys and
/// the request log, <c>limits: redis</c>) against the embedded defaults (SQLite, limits counted in memory), in one run.
/// Both are <c>switchyard serve</c> processes in front of one simulator answering at once, called by wrk with a client
/// key whose team has requests and tokens per minute and a daily budget, all far above the load: every request checks
/// and counts its limits and reserves and settles its budget where its configuration says, and nothing is refused.
/// </summary>
/// <remarks>
/// <code>
/// simulate --profile instant ─► per side: keys create --config ─► serve ─► answers? ─► wrk warm-up (N connections)
///   at 1 connection, then at N: wrk on embedded, shared, shared, embedded (half the time each: drift cancels)
///   stop both (their request logs drain) ─► tables and ratios ─► drop the schema, delete the Redis prefix's keys
/// </code>
/// Nothing is pinned: the gateways share the machine with wrk, the simulator, PostgreSQL and Redis, as the shared side's
/// servers must run somewhere. Compare the two sides within one run.
/// </remarks>
internal static class FleetBench
{
    /// <summary>The environment variable the shared side's configuration reads its connection string from (no secret in a file).</summary>
    private const string PostgresVariable = "SWITCHYARD_BENCH_POSTGRES";

    private static readonly TimeSpan KeysTimeout = TimeSpan.FromSeconds(60);

    private enum Side
    {
        Embedded,
        Shared,
    }

    public static async Task<int> RunAsync(FleetBenchOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var wrk = Tool.Find("wrk");
        if (wrk is null)
        {
            output.WriteLine("wrk is not installed: `apt-get install -y wrk` (bench/run.sh does).");
            return 2;
        }

        if (!File.Exists(options.SwitchyardPath))
        {
            output.WriteLine($"{options.SwitchyardPath} does not exist: build it with `dotnet build -c Release src/Switchyard.Cli`.");
            return 2;
        }

        if (RedisEndpoint.TryParse(options.Redis, out var redis) is { } problem)
        {
            output.WriteLine($"--redis '{options.Redis}' {problem}.");
            return 2;
        }

        var redisUrl = options.Redis.Contains("://", StringComparison.Ordinal) ? options.Redis : "redis://" + options.Redis;
        var prefix = "bench-" + Guid.NewGuid().ToString("N")[..8] + ":";
        await using var redisConnection = (StackExchange.Redis.ConnectionMultiplexer)await RedisConnector.ConnectAsync(redis!, TimeSpan.FromSeconds(2));
        if (!redisConnection.IsConnected)
        {
            output.WriteLine($"Redis at {redis} does not answer: start one (scripts/test.sh does) and give its address with --redis or SWITCHYARD_TEST_REDIS.");
            return 2;
        }

        BenchSchema schema;
        try
        {
            schema = await BenchSchema.CreateAsync(options.Postgres);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or ArgumentException)
        {
            output.WriteLine($"PostgreSQL ({options.Postgres}) could not be used: {e.Message}. Give a server with --postgres or SWITCHYARD_TEST_POSTGRES (scripts/postgres.sh start DIR prints one).");
            return 2;
        }

        // COMPAT: as in bench/run.sh, the servers run as links named sybench-*, so a colleague's `pkill switchyard` on a
        // shared machine does not stop them mid-run (BenchRunner says more).
        var scratch = Directory.CreateTempSubdirectory("sybench-fleet-").FullName;
        var succeeded = false;
        var started = new List<ChildProcess>();
        try
        {
            var bin = Directory.CreateDirectory(Path.Combine(scratch, "bin")).FullName;
            var simulate = File.CreateSymbolicLink(Path.Combine(bin, "sybench-simulate"), options.SwitchyardPath).FullName;
            var serve = File.CreateSymbolicLink(Path.Combine(bin, "sybench-serve"), options.SwitchyardPath).FullName;
            Environment.SetEnvironmentVariable(PostgresVariable, schema.ConnectionString);

            var upstreamPort = FreePort.Next();
            var upstream = ChildProcess.Start("switchyard simulate", simulate, ["simulate", "--profile", "instant", "--host", "127.0.0.1", "--port", upstreamPort.ToString(CultureInfo.InvariantCulture)], Path.Combine(scratch, "simulate.log"), core: null, scratch);
            started.Add(upstream);
            await ReadinessProbe.WaitAsync(upstream, new TargetEndpoint(new Uri($"http://127.0.0.1:{upstreamPort}/v1/chat/completions"), "bench-model", []), cancellationToken);

            var gateways = new Dictionary<Side, (ChildProcess Process, TargetEndpoint Endpoint)>();
            foreach (var side in (Side[])[Side.Embedded, Side.Shared])
            {
                var gateway = await StartGatewayAsync(side, serve, scratch, upstreamPort, redisUrl, prefix, cancellationToken);
                started.Add(gateway.Process);
                gateways[side] = gateway;
            }

            var machine = MachineInfo.Read();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Gateway throughput, embedded defaults against a fleet's shared state: {options.Duration.TotalSeconds:0} s per side at each load (halves run A B B A) after {options.Warmup.TotalSeconds:0} s of warm-up at {options.Connections} connections; {machine.LogicalCpus} CPUs ({machine.CpuModel}), {machine.Dotnet}, PostgreSQL {schema.Description}, Redis {redisConnection.GetServers()[0].Version} at {redis}, Release={BuildInfo.IsRelease}."));
            output.WriteLine();
            var load = new WrkRunner(wrk, core: null, scratch);
            foreach (var side in (Side[])[Side.Embedded, Side.Shared])
            {
                if (options.Warmup > TimeSpan.Zero)
                {
                    await load.RunAsync(gateways[side].Endpoint, options.Connections, options.Warmup, cancellationToken);
                }
            }

            var results = new List<(Side Side, int Connections, Measured Figures)>();
            foreach (var connections in (int[])[1, options.Connections])
            {
                var rounds = new Dictionary<Side, List<(WrkResult Run, TimeSpan Cpu)>> { [Side.Embedded] = [], [Side.Shared] = [] };
                foreach (var side in (Side[])[Side.Embedded, Side.Shared, Side.Shared, Side.Embedded])
                {
                    var (process, endpoint) = gateways[side];
                    var cpu = ProcStats.CpuTime(process.Id) ?? TimeSpan.Zero;
                    var run = await load.RunAsync(endpoint, connections, options.Duration / 2, cancellationToken);
                    rounds[side].Add((run, (ProcStats.CpuTime(process.Id) ?? TimeSpan.Zero) - cpu));
                }

                results.Add((Side.Embedded, connections, Measured.Of(rounds[Side.Embedded])));
                results.Add((Side.Shared, connections, Measured.Of(rounds[Side.Shared])));
            }

            Report(output, results);
            succeeded = true;
            return 0;
        }
        catch (InvalidOperationException e) when (!cancellationToken.IsCancellationRequested)
        {
            output.WriteLine($"The run failed: {e.Message}");
            output.WriteLine($"The servers' logs are kept in {scratch}.");
            return 1;
        }
        finally
        {
            // Gateways first (SIGTERM: their request logs drain), the simulator last.
            for (var i = started.Count - 1; i >= 0; i--)
            {
                await started[i].DisposeAsync();
            }

            Environment.SetEnvironmentVariable(PostgresVariable, null);
            await schema.DisposeAsync();
            var server = redisConnection.GetServers()[0];
            await foreach (var key in server.KeysAsync(redis!.Database, prefix + "*"))
            {
                await redisConnection.GetDatabase(redis.Database).KeyDeleteAsync(key);
            }

            if (succeeded)
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private static async Task<(ChildProcess Process, TargetEndpoint Endpoint)> StartGatewayAsync(
        Side side, string serve, string scratch, int upstreamPort, string redisUrl, string prefix, CancellationToken cancellationToken)
    {
        var dir = Directory.CreateDirectory(Path.Combine(scratch, side == Side.Embedded ? "embedded" : "shared")).FullName;
        var port = FreePort.Next();
        var config = Path.Combine(dir, "gateway.yaml");
        var state = side == Side.Embedded
            ? $"storage: {{ kind: sqlite, path: {Path.Combine(dir, "bench.db")} }}"
            : $$"""
                storage: { kind: postgres, connection_string: "${{{PostgresVariable}}}", spill: { path: {{Path.Combine(dir, "request-log.spill")}} } }
                limits: { kind: redis, url: "{{redisUrl}}", prefix: "{{prefix}}" }
                """;
        // Limits far above the load (a hundred million requests a minute, a million dollars a day): each request is counted
        // and settled against them, and none is refused.
        await File.WriteAllTextAsync(config, $$"""
            server: { listen: http://127.0.0.1:{{port}} }
            {{state}}
            request_log: { enabled: true }
            auth: { keys: required }
            registry: { enforce: off }    # the simulator serves no registered model: the benchmark measures the gateway
            providers:
              sim: { kind: openai, base_url: http://127.0.0.1:{{upstreamPort}}/v1 }
            deployments:
              sim-model: { provider: sim, model: bench-model, context_window: 8192, pricing: { input: 0.1, output: 0.1 } }
            routes:
              bench: { deployments: [sim-model] }
            teams:
              bench: { rpm: 100000000, tpm: 1000000000 }
            budgets:
              bench-daily: { team: bench, limit: 1000000, per: day }

            """, cancellationToken);

        var created = Tool.Run(serve, ["keys", "create", "--config", config, "--team", "bench", "--rpm", "100000000", "--tpm", "1000000000"], KeysTimeout);
        var key = created?.Output.Split('\n', StringSplitOptions.TrimEntries).FirstOrDefault(l => l.StartsWith("sy_", StringComparison.Ordinal));
        if (created is not { ExitCode: 0 } || key is null)
        {
            throw new InvalidOperationException($"`switchyard keys create --config {config}` failed: {(created is null ? "it did not finish within a minute" : created.Output + created.Error)}");
        }

        var process = ChildProcess.Start($"switchyard serve ({side.ToString().ToLowerInvariant()})", serve, ["serve", "--config", config], Path.Combine(dir, "serve.log"), core: null, dir);
        var endpoint = new TargetEndpoint(new Uri($"http://127.0.0.1:{port}/v1/chat/completions"), "bench", [], key);
        try
        {
            await ReadinessProbe.WaitAsync(process, endpoint, cancellationToken);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return (process, endpoint);
    }

    private static void Report(TextWriter output, List<(Side Side, int Connections, Measured Figures)> results)
    {
        output.WriteLine("| gateway | connections | requests/s | p50 ms | p99 ms | gateway CPU µs/request | errors |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var (side, connections, m) in results)
        {
            var name = side == Side.Embedded ? "embedded: SQLite, limits in memory" : "shared: PostgreSQL, limits: redis";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {connections} | {m.RequestsPerSecond:N0} | {m.P50Ms:0.000} | {m.P99Ms:0.000} | {m.CpuMicrosPerRequest:N1} | {(m.Errors == 0 ? "0" : m.ErrorDetail)} |"));
        }

        output.WriteLine();
        output.WriteLine("| shared / embedded | requests/s | p50 | p99 | gateway CPU/request |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var group in results.GroupBy(r => r.Connections))
        {
            var embedded = group.Single(r => r.Side == Side.Embedded).Figures;
            var shared = group.Single(r => r.Side == Side.Shared).Figures;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key} connection{(group.Key == 1 ? "" : "s")} | {shared.RequestsPerSecond / embedded.RequestsPerSecond:0.00}x | {shared.P50Ms / embedded.P50Ms:0.00}x | {shared.P99Ms / embedded.P99Ms:0.00}x | {shared.CpuMicrosPerRequest / embedded.CpuMicrosPerRequest:0.00}x |"));
        }

        output.WriteLine();
        // serve completes sockets inline on SQLite and on the thread pool on PostgreSQL, unless the variable says otherwise
        // (the gateways inherit this process's environment): docs/decisions/0004, amended.
        var set = Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS");
        static string How(bool inline) => inline ? "inline" : "on the thread pool";
        output.WriteLine("p50 and p99: the two halves' percentiles weighted by their requests. Gateway CPU: the serve process's only (PostgreSQL's and");
        output.WriteLine($"Redis's work is not in it). Socket completions: embedded {How(set is null || set == "1")}, shared {How(set == "1")} (docs/decisions/0004).");
    }

    /// <summary>One side's figures at one load, from its two halves.</summary>
    private sealed record Measured(double RequestsPerSecond, double P50Ms, double P99Ms, double CpuMicrosPerRequest, long Errors, string ErrorDetail)
    {
        public static Measured Of(List<(WrkResult Run, TimeSpan Cpu)> halves)
        {
            var weight = Math.Max(1, halves.Sum(h => h.Run.Requests));
            // The halves last equally long: their mean rate is the side's.
            return new Measured(
                halves.Average(h => h.Run.RequestsPerSecond),
                halves.Sum(h => h.Run.P50Ms * h.Run.Requests) / weight,
                halves.Sum(h => h.Run.P99Ms * h.Run.Requests) / weight,
                halves.Sum(h => h.Cpu.TotalMicroseconds) / weight,
                halves.Sum(h => h.Run.Errors),
                string.Join("; ", halves.Select(h => h.Run.ErrorDetail()).Where(d => d.Length > 0)));
        }
    }
}
