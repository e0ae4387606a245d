namespace Switchyard.Storage.RequestLog;

/// <summary>
/// Durable home of the request log. SQLite implements it now; PostgreSQL will (issue 10). Implementations are called
/// from one writer task at a time, never from the request path.
/// </summary>
public interface IRequestLogStore : IAsyncDisposable
{
    /// <summary>Creates or migrates the schema. Idempotent; never drops data.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Writes a batch in one transaction. Throws on failure; the caller counts and reports it.</summary>
    Task WriteBatchAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken);

    /// <summary>Reads entries, newest first.</summary>
    Task<IReadOnlyList<RequestLogEntry>> QueryAsync(RequestLogQuery query, CancellationToken cancellationToken);
}
