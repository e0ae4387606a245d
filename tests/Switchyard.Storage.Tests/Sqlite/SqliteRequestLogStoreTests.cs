using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;
using Switchyard.Storage.Sqlite.Internal;
using Switchyard.Storage.Tests.Internal;
using Switchyard.Storage.Tests.Sql;
using Xunit.Abstractions;

namespace Switchyard.Storage.Tests.Sqlite;

/// <summary>The shared request log tests on SQLite, and what only SQLite has (locks, pragmas, the file).</summary>
public sealed class SqliteRequestLogStoreTests(ITestOutputHelper output) : RequestLogStoreTests(new SqliteHarness())
{
    private string DatabasePath => Path.Combine(Harness.Folder, "switchyard.db");

    [Fact]
    public async Task WriteBatchAsync_DatabaseLockedByAnotherWriter_ThrowsBusy()
    {
        await using var store = await OpenSqliteAsync(busyTimeout: TimeSpan.FromMilliseconds(50));
        await using var locker = OpenLocker();

        var error = await Assert.ThrowsAsync<SqliteException>(() => store.WriteBatchAsync([TestEntries.Create(0)], CancellationToken.None));

        Assert.Equal(5, error.SqliteErrorCode); // SQLITE_BUSY
    }

    [Fact]
    public async Task WriteBatchAsync_BeforeInitialize_Throws()
    {
        await using var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = DatabasePath }, TimeProvider.System);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteBatchAsync([TestEntries.Create(0)], CancellationToken.None));
    }

    [Fact]
    public async Task InitializeAsync_FolderMissing_CreatesFolderAndFile()
    {
        var path = Path.Combine(Harness.Folder, "a", "b", "switchyard.db");
        await using var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = path }, TimeProvider.System);

        await store.InitializeAsync(CancellationToken.None);

        Assert.True(File.Exists(path));
        Assert.Equal(path, store.DatabasePath);
    }

    [Fact]
    public async Task InitializeAsync_Connection_UsesWalNormalSyncBusyTimeoutAndForeignKeys()
    {
        await using var store = await OpenSqliteAsync();
        await using var connection = SqliteConnectionFactory.Open(new SqliteStoreOptions { Path = DatabasePath });

        Assert.Equal("wal", Pragma(connection, "journal_mode"));
        Assert.Equal(1L, Pragma(connection, "synchronous")); // NORMAL
        Assert.Equal(5000L, Pragma(connection, "busy_timeout"));
        Assert.Equal(1L, Pragma(connection, "foreign_keys"));
    }

    [Fact]
    public async Task Constructor_InvalidOptions_ReportsEveryProblem()
    {
        var error = Assert.Throws<ArgumentException>(
            () => new SqliteRequestLogStore(new SqliteStoreOptions { Path = " ", BusyTimeout = TimeSpan.Zero }, TimeProvider.System));

        Assert.Contains("Path", error.Message, StringComparison.Ordinal);
        Assert.Contains("BusyTimeout", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task WriteBatchAsync_ManyRows_ReportsInsertRate()
    {
        // A measurement, not a timed assertion: the rate goes to the test output (dotnet test --logger "console;verbosity=detailed").
        await using var store = await OpenSqliteAsync();
        const int Rows = 200_000;
        const int BatchSize = 512;
        var entries = Enumerable.Range(0, Rows).Select(n => TestEntries.Create(n)).ToArray();
        await store.WriteBatchAsync(entries[..BatchSize], CancellationToken.None); // warm-up: JIT and page cache

        var stopwatch = Stopwatch.StartNew();
        for (var offset = BatchSize; offset < Rows; offset += BatchSize)
        {
            await store.WriteBatchAsync(entries[offset..Math.Min(offset + BatchSize, Rows)], CancellationToken.None);
        }

        stopwatch.Stop();
        var rate = (Rows - BatchSize) / stopwatch.Elapsed.TotalSeconds;
        output.WriteLine($"Inserted {Rows - BatchSize:N0} rows in batches of {BatchSize} in {stopwatch.Elapsed.TotalMilliseconds:N0} ms: {rate:N0} rows/s");
        var read = await store.QueryAsync(new RequestLogQuery { Limit = 1 }, CancellationToken.None);
        Assert.Equal($"req-{Rows - 1}", Assert.Single(read).RequestId);
    }

    private async Task<SqliteRequestLogStore> OpenSqliteAsync(TimeSpan? busyTimeout = null)
    {
        var options = new SqliteStoreOptions { Path = DatabasePath };
        if (busyTimeout is { } timeout)
        {
            options = options with { BusyTimeout = timeout };
        }

        var store = new SqliteRequestLogStore(options, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private SqliteConnection OpenLocker()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "BEGIN EXCLUSIVE;";
        command.ExecuteNonQuery();
        return connection;
    }

    private static object? Pragma(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return command.ExecuteScalar();
    }
}
