using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sql;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// The request log as time series (the dashboard's <c>/admin/stats</c>) from the SQLite file; the SQL is
/// <see cref="SqlTrafficStats"/>'s, shared with PostgreSQL.
/// </summary>
/// <remarks>Each call opens its own short-lived connection, which WAL mode lets run beside the request log's writer.</remarks>
public sealed class SqliteTrafficStats : ITrafficStats
{
    private readonly SqlTrafficStats _stats;

    /// <summary>Reads the database <paramref name="options"/> names (migrated by the request log's store).</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public SqliteTrafficStats(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid SQLite store options: " + string.Join(" ", errors), nameof(options));
        }

        _stats = new SqlTrafficStats(new SqliteDatabase(options));
    }

    /// <inheritdoc/>
    public TrafficSummary Summarize(DateTimeOffset start, TimeSpan step, int buckets) => _stats.Summarize(start, step, buckets);
}
