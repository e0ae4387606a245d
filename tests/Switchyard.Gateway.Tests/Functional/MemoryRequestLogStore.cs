using System.Collections.Concurrent;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway.Tests.Functional;

/// <summary>A request log store that keeps entries in memory, so tests can read what the gateway recorded.</summary>
internal sealed class MemoryRequestLogStore : IRequestLogStore
{
    private readonly ConcurrentQueue<RequestLogEntry> _entries = new();
    private readonly SemaphoreSlim _written = new(0);

    public IReadOnlyList<RequestLogEntry> Entries => [.. _entries];

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task WriteBatchAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken)
    {
        foreach (var entry in batch)
        {
            _entries.Enqueue(entry);
        }

        _written.Release();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RequestLogEntry>> QueryAsync(RequestLogQuery query, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<RequestLogEntry>>([.. _entries.Reverse().Take(query.Limit)]);

    /// <summary>Waits until at least <paramref name="count"/> entries are stored (the writer flushes on its own timer).</summary>
    public async Task<IReadOnlyList<RequestLogEntry>> WaitForEntriesAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (_entries.Count < count)
        {
            await _written.WaitAsync(cts.Token);
        }

        return Entries;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
