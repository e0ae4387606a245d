namespace Switchyard.Storage.RequestLog;

/// <summary>
/// Durable home of the request log: <c>SqliteRequestLogStore</c> (prepared inserts) or <c>PostgresRequestLogStore</c>
/// (binary COPY, with a spill file while PostgreSQL is down). Implementations are called from one writer task at a time,
/// never from the request path.
/// </summary>
public interface IRequestLogStore : IAsyncDisposable
{
    /// <summary>Creates or migrates the schema. Idempotent; never drops data.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Writes a batch in one transaction. Throws on failure; the caller counts and reports it.</summary>
    /// <remarks>
    /// The list belongs to the caller and is reused after the returned task completes: copy what must outlive the call.
    /// Failures that a retry can cure (a locked database) should surface as <c>SqliteException</c> BUSY/LOCKED or as a
    /// <see cref="System.Data.Common.DbException"/> whose <c>IsTransient</c> is true.
    /// </remarks>
    Task WriteBatchAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a batch like <see cref="WriteBatchAsync(IReadOnlyList{RequestLogEntry}, CancellationToken)"/>. When
    /// <paramref name="yieldToRequests"/> is true the writer is keeping up, and a store whose writes burn CPU in one burst
    /// (SQLite) may give the core up now and then so requests on it are not delayed; when false the queue is backing up
    /// and the batch should be written as fast as possible.
    /// </summary>
    Task WriteBatchAsync(IReadOnlyList<RequestLogEntry> batch, bool yieldToRequests, CancellationToken cancellationToken)
        => WriteBatchAsync(batch, cancellationToken);

    /// <summary>Reads entries, newest first.</summary>
    Task<IReadOnlyList<RequestLogEntry>> QueryAsync(RequestLogQuery query, CancellationToken cancellationToken);
}
