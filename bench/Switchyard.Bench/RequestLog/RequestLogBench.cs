using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Bench.Postgres;
using Switchyard.Storage;
using Switchyard.Storage.Postgres;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Bench.RequestLog;

/// <summary>
/// <c>request-log</c> mode: the gateway's request log writer (the same bounded queue, batches and stores as
/// <c>switchyard serve</c>) fed at a steady rate, by default 5,000 rows a second, into a SQLite file and into PostgreSQL in
/// one run: the rate written, what the queue held at most, rows dropped, how long the last rows took to be written after
/// the load stopped, and the writer's CPU and allocations per row. In-process; no network but PostgreSQL's.
/// </summary>
internal static class RequestLogBench
{
    // Rows are offered every 10 ms, as requests finishing spread over time would be (not in one burst a second).
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    public static async Task<int> RunAsync(int rate, int seconds, string? postgres, TextWriter output, CancellationToken cancellationToken)
    {
        postgres ??= Environment.GetEnvironmentVariable("SWITCHYARD_TEST_POSTGRES");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Request log writer fed {rate:N0} rows/s for {seconds} s (batches of 512, queue of 10,000), Release={BuildInfo.IsRelease}."));
        output.WriteLine();
        output.WriteLine("| store | offered rows/s | written rows/s | dropped | failed | most queued | last row written after | CPU µs/row | bytes allocated/row |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");

        var folder = Path.Combine(Path.GetTempPath(), "switchyard-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            Row(output, "SQLite (WAL, synchronous=NORMAL)", await MeasureAsync(StorageOptions.ForSqlite(Path.Combine(folder, "bench.db")), rate, seconds, cancellationToken));
            if (postgres is null)
            {
                output.WriteLine("| PostgreSQL | not measured: pass --postgres CONNECTION_STRING (or set SWITCHYARD_TEST_POSTGRES; scripts/postgres.sh start DIR prints one) | | | | | | | |");
                return 0;
            }

            await using var schema = await BenchSchema.CreateAsync(postgres);
            var options = new StorageOptions
            {
                Postgres = new PostgresStoreOptions { ConnectionString = schema.ConnectionString },
                Spill = new RequestLogSpillOptions { Path = Path.Combine(folder, "bench.spill") },
            };
            Row(output, $"PostgreSQL (binary COPY, {schema.Description})", await MeasureAsync(options, rate, seconds, cancellationToken));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        output.WriteLine();
        output.WriteLine("\"last row written after\": from the last row offered to the writer having written everything (the flush interval is 500 ms).");
        return 0;
    }

    private static async Task<Result> MeasureAsync(StorageOptions options, int rate, int seconds, CancellationToken cancellationToken)
    {
        await using var stores = await Stores.OpenAsync(options, TimeProvider.System, cancellationToken);
        await using var store = stores.CreateRequestLogStore();
        await store.InitializeAsync(cancellationToken);
        var entries = Entries(4096);
        await using var writer = new RequestLogWriter(store, new RequestLogWriterOptions(), NullLogger<RequestLogWriter>.Instance, TimeProvider.System);

        // Warm-up: JIT, the connection, the statements.
        for (var i = 0; i < 1024; i++)
        {
            writer.TryWrite(entries[i]);
        }

        await writer.FlushAsync(cancellationToken);
        var before = writer.Snapshot();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        var offered = 0L;
        var mostQueued = 0;
        using (var timer = new PeriodicTimer(Tick))
        {
            var total = (long)rate * seconds;
            while (offered < total && await timer.WaitForNextTickAsync(cancellationToken))
            {
                // As many as the elapsed time asks for: a late tick catches up rather than lowering the rate.
                var due = Math.Min(total, (long)(stopwatch.Elapsed.TotalSeconds * rate));
                for (; offered < due; offered++)
                {
                    writer.TryWrite(entries[offered % entries.Length] with { RequestId = "bench-" + offered.ToString(CultureInfo.InvariantCulture) });
                }

                mostQueued = Math.Max(mostQueued, writer.QueueDepth);
            }
        }

        var offeredFor = stopwatch.Elapsed;
        await writer.FlushAsync(cancellationToken);
        var drained = stopwatch.Elapsed - offeredFor;
        var after = writer.Snapshot();
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var written = after.Written - before.Written;
        return new Result(offered / offeredFor.TotalSeconds, written / stopwatch.Elapsed.TotalSeconds, after.Dropped - before.Dropped, after.FailedRows - before.FailedRows,
            mostQueued, drained, cpuUsed.TotalMicroseconds / Math.Max(1, offered), (double)bytes / Math.Max(1, offered));
    }

    private static void Row(TextWriter output, string store, Result r) => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {store} | {r.Offered:N0} | {r.Written:N0} | {r.Dropped:N0} | {r.Failed:N0} | {r.MostQueued:N0} | {r.Drained.TotalMilliseconds:N0} ms | {r.CpuMicrosPerRow:N1} | {r.BytesPerRow:N0} |"));

    // Rows shaped like the gateway's: a routed chat completion with tokens, costs, a tier and an attempt; one in twenty
    // escalated with its cost parts.
    private static RequestLogEntry[] Entries(int count)
    {
        var start = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(0, count).Select(n => new RequestLogEntry
        {
            Timestamp = start.AddMilliseconds(n),
            RequestId = "bench",
            Endpoint = "chat.completions",
            Route = n % 3 == 0 ? "code" : "chat",
            Deployment = n % 20 == 0 ? "gpt" : "llama-vllm",
            Tier = n % 20 == 0 ? "frontier" : "open",
            Label = "general",
            Rule = "default",
            Attempts = 1,
            Status = 200,
            Stream = n % 2 == 0,
            LatencyMs = 180 + (n % 97),
            TimeToFirstTokenMs = 40 + (n % 13),
            InputTokens = 350 + (n % 200),
            OutputTokens = 120 + (n % 300),
            CostUsd = 0.00042 + (n % 7 * 0.00001),
            BaselineCostUsd = 0.0031,
            KeyId = "sy_abcdefghij",
            Team = "search",
            AttemptsJson = """[{"deployment":"llama-vllm","outcome":"ok","ms":180}]""",
            EscalatedFrom = n % 20 == 0 ? "llama-vllm" : null,
            ExtraCostUsd = n % 20 == 0 ? 0.0002 : null,
            EscalatedCostUsd = n % 20 == 0 ? 0.0002 : null,
            CostParts = n % 20 == 0 ? [new RequestCostPart { Kind = CostKind.Escalated, Deployment = "llama-vllm", Tier = "open", InputTokens = 350, OutputTokens = 90, CostUsd = 0.0002 }] : null,
        })];
    }

    private readonly record struct Result(double Offered, double Written, long Dropped, long Failed, int MostQueued, TimeSpan Drained, double CpuMicrosPerRow, double BytesPerRow);
}
