using Switchyard.Storage.Escalations;
using Switchyard.Storage.Sql;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// Escalation records in the gateway's SQLite file: read, reviewed and deleted here (the CLI, the admin API); written with
/// the request log's batches (<see cref="SqliteRequestLogStore"/>), so recording one never touches the request path. The
/// SQL is <see cref="SqlEscalationStore"/>'s, shared with PostgreSQL.
/// </summary>
public sealed class SqliteEscalationStore : IEscalationStore
{
    private readonly SqlEscalationStore _escalations;

    /// <summary>Opens the file's escalation records, bringing its schema up to date first (never dropping data).</summary>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public SqliteEscalationStore(SqliteStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        SqliteConnectionFactory.Migrate(options, time);
        _escalations = new SqlEscalationStore(new SqliteDatabase(options), time);
    }

    /// <inheritdoc/>
    public IReadOnlyList<EscalationRecord> Query(EscalationQuery query) => _escalations.Query(query);

    /// <inheritdoc/>
    public EscalationRecord? Get(string requestId) => _escalations.Get(requestId);

    /// <inheritdoc/>
    public bool Review(string requestId, string? review, string? note) => _escalations.Review(requestId, review, note);

    /// <inheritdoc/>
    public bool Delete(string requestId) => _escalations.Delete(requestId);

    /// <inheritdoc/>
    public int AddSamples(IEnumerable<OutcomeSample> samples) => _escalations.AddSamples(samples);

    /// <inheritdoc/>
    public IReadOnlyList<OutcomeSample> QuerySamples(string? route = null, DateTimeOffset? since = null) => _escalations.QuerySamples(route, since);
}
