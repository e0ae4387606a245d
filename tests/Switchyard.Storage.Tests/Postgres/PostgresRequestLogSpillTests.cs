using System.Data.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Switchyard.Storage.Postgres;
using Switchyard.Storage.Postgres.Internal;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Postgres;

/// <summary>
/// The request log when PostgreSQL goes away mid-load: a TCP proxy in front of the real server is cut and restored, and
/// every row must end up in the table once, in order, within the spill file's bound; beyond it, the loss is counted.
/// </summary>
public sealed class PostgresRequestLogSpillTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly PostgresHarness _harness = new();
    private TcpProxy? _proxy;

    private TcpProxy Proxy => _proxy!;

    public async Task InitializeAsync()
    {
        await _harness.InitializeAsync();
        var server = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString);
        _proxy = new TcpProxy(server.Host!, server.Port);
    }

    public async Task DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [StoreFact]
    public async Task RequestLogWriter_PostgresCutMidLoad_SpillsAndThenWritesEveryRowOnceInOrder()
    {
        await using var stores = await OpenAsync();
        var store = (PostgresRequestLogStore)stores.CreateRequestLogStore();
        await store.InitializeAsync(CancellationToken.None);
        await using var writer = new RequestLogWriter(store, new RequestLogWriterOptions { BatchSize = 100, MaxRetries = 0 }, NullLogger<RequestLogWriter>.Instance, TimeProvider.System);

        await WriteAsync(writer, 0, 1000);
        Proxy.Cut();
        await WriteAsync(writer, 1000, 2000);
        var down = store.SpillStats();
        await WriteAsync(writer, 2000, 2500);
        Proxy.Restore();
        // The replay has not caught up yet, or just has: either way these go behind what waits, never before it.
        await WriteAsync(writer, 2500, 3000);
        await store.WhenSpillEmptyAsync().WaitAsync(Patience);

        Assert.Equal((1000L, 1000L, 0L), (down.PendingRows, down.Spilled, down.Lost));
        Assert.True(down.Unavailable);
        Assert.True(down.Bytes > 0);
        var stats = writer.Snapshot();
        Assert.Equal((3000L, 0L, 0L), (stats.Written, stats.FailedRows, stats.Dropped));
        var after = store.SpillStats();
        Assert.Equal((0L, 0L, 0L), (after.PendingRows, after.Bytes, after.Lost));
        Assert.Equal(after.Spilled, after.Replayed);
        Assert.Equal([.. Enumerable.Range(0, 3000).Select(n => $"req-{n}")], await RequestIdsAsync());
    }

    [StoreFact]
    public async Task RequestLogWriter_SpillFileAtItsBound_CountsTheLostRowsAndWritesTheRest()
    {
        await using var stores = await OpenAsync(maxSpillBytes: 64 * 1024);
        var store = (PostgresRequestLogStore)stores.CreateRequestLogStore();
        await store.InitializeAsync(CancellationToken.None);
        await using var writer = new RequestLogWriter(store, new RequestLogWriterOptions { BatchSize = 50, MaxRetries = 0 }, NullLogger<RequestLogWriter>.Instance, TimeProvider.System);

        await WriteAsync(writer, 0, 100);
        Proxy.Cut();
        await WriteAsync(writer, 100, 1100);
        var down = store.SpillStats();
        Proxy.Restore();
        await store.WhenSpillEmptyAsync().WaitAsync(Patience);

        var stats = writer.Snapshot();
        Assert.True(down.Lost > 0, "1,000 rows of about 400 bytes each do not fit in 64 KiB");
        Assert.True(down.Spilled > 0);
        Assert.Equal(1000, down.Spilled + down.Lost);
        Assert.True(down.Bytes <= 64 * 1024);
        // The writer counts the lost rows as failed (switchyard_request_log_failed_total); the rest as written.
        Assert.Equal((down.Lost, 100 + down.Spilled), (stats.FailedRows, stats.Written));
        var ids = await RequestIdsAsync();
        Assert.Equal(100 + down.Spilled, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.OrderBy(id => int.Parse(id[4..], System.Globalization.CultureInfo.InvariantCulture)), ids);
    }

    [StoreFact]
    public async Task InitializeAsync_SpillFileFromAnEarlierRun_WritesItsRowsOnceEvenThoseAlreadyIn()
    {
        // The batch that committed but whose acknowledgement was lost: in the table and in the spill file, same keys.
        await using var stores = await OpenAsync();
        var first = (PostgresRequestLogStore)stores.CreateRequestLogStore();
        await first.InitializeAsync(CancellationToken.None);
        var committed = Entries(0, 100);
        await first.WriteBatchAsync(committed, CancellationToken.None);
        await first.DisposeAsync();
        var keys = await LogKeysAsync();
        using (var spill = SpillFile.Open(_harness.Options.Spill))
        {
            Assert.True(spill.TryAppend(committed, keys));
            Assert.True(spill.TryAppend(Entries(100, 150), [.. Enumerable.Range(0, 50).Select(_ => Guid.CreateVersion7())]));
        }

        var second = (PostgresRequestLogStore)stores.CreateRequestLogStore();
        await second.InitializeAsync(CancellationToken.None);
        await second.WhenSpillEmptyAsync().WaitAsync(Patience);
        var replayed = second.SpillStats();
        await second.DisposeAsync();

        Assert.Equal([.. Enumerable.Range(0, 150).Select(n => $"req-{n}")], await RequestIdsAsync());
        Assert.Equal((150L, 0L), (replayed.Replayed, replayed.Lost));
    }

    [StoreFact]
    public async Task WriteBatchAsync_RowPostgresRefuses_FailsTheBatchWithoutSpillingIt()
    {
        await using var stores = await OpenAsync();
        var store = (PostgresRequestLogStore)stores.CreateRequestLogStore();
        await store.InitializeAsync(CancellationToken.None);

        await Assert.ThrowsAnyAsync<DbException>(() => store.WriteBatchAsync([TestEntries.Create(0) with { RequestId = null! }], CancellationToken.None));

        Assert.Equal((0L, 0L), (store.SpillStats().PendingRows, store.SpillStats().Spilled));
        await store.WriteBatchAsync([TestEntries.Create(1) with { ErrorMessage = "upstream sent \0 in its error" }], CancellationToken.None);
        var read = Assert.Single(await store.QueryAsync(new RequestLogQuery(), CancellationToken.None));
        Assert.Equal("upstream sent \uFFFD in its error", read.ErrorMessage);
        await store.DisposeAsync();
    }

    private async Task<Stores> OpenAsync(long maxSpillBytes = RequestLogSpillOptions.DefaultMaxBytes)
    {
        var options = _harness.Options;
        var throughProxy = new NpgsqlConnectionStringBuilder(_harness.ConnectionString) { Host = "127.0.0.1", Port = Proxy.Port };
        return await Stores.OpenAsync(options with
        {
            Postgres = options.Postgres! with { ConnectionString = throughProxy.ConnectionString },
            Spill = options.Spill with { MaxBytes = maxSpillBytes },
        }, TimeProvider.System);
    }

    private static RequestLogEntry[] Entries(int from, int to) => [.. Enumerable.Range(from, to - from).Select(n => TestEntries.Create(n))];

    private static async Task WriteAsync(RequestLogWriter writer, int from, int to)
    {
        foreach (var entry in Entries(from, to))
        {
            Assert.True(writer.TryWrite(entry));
        }

        await writer.FlushAsync(CancellationToken.None).WaitAsync(Patience);
    }

    private async Task<List<string>> RequestIdsAsync()
    {
        await using var connection = new NpgsqlConnection(_harness.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT request_id FROM request_log ORDER BY id;", connection);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private async Task<List<Guid>> LogKeysAsync()
    {
        await using var connection = new NpgsqlConnection(_harness.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT log_key FROM request_log ORDER BY id;", connection);
        var keys = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetGuid(0));
        }

        return keys;
    }
}
