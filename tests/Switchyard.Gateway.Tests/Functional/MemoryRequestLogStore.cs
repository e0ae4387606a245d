using System.Collections.Concurrent;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway.Tests.Functional;

/// <summary>A request log store that keeps entries in memory, so tests can read what the gateway recorded.</summary>
internal sealed class MemoryRequestLogStore : IRequestLogStore
{
    private readonly ConcurrentQueue<RequestLogEntry> _entries = new();

    public IReadOnlyList<RequestLogEntry> Entries => [.. _entries];

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task WriteBatchAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken)
    {
        foreach (var entry in batch)
        {
            _entries.Enqueue(entry);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RequestLogEntry>> QueryAsync(RequestLogQuery query, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<RequestLogEntry>>([.. _entries.Reverse().Take(query.Limit)]);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
