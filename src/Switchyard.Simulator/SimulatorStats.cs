using Switchyard.Simulator.Faults;

namespace Switchyard.Simulator;

/// <summary>
/// Live counters of a <see cref="SimulatorHost"/>, safe to read from any thread, and awaitable conditions on them so that
/// tests wait for a signal instead of sleeping. Also served as JSON by <c>GET /sim/stats</c>.
/// </summary>
public sealed class SimulatorStats
{
    private readonly long[] _faults = new long[FaultNames.Count];
    private readonly List<Waiter> _waiters = [];
    private long _requests;
    private long _chatCompletions;
    private long _completions;
    private long _embeddings;
    private long _modelRequests;
    private long _streaming;
    private long _judgeRequests;
    private long _badRequests;
    private long _faultsInjected;
    private long _aborted;
    private long _active;
    private long _promptTokens;
    private long _completionTokens;
    private int _waiterCount;

    /// <summary>Every HTTP request received, whatever its path.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests to <c>POST /v1/chat/completions</c>.</summary>
    public long ChatCompletionRequests => Interlocked.Read(ref _chatCompletions);

    /// <summary>Requests to <c>POST /v1/completions</c>.</summary>
    public long CompletionRequests => Interlocked.Read(ref _completions);

    /// <summary>Requests to <c>POST /v1/embeddings</c>.</summary>
    public long EmbeddingRequests => Interlocked.Read(ref _embeddings);

    /// <summary>Requests to <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>.</summary>
    public long ModelRequests => Interlocked.Read(ref _modelRequests);

    /// <summary>Requests that asked for a stream (<c>"stream": true</c>).</summary>
    public long StreamingRequests => Interlocked.Read(ref _streaming);

    /// <summary>
    /// Chat completion requests that were judge requests (the last user message holds a <c>&lt;conversation&gt;</c> and an
    /// <c>&lt;answer&gt;</c> block, see the README's "Judge mode"), counted once parsed, whatever the outcome.
    /// </summary>
    public long JudgeRequests => Interlocked.Read(ref _judgeRequests);

    /// <summary>Requests answered 4xx because they were invalid (bad JSON, missing fields, unknown model or path).</summary>
    public long BadRequests => Interlocked.Read(ref _badRequests);

    /// <summary>Faults injected, whichever way they were asked for.</summary>
    public long FaultsInjected => Interlocked.Read(ref _faultsInjected);

    /// <summary>
    /// Requests whose client went away before the answer was complete (the connection closed or the request was cancelled).
    /// Connections the simulator aborts itself (faults) are not counted.
    /// </summary>
    public long RequestsAborted => Interlocked.Read(ref _aborted);

    /// <summary>Requests being served right now.</summary>
    public long ActiveRequests => Interlocked.Read(ref _active);

    /// <summary>Prompt tokens of the answers served, as reported in <c>usage</c>.</summary>
    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    /// <summary>Completion tokens of the answers served, as reported in <c>usage</c>.</summary>
    public long CompletionTokens => Interlocked.Read(ref _completionTokens);

    /// <summary>How many times the fault named <paramref name="faultName"/> (from <see cref="SimulatorFaults"/>) was injected.</summary>
    /// <exception cref="ArgumentException">The name is not a fault.</exception>
    public long GetFaultCount(string faultName)
    {
        if (!FaultNames.TryParse(faultName, out var fault))
        {
            throw new ArgumentException($"Unknown fault '{faultName}'. Valid faults: {FaultNames.ValidNames}.", nameof(faultName));
        }

        return Interlocked.Read(ref _faults[(int)fault]);
    }

    /// <summary>Completes when <see cref="RequestsAborted"/> reaches <paramref name="count"/>.</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/> (wall-clock time).</exception>
    public Task WaitForAbortAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
        => WaitAsync(s => s.RequestsAborted >= count, $"{count} aborted request(s)", timeout, cancellationToken);

    /// <summary>Completes when <see cref="Requests"/> reaches <paramref name="count"/>.</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/> (wall-clock time).</exception>
    public Task WaitForRequestsAsync(long count, TimeSpan timeout, CancellationToken cancellationToken = default)
        => WaitAsync(s => s.Requests >= count, $"{count} request(s)", timeout, cancellationToken);

    /// <summary>Completes when no request is being served (<see cref="ActiveRequests"/> is 0).</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/> (wall-clock time).</exception>
    public Task WaitForIdleAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => WaitAsync(s => s.ActiveRequests == 0, "no active request", timeout, cancellationToken);

    /// <summary>Completes when <paramref name="condition"/> holds; it is checked whenever a counter changes.</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/> (wall-clock time).</exception>
    public async Task WaitAsync(Func<SimulatorStats, bool> condition, string description, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var waiter = new Waiter(condition);
        lock (_waiters)
        {
            _waiters.Add(waiter);
            Interlocked.Increment(ref _waiterCount);
        }

        try
        {
            // Checked after registering: a change between a first check and the registration would otherwise be missed.
            if (condition(this))
            {
                return;
            }

            // The timeout is wall-clock on purpose: a test with a fake clock still wants to fail rather than hang.
            await waiter.Completion.Task.WaitAsync(timeout, TimeProvider.System, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The simulator did not reach {description} within {timeout.TotalSeconds:0.###} s (requests {Requests}, aborted {RequestsAborted}, active {ActiveRequests}).");
        }
        finally
        {
            lock (_waiters)
            {
                _waiters.Remove(waiter);
                Interlocked.Decrement(ref _waiterCount);
            }
        }
    }

    internal void RequestStarted()
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _active);
        Notify();
    }

    internal void RequestEnded()
    {
        Interlocked.Decrement(ref _active);
        Notify();
    }

    internal void ChatCompletion() => Interlocked.Increment(ref _chatCompletions);

    internal void Completion() => Interlocked.Increment(ref _completions);

    internal void Embedding() => Interlocked.Increment(ref _embeddings);

    internal void ModelRequest() => Interlocked.Increment(ref _modelRequests);

    internal void Streaming() => Interlocked.Increment(ref _streaming);

    internal void JudgeRequest()
    {
        Interlocked.Increment(ref _judgeRequests);
        Notify();
    }

    internal void BadRequest() => Interlocked.Increment(ref _badRequests);

    internal void Usage(int promptTokens, int completionTokens)
    {
        Interlocked.Add(ref _promptTokens, promptTokens);
        Interlocked.Add(ref _completionTokens, completionTokens);
    }

    internal void FaultInjected(SimulatorFault fault)
    {
        Interlocked.Increment(ref _faults[(int)fault]);
        Interlocked.Increment(ref _faultsInjected);
        Notify();
    }

    internal void Aborted()
    {
        Interlocked.Increment(ref _aborted);
        Notify();
    }

    internal long FaultCount(SimulatorFault fault) => Interlocked.Read(ref _faults[(int)fault]);

    private void Notify()
    {
        // PERF: the request path takes no lock unless a test is waiting. The increments above are full fences, as is the
        // waiter's registration, so either the waiter sees the new count or this sees the waiter.
        if (Volatile.Read(ref _waiterCount) == 0)
        {
            return;
        }

        lock (_waiters)
        {
            foreach (var waiter in _waiters)
            {
                if (!waiter.Completion.Task.IsCompleted && waiter.Condition(this))
                {
                    waiter.Completion.TrySetResult();
                }
            }
        }
    }

    private sealed class Waiter(Func<SimulatorStats, bool> condition)
    {
        public Func<SimulatorStats, bool> Condition { get; } = condition;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
