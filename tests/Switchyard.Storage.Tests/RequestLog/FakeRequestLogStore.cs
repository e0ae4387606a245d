using Switchyard.Storage.RequestLog;

namespace Switchyard.Storage.Tests.RequestLog;

/// <summary>
/// Counts calls and keeps written rows; can hold calls at a gate, fail chosen calls, or pass them on to a real store.
/// </summary>
internal sealed class FakeRequestLogStore : IRequestLogStore
{
    private readonly Lock _lock = new();
    private readonly List<RequestLogEntry> _rows = [];
    private readonly List<int> _batchSizes = [];
    private readonly List<bool> _yieldFlags = [];
    private readonly TaskCompletionSource _firstCall = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstStored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    /// <summary>The exception to throw on call number n (1-based), or null to succeed.</summary>
    public Func<int, Exception?> Fail { get; init; } = static _ => null;

    /// <summary>When set, every call waits for it (or for cancellation) before doing anything else.</summary>
    public TaskCompletionSource? Gate { get; init; }

    /// <summary>When set, successful calls also write through to this store.</summary>
    public IRequestLogStore? Inner { get; init; }

    public Task FirstCallStarted => _firstCall.Task;

    public Task FirstBatchStored => _firstStored.Task;

    public int Calls => Volatile.Read(ref _calls);

    public IReadOnlyList<RequestLogEntry> Rows
    {
        get
        {
            lock (_lock)
            {
                return [.. _rows];
            }
        }
    }

    public IReadOnlyList<int> BatchSizes
    {
        get
        {
            lock (_lock)
            {
                return [.. _batchSizes];
            }
        }
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The <c>yieldToRequests</c> the writer passed, one per call.</summary>
    public IReadOnlyList<bool> YieldFlags
    {
        get
        {
            lock (_lock)
            {
                return [.. _yieldFlags];
            }
        }
    }

    public Task WriteBatchAsync(IReadOnlyList<RequestLogEntry> batch, bool yieldToRequests, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _yieldFlags.Add(yieldToRequests);
        }

        return WriteBatchAsync(batch, cancellationToken);
    }

    public async Task WriteBatchAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        _firstCall.TrySetResult();
        if (Gate is not null)
        {
            await Gate.Task.WaitAsync(cancellationToken);
        }

        if (Fail(call) is { } exception)
        {
            throw exception;
        }

        if (Inner is not null)
        {
            await Inner.WriteBatchAsync(batch, cancellationToken);
        }

        lock (_lock)
        {
            _rows.AddRange(batch);
            _batchSizes.Add(batch.Count);
        }

        _firstStored.TrySetResult();
    }

    public Task<IReadOnlyList<RequestLogEntry>> QueryAsync(RequestLogQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RequestLogEntry>>([.. Rows.Reverse().Take(query.Limit)]);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
