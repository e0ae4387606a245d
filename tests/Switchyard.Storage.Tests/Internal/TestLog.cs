using Switchyard.Storage.RequestLog;

namespace Switchyard.Storage.Tests.Internal;

/// <summary>A request log store with its reports, as the shared tests use it (either database's store is both).</summary>
public sealed class TestLog(IRequestLogStore store) : IAsyncDisposable
{
    public IRequestLogStore Store => store;

    public Task WriteBatchAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken) => store.WriteBatchAsync(batch, cancellationToken);

    public Task<IReadOnlyList<RequestLogEntry>> QueryAsync(RequestLogQuery query, CancellationToken cancellationToken) => store.QueryAsync(query, cancellationToken);

    public IReadOnlyList<CostSummaryRow> SummarizeCosts(IReadOnlyList<CostDimension> by, DateTimeOffset? since, DateTimeOffset? until, string? route = null, string? team = null, string? key = null)
        => ((IRequestLogReports)store).SummarizeCosts(by, since, until, route, team, key);

    public IReadOnlyList<(string Deployment, long Minute, long Tokens)> TokensServedByMinute(DateTimeOffset since, DateTimeOffset until)
        => ((IRequestLogReports)store).TokensServedByMinute(since, until);

    public ValueTask DisposeAsync() => store.DisposeAsync();
}
