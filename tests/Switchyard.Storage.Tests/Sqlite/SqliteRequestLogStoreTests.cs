using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;
using Switchyard.Storage.Sqlite.Internal;
using Switchyard.Storage.Tests.Internal;
using Xunit.Abstractions;

namespace Switchyard.Storage.Tests.Sqlite;

public sealed class SqliteRequestLogStoreTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task WriteBatchAsync_EveryField_RoundTrips()
    {
        await using var store = await OpenAsync();
        var full = new RequestLogEntry
        {
            Timestamp = new DateTimeOffset(2026, 11, 21, 10, 15, 30, 123, TimeSpan.Zero),
            RequestId = "req-full",
            Endpoint = "chat.completions",
            Route = "chat",
            Deployment = "llama-vllm",
            Attempts = 3,
            Status = 502,
            Stream = true,
            LatencyMs = 1234.5678,
            TimeToFirstTokenMs = 87.25,
            InputTokens = 1500,
            OutputTokens = 321,
            ErrorType = "upstream_error",
            ErrorMessage = "every deployment of route 'chat' failed: 'quoted', ünïcødé",
            Tier = "frontier",
            Label = "code",
            Confidential = "pii: email",
            FallbackReason = "llama-a: timeout",
            AttemptsJson = "[{\"deployment\":\"llama-a\"}]",
            QualityScore = 0.25,
            QualityFailed = "refusal,truncated",
            EscalatedFrom = "llama-a",
            Rule = "router",
            RouterScore = 0.8125,
            CostUsd = 0.0012345,
            ExtraCostUsd = 0.00004,
            BaselineCostUsd = 0.0123,
            UsageEstimated = true,
        };
        var sparse = new RequestLogEntry
        {
            Timestamp = full.Timestamp.AddSeconds(1),
            RequestId = "req-sparse",
            Endpoint = "embeddings",
        };

        await store.WriteBatchAsync([full, sparse], CancellationToken.None);
        var read = await store.QueryAsync(new RequestLogQuery(), CancellationToken.None);

        Assert.Equal([sparse, full], read);
    }

    [Fact]
    public async Task WriteBatchAsync_SplitCostsAndTheirParts_RoundTrip()
    {
        await using var store = await OpenAsync();
        RequestCostPart[] parts =
        [
            new() { Kind = CostKind.Escalated, Deployment = "llama", Tier = "open", InputTokens = 120, OutputTokens = 40, CachedTokens = 64, CostUsd = 0.0002 },
            new() { Kind = CostKind.Check, Deployment = "judge", InputTokens = 300, OutputTokens = 20, ReasoningTokens = 12, CostUsd = 0.0003 },
            new() { Kind = CostKind.Failed, Deployment = "llama-b", Tier = "open", InputTokens = 120, OutputTokens = 3, Estimated = true },
        ];
        var entry = new RequestLogEntry
        {
            Timestamp = new DateTimeOffset(2026, 11, 21, 10, 15, 30, 123, TimeSpan.Zero),
            RequestId = "req-parts",
            Endpoint = "chat.completions",
            Route = "chat",
            Deployment = "gpt",
            Status = 200,
            InputTokens = 120,
            OutputTokens = 80,
            CachedTokens = 100,
            ReasoningTokens = 30,
            CostUsd = 0.001,
            ExtraCostUsd = 0.0005,
            EscalatedCostUsd = 0.0002,
            ChecksCostUsd = 0.0003,
            FailedCostUsd = 0,
            CostEstimated = true,
            CostParts = parts,
        };

        await store.WriteBatchAsync([entry, TestEntries.Create(1)], CancellationToken.None);
        var read = (await store.QueryAsync(new RequestLogQuery { Route = "chat" }, CancellationToken.None)).Single(e => e.RequestId == "req-parts");

        Assert.Equal(parts, read.CostParts);
        Assert.Equal(entry with { CostParts = null }, read with { CostParts = null });
    }

    [Fact]
    public async Task SummarizeCosts_PartsCountUnderTheirDeploymentAndRowsBeforeTheSplitUnderTheAnswering()
    {
        await using var store = await OpenAsync();
        var at = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        await store.WriteBatchAsync(
        [
            new() { Timestamp = at, RequestId = "new", Endpoint = "chat.completions", Route = "chat", Deployment = "gpt", Tier = "frontier", Status = 200, InputTokens = 100, OutputTokens = 10, CostUsd = 0.01, ExtraCostUsd = 0.003, EscalatedCostUsd = 0.002, ChecksCostUsd = 0.001, FailedCostUsd = 0, BaselineCostUsd = 0.01,
                CostParts = [new() { Kind = CostKind.Escalated, Deployment = "llama", Tier = "open", InputTokens = 100, OutputTokens = 30, CostUsd = 0.002 }, new() { Kind = CostKind.Check, Deployment = "judge", InputTokens = 200, OutputTokens = 5, CostUsd = 0.001 }] },
            // Logged before costs were split: its extra has no kind and stays under the deployment that answered.
            new() { Timestamp = at, RequestId = "old", Endpoint = "chat.completions", Route = "chat", Deployment = "gpt", Tier = "frontier", Status = 200, InputTokens = 50, OutputTokens = 5, CostUsd = 0.005, ExtraCostUsd = 0.0007, BaselineCostUsd = 0.005 },
        ], CancellationToken.None);

        var byDeployment = store.SummarizeCosts([CostDimension.Deployment], null, null).ToDictionary(r => r.Keys[0]);
        var total = Assert.Single(store.SummarizeCosts([], null, null));

        Assert.Equal(["gpt", "judge", "llama"], byDeployment.Keys);
        Assert.Equal((2L, 0.015, 0.0007), (byDeployment["gpt"].Requests, byDeployment["gpt"].Cost, byDeployment["gpt"].UnsplitExtraCost));
        Assert.Equal((0L, 0.002, 130L), (byDeployment["llama"].Requests, byDeployment["llama"].EscalatedCost, byDeployment["llama"].InputTokens + byDeployment["llama"].OutputTokens));
        Assert.Equal(0.001, byDeployment["judge"].ChecksCost, 12);
        Assert.Equal(0.015 + 0.003 + 0.0007, total.Spent, 12);
        Assert.Equal(total.Spent, byDeployment.Values.Sum(r => r.Spent), 12);
        Assert.Equal(2, total.Requests);
    }

    [Fact]
    public async Task WriteBatchAsync_NonUtcOffsetAndSubMillisecond_StoresUtcMilliseconds()
    {
        await using var store = await OpenAsync();
        var local = new DateTimeOffset(2026, 11, 21, 12, 0, 0, 5, TimeSpan.FromHours(2)).AddTicks(4321);

        await store.WriteBatchAsync([TestEntries.Create(0) with { Timestamp = local }], CancellationToken.None);
        var read = Assert.Single(await store.QueryAsync(new RequestLogQuery(), CancellationToken.None));

        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 0, 0, 5, TimeSpan.Zero), read.Timestamp);
        Assert.Equal(TimeSpan.Zero, read.Timestamp.Offset);
    }

    [Fact]
    public async Task QueryAsync_NoFilter_ReturnsNewestFirstAndSameMillisecondByInsertionOrder()
    {
        await using var store = await OpenAsync();
        // Written out of time order, and two entries in the same millisecond.
        var sameTime = TestEntries.Create(5) with { RequestId = "req-5b" };
        await store.WriteBatchAsync([TestEntries.Create(3), TestEntries.Create(5), TestEntries.Create(1)], CancellationToken.None);
        await store.WriteBatchAsync([sameTime, TestEntries.Create(2)], CancellationToken.None);

        var read = await store.QueryAsync(new RequestLogQuery(), CancellationToken.None);

        Assert.Equal(["req-5b", "req-5", "req-3", "req-2", "req-1"], read.Select(e => e.RequestId));
    }

    [Fact]
    public async Task QueryAsync_Limit_ReturnsThatManyNewest()
    {
        await using var store = await OpenAsync();
        await store.WriteBatchAsync([.. Enumerable.Range(0, 20).Select(n => TestEntries.Create(n))], CancellationToken.None);

        var read = await store.QueryAsync(new RequestLogQuery { Limit = 3 }, CancellationToken.None);

        Assert.Equal(["req-19", "req-18", "req-17"], read.Select(e => e.RequestId));
    }

    [Fact]
    public async Task QueryAsync_RouteFilter_ReturnsOnlyThatRoute()
    {
        await using var store = await SeedAsync();

        var read = await store.QueryAsync(new RequestLogQuery { Route = "code" }, CancellationToken.None);

        Assert.Equal(["req-5", "req-4", "req-1"], read.Select(e => e.RequestId));
    }

    [Fact]
    public async Task QueryAsync_DeploymentFilter_ReturnsOnlyThatDeployment()
    {
        await using var store = await SeedAsync();

        var read = await store.QueryAsync(new RequestLogQuery { Deployment = "gpt" }, CancellationToken.None);

        Assert.Equal(["req-5", "req-2"], read.Select(e => e.RequestId));
    }

    [Fact]
    public async Task QueryAsync_ErrorsOnly_ReturnsStatus400AndAbove()
    {
        await using var store = await SeedAsync();

        var read = await store.QueryAsync(new RequestLogQuery { ErrorsOnly = true }, CancellationToken.None);

        Assert.Equal(["req-4", "req-3"], read.Select(e => e.RequestId));
    }

    [Fact]
    public async Task QueryAsync_EscalatedOnly_ReturnsRequestsThatEscalated()
    {
        await using var store = await OpenAsync();
        var at = new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
        await store.WriteBatchAsync(
        [
            new RequestLogEntry { Timestamp = at, RequestId = "kept", Endpoint = "chat.completions", QualityScore = 1 },
            new RequestLogEntry { Timestamp = at.AddSeconds(1), RequestId = "escalated", Endpoint = "chat.completions", QualityScore = 1, EscalatedFrom = "llama" },
            new RequestLogEntry { Timestamp = at.AddSeconds(2), RequestId = "ungated", Endpoint = "chat.completions" },
        ], CancellationToken.None);

        var read = await store.QueryAsync(new RequestLogQuery { EscalatedOnly = true }, CancellationToken.None);

        Assert.Equal(["escalated"], read.Select(e => e.RequestId));
    }

    [Fact]
    public async Task QueryAsync_Status_ReturnsOnlyThatStatus()
    {
        await using var store = await SeedAsync();

        var read = await store.QueryAsync(new RequestLogQuery { Status = 429 }, CancellationToken.None);

        Assert.Equal("req-3", Assert.Single(read).RequestId);
    }

    [Fact]
    public async Task QueryAsync_Since_IncludesTheBoundAndLater()
    {
        await using var store = await SeedAsync();

        var read = await store.QueryAsync(new RequestLogQuery { Since = TestEntries.Start.AddSeconds(3) }, CancellationToken.None);

        Assert.Equal(["req-5", "req-4", "req-3"], read.Select(e => e.RequestId));
    }

    [Fact]
    public async Task QueryAsync_SinceInAnotherOffset_ComparesInstants()
    {
        await using var store = await SeedAsync();
        var sinceInParis = TestEntries.Start.AddSeconds(4).ToOffset(TimeSpan.FromHours(1));

        var read = await store.QueryAsync(new RequestLogQuery { Since = sinceInParis }, CancellationToken.None);

        Assert.Equal(["req-5", "req-4"], read.Select(e => e.RequestId));
    }

    [Fact]
    public async Task QueryAsync_FiltersCombined_AppliesAll()
    {
        await using var store = await SeedAsync();

        var read = await store.QueryAsync(
            new RequestLogQuery { Route = "code", ErrorsOnly = true, Since = TestEntries.Start.AddSeconds(2) },
            CancellationToken.None);

        Assert.Equal("req-4", Assert.Single(read).RequestId);
    }

    [Fact]
    public async Task QueryAsync_FilterValueLooksLikeSql_IsTreatedAsAValue()
    {
        await using var store = await SeedAsync();

        var read = await store.QueryAsync(new RequestLogQuery { Route = "chat' OR '1'='1" }, CancellationToken.None);

        Assert.Empty(read);
    }

    [Fact]
    public async Task QueryAsync_LimitZero_Throws()
    {
        await using var store = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.QueryAsync(new RequestLogQuery { Limit = 0 }, CancellationToken.None));
    }

    [Fact]
    public async Task WriteBatchAsync_OneRowFails_KeepsNoRowOfTheBatch()
    {
        await using var store = await OpenAsync();
        RequestLogEntry broken = TestEntries.Create(2) with { RequestId = null! };

        await Assert.ThrowsAsync<SqliteException>(
            () => store.WriteBatchAsync([TestEntries.Create(0), TestEntries.Create(1), broken], CancellationToken.None));
        await store.WriteBatchAsync([TestEntries.Create(3)], CancellationToken.None);

        var read = await store.QueryAsync(new RequestLogQuery(), CancellationToken.None);
        Assert.Equal("req-3", Assert.Single(read).RequestId);
    }

    [Fact]
    public async Task WriteBatchAsync_DatabaseLockedByAnotherWriter_ThrowsBusy()
    {
        await using var store = await OpenAsync(busyTimeout: TimeSpan.FromMilliseconds(50));
        await using var locker = OpenLocker();

        var error = await Assert.ThrowsAsync<SqliteException>(() => store.WriteBatchAsync([TestEntries.Create(0)], CancellationToken.None));

        Assert.Equal(5, error.SqliteErrorCode); // SQLITE_BUSY
    }

    [Fact]
    public async Task WriteBatchAsync_BeforeInitialize_Throws()
    {
        await using var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = _directory.DatabasePath }, TimeProvider.System);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteBatchAsync([TestEntries.Create(0)], CancellationToken.None));
    }

    [Fact]
    public async Task InitializeAsync_FolderMissing_CreatesFolderAndFile()
    {
        var path = Path.Combine(_directory.Path, "a", "b", "switchyard.db");
        await using var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = path }, TimeProvider.System);

        await store.InitializeAsync(CancellationToken.None);

        Assert.True(File.Exists(path));
        Assert.Equal(path, store.DatabasePath);
    }

    [Fact]
    public async Task InitializeAsync_Connection_UsesWalNormalSyncBusyTimeoutAndForeignKeys()
    {
        await using var store = await OpenAsync();
        await using var connection = SqliteConnectionFactory.Open(new SqliteStoreOptions { Path = _directory.DatabasePath });

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
        await using var store = await OpenAsync();
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

    private async Task<SqliteRequestLogStore> OpenAsync(TimeSpan? busyTimeout = null)
    {
        var options = new SqliteStoreOptions { Path = _directory.DatabasePath };
        if (busyTimeout is { } timeout)
        {
            options = options with { BusyTimeout = timeout };
        }

        var store = new SqliteRequestLogStore(options, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    // req-0 chat/llama 200, req-1 code/llama 200, req-2 chat/gpt 200, req-3 chat/llama 429, req-4 code/llama 503, req-5 code/gpt 200
    private async Task<SqliteRequestLogStore> SeedAsync()
    {
        var store = await OpenAsync();
        await store.WriteBatchAsync(
            [
                TestEntries.Create(0),
                TestEntries.Create(1, route: "code"),
                TestEntries.Create(2, deployment: "gpt"),
                TestEntries.Create(3, status: 429),
                TestEntries.Create(4, route: "code", status: 503),
                TestEntries.Create(5, route: "code", deployment: "gpt"),
            ],
            CancellationToken.None);
        return store;
    }

    private SqliteConnection OpenLocker()
    {
        var connection = new SqliteConnection($"Data Source={_directory.DatabasePath};Pooling=False");
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
