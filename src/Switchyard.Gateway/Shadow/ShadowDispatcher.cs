using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Configuration;
using Switchyard.Storage.Shadow;

namespace Switchyard.Gateway.Shadow;

/// <summary>
/// Shadow traffic off the request path: decides which requests a route's shadow takes (<see cref="Admit"/>, on the request
/// path: a hash, a counter, a budget check), takes the finished requests (<see cref="Fork"/>: a non-blocking write to the
/// route's bounded queue, dropped and counted when full), compares them on the route's own workers, and writes the
/// comparisons and counters to the store in batches.
/// </summary>
/// <remarks>
/// <code>
/// request path:  Admit (share, confidential, budget) ─► ShadowTap (body copy, answer as relayed) ─► Fork (TryWrite, or drop)
/// background:    route lane: queue (shadow.queue) ─► max_concurrency workers ─► ShadowComparer ─► writer queue
///                writer: batches of comparisons + counter deltas ─► IShadowStore (failures logged, never surfaced)
/// </code>
/// Nothing here can hold a client up: the request path never awaits the shadow, and a full queue sheds the newest job.
/// </remarks>
internal sealed class ShadowDispatcher : IAsyncDisposable
{
    /// <summary>Comparisons waiting to be written, at most; beyond it they are lost (and logged), as the request log drops.</summary>
    private const int WriterCapacity = 10_000;

    /// <summary>How often the writer stores what it has (comparisons and counters).</summary>
    private static readonly TimeSpan WriteInterval = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lazy<IShadowStore> _store;
    private readonly ShadowComparer _comparer;
    private readonly ConcurrentDictionary<string, ShadowLane> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ShadowBudget> _budgets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Route, string Candidate), ShadowCounts> _counts = new();
    private readonly ConcurrentDictionary<string, long> _warned = new(StringComparer.Ordinal);
    private readonly Channel<object> _writes = Channel.CreateBounded<object>(new BoundedChannelOptions(WriterCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writer;
    private int _pending;
    private TaskCompletionSource? _idle;

    public ShadowDispatcher(TimeProvider time, ILogger logger, Func<IShadowStore> openStore)
    {
        _time = time;
        _logger = logger;
        // PublicationOnly: a store that failed to open (a locked file, a full disk) is tried again next time, not remembered as failed.
        _store = new Lazy<IShadowStore>(openStore, LazyThreadSafetyMode.PublicationOnly);
        _comparer = new ShadowComparer(time, logger);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Whether the route's shadow takes this request: picked by the share, and not left out (confidential with an external
    /// candidate, or the budget spent), each outcome counted. Called on the request path: no I/O, no allocation unless picked.
    /// </summary>
    public bool Admit(string route, ShadowConfig config, string requestId, bool confidential, bool candidateExternal)
    {
        if (!ShadowSampler.Picks(config.Seed, requestId, config.Share))
        {
            return false;
        }

        var counts = Counts(route, config.Deployment);
        counts.Sampled();
        if (confidential && candidateExternal)
        {
            // SECURITY: a confidential request never leaves the house, not even as a shadow.
            counts.Confidential();
            return false;
        }

        if (config.Budget is { } limit && Budget(route, limit).Exhausted(_time.GetUtcNow()))
        {
            counts.OverBudget();
            WarnOnce(route, "budget", () => ShadowLog.BudgetSpent(_logger, route, limit.Usd, limit.Per == BudgetPeriod.Month ? "month" : "day"));
            return false;
        }

        return true;
    }

    /// <summary>
    /// Hands a finished request to its route's queue without waiting: when the queue is full, the job is dropped (disposed)
    /// and counted. The client's answer is complete before this is called.
    /// </summary>
    public void Fork(ShadowJob job)
    {
        var lane = Lane(job.Route, job.Config);
        var counts = Counts(job.Route, job.Config.Deployment);
        Interlocked.Increment(ref _pending);
        counts.Started();
        if (lane.TryEnqueue(job))
        {
            return;
        }

        counts.Finished();
        counts.Dropped();
        job.Dispose();
        Done();
        var dropped = counts.Stats().DroppedSaturated;
        WarnOnce(job.Route, "dropped", () => ShadowLog.Dropped(_logger, job.Route, job.Config.Queue, dropped));
    }

    /// <summary>What the route's shadow (towards its current candidate) has done since the start.</summary>
    public ShadowStats Stats(string route, string candidate) => Counts(route, candidate).Stats();

    /// <summary>Completes when no comparison is queued or running and what they produced is stored (for tests and shutdown).</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        var waiter = Volatile.Read(ref _idle);
        if (waiter is null)
        {
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiter = Interlocked.CompareExchange(ref _idle, created, null) ?? created;
        }

        if (Interlocked.CompareExchange(ref _pending, 0, 0) == 0)
        {
            Interlocked.CompareExchange(ref _idle, null, waiter);
            waiter.TrySetResult();
        }

        await waiter.Task.WaitAsync(cancellationToken);
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _writes.Writer.WriteAsync(flushed, cancellationToken);
        await flushed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the comparisons (calls in flight are cancelled), then stores what was done.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var lane in _lanes.Values)
        {
            await lane.DisposeAsync();
        }

        _writes.Writer.TryComplete();
        await _writer;
        _stopping.Dispose();
    }

    private ShadowCounts Counts(string route, string candidate) => _counts.GetOrAdd((route, candidate), static key => new ShadowCounts(key.Route, key.Candidate));

    private ShadowBudget Budget(string route, ShadowBudgetConfig config)
    {
        if (_budgets.TryGetValue(route, out var budget) && budget.Config == config)
        {
            return budget;
        }

        // New, or a reload changed it: the window starts over with what the stored comparisons say it spent, read in the
        // background (this can be the request path).
        var created = new ShadowBudget(config, _time.GetUtcNow());
        if (budget is null ? _budgets.TryAdd(route, created) : _budgets.TryUpdate(route, created, budget))
        {
            _ = Task.Run(() => Seed(route, created));
            return created;
        }

        return _budgets[route];
    }

    /// <summary>Adds what the window's stored comparisons already spent: a restart does not hand the budget out again.</summary>
    private void Seed(string route, ShadowBudget budget)
    {
        try
        {
            var since = ShadowBudget.WindowStart(budget.Config.Per, _time.GetUtcNow());
            budget.Seed(Store().Query(route, since).Sum(c => (decimal)((c.CandidateCostUsd ?? 0) + (c.JudgeCostUsd ?? 0))));
        }
        catch (Exception e) when (Storage.Stores.IsFailure(e))
        {
            ShadowLog.StoreFailed(_logger, 0, e.Message);
        }
    }

    private ShadowLane Lane(string route, ShadowConfig config)
    {
        while (true)
        {
            if (_lanes.TryGetValue(route, out var lane) && lane.Config == config)
            {
                return lane;
            }

            var created = new ShadowLane(route, config, RunAsync, Discard, _stopping.Token);
            if (lane is null ? _lanes.TryAdd(route, created) : _lanes.TryUpdate(route, created, lane))
            {
                // A reload changed the route's shadow: the old lane finishes what it queued, then its workers end.
                lane?.Complete();
                return created;
            }

            created.Complete();
        }
    }

    private async Task RunAsync(ShadowJob job, CancellationToken cancellationToken)
    {
        var counts = Counts(job.Route, job.Config.Deployment);
        try
        {
            var budget = job.Config.Budget is { } limit ? Budget(job.Route, limit) : null;
            if (await _comparer.CompareAsync(job, budget, counts, cancellationToken) is { } comparison)
            {
                await _writes.Writer.WriteAsync(comparison, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The gateway is stopping.
        }
        catch (ChannelClosedException)
        {
            // The gateway is stopping.
        }
        catch (Exception e)
        {
            ShadowLog.Unexpected(_logger, job.RequestId, e);
        }
        finally
        {
            counts.Finished();
            job.Dispose();
            Done();
        }
    }

    private void Done()
    {
        if (Interlocked.Decrement(ref _pending) == 0 && Volatile.Read(ref _idle) is { } waiter)
        {
            Interlocked.CompareExchange(ref _idle, null, waiter);
            waiter.TrySetResult();
        }
    }

    /// <summary>Logs <paramref name="log"/> at most once a minute per route and kind, so a flood of drops is one line, not thousands.</summary>
    private void WarnOnce(string route, string kind, Action log)
    {
        var key = route + "\n" + kind;
        var now = _time.GetTimestamp();
        var last = _warned.GetOrAdd(key, 0);
        if ((last == 0 || _time.GetElapsedTime(last, now) >= TimeSpan.FromMinutes(1)) && _warned.TryUpdate(key, now, last))
        {
            log();
        }
    }

    /// <summary>A queued job the gateway stopped before it ran.</summary>
    private void Discard(ShadowJob job)
    {
        Counts(job.Route, job.Config.Deployment).Finished();
        job.Dispose();
        Done();
    }

    private IShadowStore Store() => _store.Value;


    private async Task WriteLoopAsync()
    {
        var batch = new List<ShadowComparison>();
        var flushes = new List<TaskCompletionSource>();
        var reader = _writes.Reader;
        while (true)
        {
            var open = true;
            try
            {
                using var tick = new CancellationTokenSource(WriteInterval, _time);
                open = await reader.WaitToReadAsync(tick.Token);
            }
            catch (OperationCanceledException)
            {
                // The interval passed: store the counters even without comparisons.
            }

            while (reader.TryRead(out var item))
            {
                if (item is ShadowComparison comparison)
                {
                    batch.Add(comparison);
                }
                else if (item is TaskCompletionSource flush)
                {
                    flushes.Add(flush);
                    break;
                }
            }

            Write(batch);
            batch.Clear();
            foreach (var flush in flushes)
            {
                flush.TrySetResult();
            }

            flushes.Clear();
            if (!open)
            {
                return;
            }
        }
    }

    private void Write(List<ShadowComparison> batch)
    {
        var day = ShadowCounters.DayOf(_time.GetUtcNow());
        var counters = _counts.Values.Select(c => c.Drain(day)).OfType<ShadowCounters>().ToList();
        if (batch.Count == 0 && counters.Count == 0)
        {
            return;
        }

        try
        {
            Store().Add(batch, counters);
        }
        catch (Exception e) when (Storage.Stores.IsFailure(e))
        {
            ShadowLog.StoreFailed(_logger, batch.Count, e.Message);
        }
    }
}
