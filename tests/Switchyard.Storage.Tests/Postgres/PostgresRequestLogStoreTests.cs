using System.Diagnostics;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Tests.Internal;
using Switchyard.Storage.Tests.Sql;
using Xunit.Abstractions;

namespace Switchyard.Storage.Tests.Postgres;

/// <summary>The shared request log tests on PostgreSQL, and its write rate.</summary>
public sealed class PostgresRequestLogStoreTests(ITestOutputHelper output) : RequestLogStoreTests(new PostgresHarness())
{
    [StoreFact]
    public async Task WriteBatchAsync_ManyRows_ReportsCopyRate()
    {
        // A measurement, not a timed assertion: the rate goes to the test output (dotnet test --logger "console;verbosity=detailed").
        await using var store = await OpenLogAsync();
        const int Rows = 50_000;
        const int BatchSize = 512;
        var entries = Enumerable.Range(0, Rows).Select(n => TestEntries.Create(n)).ToArray();
        await store.WriteBatchAsync(entries[..BatchSize], CancellationToken.None); // warm-up: JIT, the connection, the temp tables

        var stopwatch = Stopwatch.StartNew();
        for (var offset = BatchSize; offset < Rows; offset += BatchSize)
        {
            await store.WriteBatchAsync(entries[offset..Math.Min(offset + BatchSize, Rows)], CancellationToken.None);
        }

        stopwatch.Stop();
        output.WriteLine($"Copied {Rows - BatchSize:N0} rows in batches of {BatchSize} in {stopwatch.Elapsed.TotalMilliseconds:N0} ms: {(Rows - BatchSize) / stopwatch.Elapsed.TotalSeconds:N0} rows/s");
        var read = await store.QueryAsync(new RequestLogQuery { Limit = 1 }, CancellationToken.None);
        Assert.Equal($"req-{Rows - 1}", Assert.Single(read).RequestId);
    }
}
