namespace Switchyard.Storage.Escalations;

/// <summary>
/// Escalation records and outcome samples: read, reviewed and deleted here (the CLI, the admin API); written with the
/// request log's batches, so recording one never touches the request path.
/// </summary>
/// <remarks>
/// Two implementations: <c>SqliteEscalationStore</c> (the SQLite file) and, on PostgreSQL, <c>SqlEscalationStore</c> over its
/// pooled data source; both run the same SQL (<c>Sql/</c>).
/// </remarks>
public interface IEscalationStore
{
    /// <summary>Records matching <paramref name="query"/>, newest first.</summary>
    IReadOnlyList<EscalationRecord> Query(EscalationQuery query);

    /// <summary>The record of one request, or <see langword="null"/>.</summary>
    EscalationRecord? Get(string requestId);

    /// <summary>Sets (or clears, with <see langword="null"/>) a reviewer's verdict; false when there is no such record.</summary>
    bool Review(string requestId, string? review, string? note);

    /// <summary>Deletes one record; false when there is no such record.</summary>
    bool Delete(string requestId);

    /// <summary>Adds imported outcomes in one transaction; returns how many.</summary>
    int AddSamples(IEnumerable<OutcomeSample> samples);

    /// <summary>Outcome samples, oldest first; <paramref name="route"/> and <paramref name="since"/> filter when given.</summary>
    IReadOnlyList<OutcomeSample> QuerySamples(string? route = null, DateTimeOffset? since = null);
}
