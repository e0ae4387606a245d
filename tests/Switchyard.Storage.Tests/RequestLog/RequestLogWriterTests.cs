using Microsoft.Data.Sqlite;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.RequestLog;

public sealed class RequestLogWriterTests
{
    // Upper bound for awaiting a signal; tests finish far sooner.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly RecordingLogger<RequestLogWriter> _logger = new();

    [Fact]
    public async Task TryWrite_TenThousandEntries_WritesAllInOrderInFewerTransactions()
    {
        var store = new FakeRequestLogStore();
        await using var writer = NewWriter(store, new RequestLogWriterOptions { Capacity = 20_000, BatchSize = 500 });

        for (var n = 0; n < 10_000; n++)
        {
            Assert.True(writer.TryWrite(TestEntries.Create(n)));
        }

        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(10_000, writer.Written);
        Assert.Equal(10_000, writer.Enqueued);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(n => $"req-{n}"), store.Rows.Select(e => e.RequestId));
        Assert.InRange(store.Calls, 20, 9_999);
        Assert.All(store.BatchSizes, size => Assert.InRange(size, 1, 500));
        Assert.Equal(new RequestLogWriterStats(10_000, 10_000, 0, 0, 0, 0), writer.Snapshot());
    }

    [Fact]
    public async Task TryWrite_QueueFull_DropsTheNewestEntryAndCountsIt()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = new FakeRequestLogStore { Gate = gate };
        await using var writer = NewWriter(store, new RequestLogWriterOptions { Capacity = 4, BatchSize = 1 });

        Assert.True(writer.TryWrite(TestEntries.Create(0)));
        await store.FirstCallStarted.WaitAsync(Timeout); // entry 0 is in a write held at the gate; the queue is empty
        for (var n = 1; n <= 4; n++)
        {
            Assert.True(writer.TryWrite(TestEntries.Create(n)));
        }

        var accepted = writer.TryWrite(TestEntries.Create(5));

        Assert.False(accepted);
        Assert.Equal(1, writer.Dropped);
        Assert.Equal(4, writer.QueueDepth);
        gate.SetResult();
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(["req-0", "req-1", "req-2", "req-3", "req-4"], store.Rows.Select(e => e.RequestId));
        var warning = Assert.Single(_logger.WithEventId(2002));
        Assert.Contains("1 entries dropped", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryWrite_DatabaseLockedByAnotherConnection_ReturnsAtOnceCountsFailuresAndRecoversAfterRelease()
    {
        using var directory = new TempDirectory();
        await using var sqlite = new SqliteRequestLogStore(
            new SqliteStoreOptions { Path = directory.DatabasePath, BusyTimeout = TimeSpan.FromMilliseconds(100) },
            TimeProvider.System);
        await sqlite.InitializeAsync(CancellationToken.None);
        var store = new FakeRequestLogStore { Inner = sqlite };
        var options = new RequestLogWriterOptions
        {
            // Batches of exactly 5: full ones go at once, and nothing goes by the interval, only by FlushAsync.
            BatchSize = 5,
            FlushInterval = TimeSpan.FromHours(1),
            MaxRetries = 1,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        };
        await using var writer = NewWriter(store, options);

        await using (var locker = new SqliteConnection($"Data Source={directory.DatabasePath};Pooling=False"))
        {
            locker.Open();
            using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE;";
                begin.ExecuteNonQuery();
            }

            for (var n = 0; n < 5; n++)
            {
                Assert.True(writer.TryWrite(TestEntries.Create(n)));
            }

            await store.FirstCallStarted.WaitAsync(Timeout);
            // The writer task is inside a store call that waits on the lock; the request path does not notice.
            for (var n = 5; n < 10; n++)
            {
                Assert.True(writer.TryWrite(TestEntries.Create(n)));
            }

            await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

            Assert.Equal(0, writer.Written);
            Assert.Equal(10, writer.FailedRows);
            Assert.Equal(2, writer.FailedBatches);
            Assert.Equal(4, store.Calls); // two batches, each tried twice
            Assert.Equal(2, _logger.WithEventId(2000).Count);
            var failures = _logger.WithEventId(2001);
            Assert.Equal(2, failures.Count);
            Assert.All(failures, f => Assert.Equal(5, Assert.IsType<SqliteException>(f.Exception).SqliteErrorCode));
            // Disposing the connection rolls its transaction back and releases the lock.
        }

        for (var n = 10; n < 13; n++)
        {
            Assert.True(writer.TryWrite(TestEntries.Create(n)));
        }

        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(3, writer.Written);
        var stored = await sqlite.QueryAsync(new RequestLogQuery(), CancellationToken.None);
        Assert.Equal(["req-12", "req-11", "req-10"], stored.Select(e => e.RequestId));
    }

    [Fact]
    public async Task WriteBatch_StoreThrowsIOException_CountsLogsAndKeepsWriting()
    {
        var store = new FakeRequestLogStore { Fail = call => call == 1 ? new IOException("No space left on device") : null };
        await using var writer = NewWriter(store, new RequestLogWriterOptions { MaxRetries = 3 });

        writer.TryWrite(TestEntries.Create(0));
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(1, writer.FailedBatches);
        Assert.Equal(1, writer.FailedRows);
        Assert.Equal(1, store.Calls); // not transient: no retry
        Assert.IsType<IOException>(Assert.Single(_logger.WithEventId(2001)).Exception);

        writer.TryWrite(TestEntries.Create(1));
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(1, writer.Written);
        Assert.Equal("req-1", Assert.Single(store.Rows).RequestId);
    }

    [Fact]
    public async Task WriteBatch_TransientErrorsThenSuccess_RetriesAndWrites()
    {
        var store = new FakeRequestLogStore { Fail = call => call <= 2 ? new SqliteException("database is locked", 5) : null };
        await using var writer = NewWriter(store, new RequestLogWriterOptions { MaxRetries = 3, RetryBaseDelay = TimeSpan.FromMilliseconds(1) });

        writer.TryWrite(TestEntries.Create(0));
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(1, writer.Written);
        Assert.Equal(0, writer.FailedBatches);
        Assert.Equal(3, store.Calls);
        Assert.Equal(2, _logger.WithEventId(2000).Count);
    }

    [Fact]
    public async Task WriteBatch_TransientErrorsPersist_DropsTheBatchAfterBoundedRetries()
    {
        var store = new FakeRequestLogStore { Fail = _ => new SqliteException("database table is locked", 6) };
        await using var writer = NewWriter(store, new RequestLogWriterOptions { MaxRetries = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(1) });

        writer.TryWrite(TestEntries.Create(0));
        writer.TryWrite(TestEntries.Create(1));
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(3, store.Calls);
        Assert.Equal(1, writer.FailedBatches);
        Assert.Equal(2, writer.FailedRows);
        Assert.Contains("after 3 attempts", Assert.Single(_logger.WithEventId(2001)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteBatch_LoggerThrows_WriterSurvivesAndKeepsWriting()
    {
        _logger.ThrowOnLog = true;
        var store = new FakeRequestLogStore { Fail = call => call == 1 ? new IOException("I/O error") : null };
        await using var writer = NewWriter(store, new RequestLogWriterOptions());

        writer.TryWrite(TestEntries.Create(0));
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);
        writer.TryWrite(TestEntries.Create(1));
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(1, writer.FailedRows);
        Assert.Equal(1, writer.Written);
        Assert.Equal("req-1", Assert.Single(store.Rows).RequestId);
    }

    [Fact]
    public async Task PartialBatch_FlushIntervalPasses_IsWrittenWithoutAFlushCall()
    {
        var clock = new ManualTimeProvider(TestEntries.Start);
        var store = new FakeRequestLogStore();
        await using var writer = new RequestLogWriter(
            store,
            new RequestLogWriterOptions { BatchSize = 100, FlushInterval = TimeSpan.FromSeconds(1) },
            _logger,
            clock);

        var armed = clock.NextTimerArmed();
        writer.TryWrite(TestEntries.Create(0));
        await armed.WaitAsync(Timeout); // the entry started a batch and its flush timer

        Assert.Equal(0, store.Calls);
        clock.Advance(TimeSpan.FromSeconds(1));
        await store.FirstBatchStored.WaitAsync(Timeout);
        Assert.Equal("req-0", Assert.Single(store.Rows).RequestId);
    }

    [Fact]
    public async Task PartialBatch_FlushTimerFiresALittleEarly_IsStillWritten()
    {
        // Real timers run on a millisecond clock and may fire just before the Stopwatch says the interval has passed.
        // The writer used to go back to sleep then, with nothing left to wake it: the batch waited for the next entry.
        var clock = new ManualTimeProvider(TestEntries.Start) { TimerLead = TimeSpan.FromMilliseconds(1) };
        var store = new FakeRequestLogStore();
        await using var writer = new RequestLogWriter(
            store,
            new RequestLogWriterOptions { BatchSize = 100, FlushInterval = TimeSpan.FromMilliseconds(20) },
            _logger,
            clock);

        var armed = clock.NextTimerArmed();
        writer.TryWrite(TestEntries.Create(0));
        await armed.WaitAsync(Timeout);

        var rearmed = clock.NextTimerArmed();
        clock.Advance(TimeSpan.FromMilliseconds(19)); // the timer fires 1 ms early
        await rearmed.WaitAsync(TimeSpan.FromSeconds(5)); // the writer arms it again for what is left
        clock.Advance(TimeSpan.FromMilliseconds(1));

        await store.FirstBatchStored.WaitAsync(Timeout);
        Assert.Equal("req-0", Assert.Single(store.Rows).RequestId);
    }

    [Fact]
    public async Task FullBatch_ArrivesWhileCollecting_IsWrittenWithoutWaitingForTheTimer()
    {
        // The clock never advances: only a full batch can wake the writer.
        var clock = new ManualTimeProvider(TestEntries.Start);
        var store = new FakeRequestLogStore();
        await using var writer = new RequestLogWriter(
            store,
            new RequestLogWriterOptions { BatchSize = 10, FlushInterval = TimeSpan.FromHours(1) },
            _logger,
            clock);

        var armed = clock.NextTimerArmed();
        writer.TryWrite(TestEntries.Create(0));
        await armed.WaitAsync(Timeout); // the writer took the first entry and is collecting
        for (var n = 1; n < 10; n++)
        {
            writer.TryWrite(TestEntries.Create(n));
        }

        await store.FirstBatchStored.WaitAsync(Timeout);
        Assert.Equal(10, store.Rows.Count);
    }

    [Fact]
    public async Task WriteBatch_QueueBackedUp_WritesFlatOutAndYieldsOnlyWhenKeepingUp()
    {
        // The first batch is held in the store while a backlog of more than a batch builds up behind it.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = new FakeRequestLogStore { Gate = gate };
        await using var writer = NewWriter(store, new RequestLogWriterOptions { Capacity = 1_000, BatchSize = 10 });
        for (var n = 0; n < 10; n++)
        {
            writer.TryWrite(TestEntries.Create(n));
        }

        await store.FirstCallStarted.WaitAsync(Timeout);
        for (var n = 10; n < 60; n++)
        {
            writer.TryWrite(TestEntries.Create(n));
        }

        gate.SetResult();
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        var flags = store.YieldFlags;
        Assert.True(flags[0]); // nothing waiting behind the first batch
        Assert.False(flags[1]); // 40 entries still queued behind the second: catch up first
        Assert.True(flags[^1]); // the last one leaves the queue empty
        Assert.Equal(60, writer.Written);
    }

    [Fact]
    public async Task DisposeAsync_EntriesQueued_WritesThemAll()
    {
        var store = new FakeRequestLogStore();
        // A clock that never moves: nothing is written because of the flush interval, only because of the drain.
        var writer = new RequestLogWriter(
            store,
            new RequestLogWriterOptions { BatchSize = 1_000, FlushInterval = TimeSpan.FromHours(1) },
            _logger,
            new ManualTimeProvider(TestEntries.Start));
        for (var n = 0; n < 2_500; n++)
        {
            writer.TryWrite(TestEntries.Create(n));
        }

        await writer.DisposeAsync().AsTask().WaitAsync(Timeout);

        Assert.Equal(2_500, writer.Written);
        Assert.Equal(2_500, store.Rows.Count);
        Assert.Equal(0, writer.Dropped);
    }

    [Fact]
    public async Task DisposeAsync_StoreHangs_ReturnsAfterDrainTimeoutAndCountsTheRest()
    {
        var store = new FakeRequestLogStore { Gate = new TaskCompletionSource() }; // never opens
        var writer = NewWriter(store, new RequestLogWriterOptions { BatchSize = 1, DrainTimeout = TimeSpan.FromMilliseconds(50) });
        writer.TryWrite(TestEntries.Create(0));
        await store.FirstCallStarted.WaitAsync(Timeout);
        writer.TryWrite(TestEntries.Create(1));
        writer.TryWrite(TestEntries.Create(2));

        await writer.DisposeAsync().AsTask().WaitAsync(Timeout);
        // Pending flushes are answered when the writer task has stopped.
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Single(_logger.WithEventId(2004));
        Assert.Equal(1, writer.FailedRows); // the batch at the gate was cancelled
        Assert.Equal(2, writer.Dropped); // the queue behind it was abandoned
        Assert.Equal(0, writer.QueueDepth);
    }

    [Fact]
    public async Task TryWrite_AfterDispose_ReturnsFalseAndCountsADrop()
    {
        var writer = NewWriter(new FakeRequestLogStore(), new RequestLogWriterOptions());
        await writer.DisposeAsync();

        Assert.False(writer.TryWrite(TestEntries.Create(0)));
        Assert.Equal(1, writer.Dropped);
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);
        await writer.DisposeAsync(); // twice is harmless
    }

    [Fact]
    public async Task TryWrite_Null_ReturnsFalseAndCountsADrop()
    {
        await using var writer = NewWriter(new FakeRequestLogStore(), new RequestLogWriterOptions());

        Assert.False(writer.TryWrite(null!));
        Assert.Equal(1, writer.Dropped);
    }

    [Fact]
    public async Task FlushAsync_NothingQueued_Completes()
    {
        var store = new FakeRequestLogStore();
        await using var writer = NewWriter(store, new RequestLogWriterOptions());

        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(0, store.Calls);
    }

    [Fact]
    public void Constructor_InvalidOptions_ReportsEveryProblem()
    {
        var options = new RequestLogWriterOptions { Capacity = 0, BatchSize = 0, FlushInterval = TimeSpan.Zero, MaxRetries = -1 };

        var error = Assert.Throws<ArgumentException>(() => NewWriter(new FakeRequestLogStore(), options));

        Assert.Contains("Capacity", error.Message, StringComparison.Ordinal);
        Assert.Contains("BatchSize", error.Message, StringComparison.Ordinal);
        Assert.Contains("FlushInterval", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRetries", error.Message, StringComparison.Ordinal);
    }

    private RequestLogWriter NewWriter(IRequestLogStore store, RequestLogWriterOptions options) =>
        new(store, options, _logger, TimeProvider.System);
}
