using Switchyard.Storage.Evaluation;
using Switchyard.Storage.Sql;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// Evaluation runs and their results (<c>switchyard eval</c>) in the gateway's SQLite file. The SQL is
/// <see cref="SqlEvalStore"/>'s, shared with PostgreSQL.
/// </summary>
public sealed class SqliteEvalStore : IEvalStore
{
    private readonly SqlEvalStore _eval;

    /// <summary>Opens the file's evaluation tables, bringing its schema up to date first (never dropping data).</summary>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public SqliteEvalStore(SqliteStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        SqliteConnectionFactory.Migrate(options, time);
        _eval = new SqlEvalStore(new SqliteDatabase(options));
    }

    /// <inheritdoc />
    public void AddRun(EvalRunRecord run) => _eval.AddRun(run);

    /// <inheritdoc />
    public void FinishRun(string runId, string status, DateTimeOffset finished) => _eval.FinishRun(runId, status, finished);

    /// <inheritdoc />
    public void AddResults(IReadOnlyCollection<EvalResultRecord> results) => _eval.AddResults(results);

    /// <inheritdoc />
    public EvalRunRecord? FindRun(string idOrPrefix, out bool ambiguous) => _eval.FindRun(idOrPrefix, out ambiguous);

    /// <inheritdoc />
    public IReadOnlyList<EvalRunRecord> ListRuns(int limit) => _eval.ListRuns(limit);

    /// <inheritdoc />
    public IReadOnlyList<EvalResultRecord> Results(string runId) => _eval.Results(runId);
}
