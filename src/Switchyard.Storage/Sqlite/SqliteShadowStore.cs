using Switchyard.Storage.Shadow;
using Switchyard.Storage.Sql;
using Switchyard.Storage.Sqlite.Internal;

namespace Switchyard.Storage.Sqlite;

/// <summary>
/// Shadow comparisons and their daily counters in the gateway's SQLite file. The SQL is <see cref="SqlShadowStore"/>'s,
/// shared with PostgreSQL.
/// </summary>
public sealed class SqliteShadowStore : IShadowStore
{
    private readonly SqlShadowStore _shadow;

    /// <summary>Opens the file's shadow tables, bringing its schema up to date first (never dropping data).</summary>
    /// <exception cref="SqliteSchemaException">The file was written by a newer switchyard.</exception>
    public SqliteShadowStore(SqliteStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        SqliteConnectionFactory.Migrate(options, time);
        _shadow = new SqlShadowStore(new SqliteDatabase(options));
    }

    /// <inheritdoc />
    public void Add(IReadOnlyCollection<ShadowComparison> comparisons, IReadOnlyCollection<ShadowCounters> counters) => _shadow.Add(comparisons, counters);

    /// <inheritdoc />
    public IReadOnlyList<ShadowComparison> Query(string? route, DateTimeOffset? since, DateTimeOffset? until = null) => _shadow.Query(route, since, until);

    /// <inheritdoc />
    public IReadOnlyList<ShadowCounters> Counters(string? route, DateTimeOffset? since) => _shadow.Counters(route, since);

    /// <inheritdoc />
    public (long Requests, DateTimeOffset? First) RouteVolume(string route, DateTimeOffset since, DateTimeOffset until) => _shadow.RouteVolume(route, since, until);
}
