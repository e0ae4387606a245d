using Switchyard.Storage.Postgres;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Storage;

/// <summary>
/// Which database holds the gateway's state and request log (<c>storage:</c>): an embedded SQLite file (one instance, the
/// default) or PostgreSQL (any number of instances). Exactly one of <see cref="Sqlite"/> and <see cref="Postgres"/> is set.
/// </summary>
public sealed record StorageOptions
{
    /// <summary>The SQLite file, for <c>storage: { kind: sqlite }</c>.</summary>
    public SqliteStoreOptions? Sqlite { get; init; }

    /// <summary>The PostgreSQL database, for <c>storage: { kind: postgres }</c>.</summary>
    public PostgresStoreOptions? Postgres { get; init; }

    /// <summary>Where PostgreSQL's request log rows wait while it is down (unused with SQLite).</summary>
    public RequestLogSpillOptions Spill { get; init; } = new();

    /// <summary>The SQLite file at <paramref name="path"/>.</summary>
    public static StorageOptions ForSqlite(string path) => new() { Sqlite = new SqliteStoreOptions { Path = path } };

    /// <summary>Every problem with these options, empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        if ((Sqlite is null) == (Postgres is null))
        {
            return ["Exactly one of Sqlite and Postgres must be set."];
        }

        var errors = new List<string>(Sqlite?.Validate() ?? Postgres!.Validate());
        if (Postgres is not null && (string.IsNullOrWhiteSpace(Spill.Path) || Spill.MaxBytes < 1))
        {
            errors.Add("The spill file needs a path and a bound of at least 1 byte.");
        }

        return errors;
    }
}
