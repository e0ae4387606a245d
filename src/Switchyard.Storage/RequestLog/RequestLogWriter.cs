using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Switchyard.Storage.Internal;

namespace Switchyard.Storage.RequestLog;

/// <summary>
/// Takes request log entries on the request path without waiting and writes them to an <see cref="IRequestLogStore"/> in
/// batches from one background task.
/// </summary>
/// <remarks>
/// <code>
/// request path ──TryWrite──► bounded channel (Capacity) ──► writer task: batch of ≤ BatchSize, or what arrived
///   (never waits;             full: the new entry is          within FlushInterval, or a FlushAsync request
///    full → Dropped++)        dropped and counted               │
///                                                               ▼
///                                     store.WriteBatchAsync ── ok ──► Written += n
///                                        │ transient (locked): retry MaxRetries times, backoff RetryBaseDelay × 2^k
///                                        └ still failing, or not transient: FailedBatches++, FailedRows += n, logged, dropped
/// </code>
/// <para>
/// Store failures never reach the request path and never stop the writer task. The writer does not own the store: the
/// caller initialises it before and disposes it after the writer. The store sees a batch only during its
/// <see cref="IRequestLogStore.WriteBatchAsync(IReadOnlyList{RequestLogEntry}, bool, CancellationToken)"/> call (the list is reused).
/// </para>
/// <para>
/// Every accepted entry ends in exactly one of <see cref="Written"/>, <see cref="FailedRows"/> or (abandoned at a shutdown
/// that timed out) <see cref="Dropped"/>; <see cref="Dropped"/> also counts entries never accepted.
/// </para>
/// </remarks>
public sealed partial class RequestLogWriter : IAsyncDisposable
{
    // At most one "queue full" warning per interval: under sustained overload one per batch would flood the log.
    private static readonly TimeSpan DropReportInterval = TimeSpan.FromSeconds(10);

    // A fault outside the store call is a bug; pausing keeps a persistent one from spinning a core.
    private static readonly TimeSpan FaultPause = TimeSpan.FromSeconds(1);

    private readonly IRequestLogStore _store;
    private readonly RequestLogWriterOptions _options;
    private readonly ILogger<RequestLogWriter> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Channel<RequestLogEntry> _channel;
    private readonly ConcurrentQueue<TaskCompletionSource> _flushRequests = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _flushTimer;
    private readonly List<RequestLogEntry> _batch;
    private readonly Task _loop;

    private TaskCompletionSource _wake = NewSignal();
    private long _batchStartedAt;
    private long _lastDropReportAt;
    private bool _dropsReportedBefore;
    private long _droppedReported;

    private long _enqueued;

    // PERF: while a batch is collecting, the writer sleeps until the flush timer, or until this many entries have been
    // enqueued (a full batch waits), rather than waking for every entry: one wake-up per batch, not one per request.
    private long _wakeAtEnqueued = long.MaxValue;
    private long _written;
    private long _dropped;
    private long _failedRows;
    private long _failedBatches;
    private int _loopExited;
    private int _disposed;

    /// <summary>Creates the writer and starts its background task.</summary>
    /// <param name="store">An initialised store; not disposed by the writer.</param>
    /// <param name="options">Queue and batching settings.</param>
    /// <param name="logger">Receives store failures and dropped-entry warnings (event ids 2000-2019).</param>
    /// <param name="timeProvider">The clock for flush intervals, retry backoff and the drain timeout.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public RequestLogWriter(
        IRequestLogStore store,
        RequestLogWriterOptions options,
        ILogger<RequestLogWriter> logger,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid request log writer options: " + string.Join(" ", errors), nameof(options));
        }

        _store = store;
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider;
        _batch = new List<RequestLogEntry>(options.BatchSize);

        // FullMode only governs WriteAsync, which is never called here: TryWrite on a full bounded channel fails at once.
        _channel = Channel.CreateBounded<RequestLogEntry>(new BoundedChannelOptions(options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });

        _flushTimer = timeProvider.CreateTimer(static state => ((RequestLogWriter)state!).Wake(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _stopping.Token.UnsafeRegister(static state => ((RequestLogWriter)state!).Wake(), this);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Entries accepted into the queue.</summary>
    public long Enqueued => Interlocked.Read(ref _enqueued);

    /// <summary>Entries the store committed.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Entries lost without a store attempt: queue full, writer disposed, or abandoned by a shutdown that timed out.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Entries in batches that the store failed to write (after retries).</summary>
    public long FailedRows => Interlocked.Read(ref _failedRows);

    /// <summary>Batches that the store failed to write (after retries).</summary>
    public long FailedBatches => Interlocked.Read(ref _failedBatches);

    /// <summary>Entries waiting in the queue (not those in the batch being written).</summary>
    public int QueueDepth => _channel.Reader.Count;

    /// <summary>Reads every counter.</summary>
    public RequestLogWriterStats Snapshot() => new(Enqueued, Written, Dropped, FailedRows, FailedBatches, QueueDepth);

    /// <summary>
    /// Queues <paramref name="entry"/> for writing. Never blocks, never throws, allocates nothing beyond the queue's own slot.
    /// </summary>
    /// <returns>
    /// <see langword="true"/> if queued; <see langword="false"/> if dropped and counted in <see cref="Dropped"/>: the queue
    /// is full (the policy is drop-newest: the entries already queued are kept, this one is lost), the writer is disposed, or
    /// <paramref name="entry"/> is <see langword="null"/>.
    /// </returns>
    public bool TryWrite(RequestLogEntry entry)
    {
        // Drop rather than wait: the request path must never wait for the disk, and a request log that loses entries under
        // overload is better than a gateway whose latency follows the disk. The drop is counted and reported by the writer
        // task, never logged here.
        if (entry is not null && _channel.Writer.TryWrite(entry))
        {
            if (Interlocked.Increment(ref _enqueued) >= Volatile.Read(ref _wakeAtEnqueued))
            {
                Wake();
            }

            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>
    /// Completes when every entry queued before this call has been written or has failed (and been counted). Completes at
    /// once after the writer has stopped.
    /// </summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var request = NewSignal();
        _flushRequests.Enqueue(request);
        Wake();
        // The writer task answers pending requests when it exits; one that arrives after that is answered here. Enqueue is a
        // full fence, so either this read sees the exit or the exiting task sees the request.
        if (Volatile.Read(ref _loopExited) != 0)
        {
            CompleteFlushRequests();
        }

        return request.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Stops accepting entries and waits up to <see cref="RequestLogWriterOptions.DrainTimeout"/> for the queued ones to be
    /// written. If the store is still busy then, the writer task is told to stop: the batch in flight (if the store honours
    /// cancellation) counts as failed, the rest of the queue as <see cref="Dropped"/>, and this method returns without
    /// waiting further.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _channel.Writer.TryComplete();
        Wake();
        try
        {
            await _loop.WaitAsync(_options.DrainTimeout, _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.DrainTimedOut(_logger, _options.DrainTimeout, QueueDepth);
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        if (_loop.IsCompleted)
        {
            _stopping.Dispose();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Wake() => Volatile.Read(ref _wake).TrySetResult();

    // Only the writer task replaces the signal. Exchange is a full fence: a FlushAsync that signalled the old one enqueued its
    // request before this, so the check of the flush queue that follows sees it.
    private Task ArmWake()
    {
        var wake = Volatile.Read(ref _wake);
        if (wake.Task.IsCompleted)
        {
            wake = NewSignal();
            Interlocked.Exchange(ref _wake, wake);
        }

        return wake.Task;
    }

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                try
                {
                    await DrainAsync().ConfigureAwait(false);
                    return;
                }
                catch (Exception exception)
                {
                    TryLog(static (logger, e) => Log.LoopFaulted(logger, e), exception);
                    try
                    {
                        await Task.Delay(FaultPause, _timeProvider, _stopping.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // Stopping: DrainAsync sees it and exits.
                    }
                }
            }
        }
        finally
        {
            Exit();
        }
    }

    // Returns when the channel is completed and empty, or when stopping is requested.
    private async Task DrainAsync()
    {
        var reader = _channel.Reader;
        Task<bool>? dataAvailable = null;
        while (!_stopping.IsCancellationRequested)
        {
            var wake = ArmWake();
            if (!_flushRequests.IsEmpty)
            {
                await FlushRequestedAsync(reader).ConfigureAwait(false);
                continue;
            }

            while (_batch.Count < _options.BatchSize && reader.TryRead(out var entry))
            {
                Add(entry);
            }

            if (_batch.Count == _options.BatchSize
                || (_batch.Count > 0 && _timeProvider.GetElapsedTime(_batchStartedAt) >= _options.FlushInterval))
            {
                await WriteBatchAsync().ConfigureAwait(false);
                continue;
            }

            if (reader.Completion.IsCompleted)
            {
                if (_batch.Count > 0)
                {
                    await WriteBatchAsync().ConfigureAwait(false);
                }

                return;
            }

            if (_batch.Count > 0)
            {
                // A batch is collecting: sleep until the flush timer, a full batch's worth of entries, a flush request or
                // shutdown. Entries enqueued between the read above and this store are caught by the timer at the latest.
                // The timer is armed again for what is left of the interval: it runs on a coarser clock than
                // GetTimestamp and may have fired a little early, and a wake for another reason may have used it up.
                var left = _options.FlushInterval - _timeProvider.GetElapsedTime(_batchStartedAt);
                _flushTimer.Change(left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
                Volatile.Write(ref _wakeAtEnqueued, Enqueued + (_options.BatchSize - _batch.Count));
                await wake.ConfigureAwait(false);
                Volatile.Write(ref _wakeAtEnqueued, long.MaxValue);
                continue;
            }

            // Nothing collecting: wait for the first entry, a flush request or shutdown. The pending read wait is kept
            // across iterations so that waking for another reason does not leave one behind.
            dataAvailable ??= reader.WaitToReadAsync().AsTask();
            await Task.WhenAny(dataAvailable, wake).ConfigureAwait(false);
            if (dataAvailable.IsCompleted)
            {
                dataAvailable = null;
            }
        }
    }

    private void Add(RequestLogEntry entry)
    {
        if (_batch.Count == 0)
        {
            _batchStartedAt = _timeProvider.GetTimestamp();
            _flushTimer.Change(_options.FlushInterval, Timeout.InfiniteTimeSpan);
        }

        _batch.Add(entry);
    }

    private async Task FlushRequestedAsync(ChannelReader<RequestLogEntry> reader)
    {
        var requests = new List<TaskCompletionSource>();
        while (_flushRequests.TryDequeue(out var request))
        {
            requests.Add(request);
        }

        try
        {
            // Everything queued before those FlushAsync calls is in the batch or among the first Count entries of the
            // queue now; entries behind them are not waited for, so a flush ends even under steady load.
            var pending = reader.Count;
            while (pending > 0 && !_stopping.IsCancellationRequested && reader.TryRead(out var entry))
            {
                pending--;
                Add(entry);
                if (_batch.Count == _options.BatchSize)
                {
                    await WriteBatchAsync().ConfigureAwait(false);
                }
            }

            if (_batch.Count > 0)
            {
                await WriteBatchAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            // Even if the loop faulted: the entries were written or counted as failed, so the callers may go on.
            foreach (var request in requests)
            {
                request.TrySetResult();
            }
        }
    }

    private async Task WriteBatchAsync()
    {
        _flushTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var rows = _batch.Count;
        var attempt = 1;
        try
        {
            while (true)
            {
                try
                {
                    await _store.WriteBatchAsync(_batch, yieldToRequests: QueueDepth < _options.BatchSize, _stopping.Token).ConfigureAwait(false);
                    Interlocked.Add(ref _written, rows);
                    return;
                }
                catch (Exception exception) when (attempt <= _options.MaxRetries
                    && StoreErrors.IsTransient(exception)
                    && !_stopping.IsCancellationRequested)
                {
                    var delay = _options.RetryBaseDelay * Math.Pow(2, attempt - 1);
                    Log.BatchRetrying(_logger, rows, attempt, delay.TotalMilliseconds, exception);
                    await Task.Delay(delay, _timeProvider, _stopping.Token).ConfigureAwait(false);
                    attempt++;
                }
            }
        }
        catch (Exception exception)
        {
            // Count first: a logger that throws must not lose the count.
            Interlocked.Increment(ref _failedBatches);
            Interlocked.Add(ref _failedRows, rows);
            Log.BatchFailed(_logger, rows, attempt, exception);
        }
        finally
        {
            _batch.Clear();
            ReportDrops();
        }
    }

    private void ReportDrops()
    {
        var dropped = Dropped;
        if (dropped == _droppedReported
            || (_dropsReportedBefore && _timeProvider.GetElapsedTime(_lastDropReportAt) < DropReportInterval))
        {
            return;
        }

        Log.EntriesDropped(_logger, dropped - _droppedReported, dropped, _options.Capacity);
        _droppedReported = dropped;
        _dropsReportedBefore = true;
        _lastDropReportAt = _timeProvider.GetTimestamp();
    }

    private void Exit()
    {
        // Only reached after the channel was completed and drained, or on a shutdown that timed out: whatever is left was
        // never attempted.
        var abandoned = _batch.Count;
        _batch.Clear();
        while (_channel.Reader.TryRead(out _))
        {
            abandoned++;
        }

        if (abandoned > 0)
        {
            Interlocked.Add(ref _dropped, abandoned);
            TryLog(static (logger, count) => Log.EntriesAbandoned(logger, count), abandoned);
        }

        _flushTimer.Dispose();
        Interlocked.Exchange(ref _loopExited, 1);
        CompleteFlushRequests();
    }

    private void CompleteFlushRequests()
    {
        while (_flushRequests.TryDequeue(out var request))
        {
            request.TrySetResult();
        }
    }

    private void TryLog<T>(Action<ILogger, T> log, T argument)
    {
        try
        {
            log(_logger, argument);
        }
#pragma warning disable CA1031 // The writer task outlives a faulty logging provider; there is nowhere left to report to.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
