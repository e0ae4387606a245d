using Switchyard.Storage;
using Switchyard.Storage.Postgres;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Gateway.Configuration;

/// <summary>Where state and the request log live (<c>storage:</c>): a SQLite file for one instance, PostgreSQL for many.</summary>
public sealed record StorageConfig
{
    /// <summary>Default embedded database file, relative to the working directory.</summary>
    public const string DefaultSqlitePath = "switchyard.db";

    /// <summary>Store kind (<c>kind</c>): <c>sqlite</c> (the default) or <c>postgres</c>.</summary>
    public StorageKind Kind { get; init; } = StorageKind.Sqlite;

    /// <summary>SQLite database file (<c>path</c>); only with <c>kind: sqlite</c>.</summary>
    public string Path { get; init; } = DefaultSqlitePath;

    /// <summary>
    /// PostgreSQL's connection string (<c>connection_string</c>), environment references substituted: Npgsql keywords or a
    /// <c>postgres://</c> URL. Only with <c>kind: postgres</c>, where it is required.
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>Connections kept open when idle (<c>pool.min</c>, default 0).</summary>
    public int PoolMin { get; init; }

    /// <summary>Most connections one instance opens (<c>pool.max</c>, default 20).</summary>
    public int PoolMax { get; init; } = PostgresStoreOptions.DefaultMaxPoolSize;

    /// <summary>Where request log rows wait while PostgreSQL is down (<c>spill.path</c>); one file per instance.</summary>
    public string SpillPath { get; init; } = RequestLogSpillOptions.DefaultPath;

    /// <summary>The spill file's bound in bytes (<c>spill.max_size</c>, default 256 MiB); rows beyond it are lost and counted.</summary>
    public long SpillMaxBytes { get; init; } = RequestLogSpillOptions.DefaultMaxBytes;

    /// <summary>The options the store factory (<see cref="Stores"/>) opens.</summary>
    public StorageOptions ToOptions() => Kind == StorageKind.Postgres
        ? new StorageOptions
        {
            Postgres = new PostgresStoreOptions { ConnectionString = ConnectionString ?? "", MinPoolSize = PoolMin, MaxPoolSize = PoolMax },
            Spill = new RequestLogSpillOptions { Path = SpillPath, MaxBytes = SpillMaxBytes },
        }
        : new StorageOptions { Sqlite = new SqliteStoreOptions { Path = Path } };
}

/// <summary>Kinds of store.</summary>
public enum StorageKind
{
    /// <summary>An embedded SQLite file: one gateway instance.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database: any number of gateway instances share it.</summary>
    Postgres,
}
