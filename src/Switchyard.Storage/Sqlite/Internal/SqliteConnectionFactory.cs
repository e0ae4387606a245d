using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Switchyard.Storage.Sqlite.Internal;

/// <summary>Opens connections to the embedded database with the pragmas every store relies on.</summary>
internal static class SqliteConnectionFactory
{
    // The bundle's native library must be wired up once per process before the first connection; a static constructor
    // runs exactly once and before any member below.
    static SqliteConnectionFactory() => SQLitePCL.Batteries_V2.Init();

    /// <summary>Opens a connection, creating the file and its folder if needed.</summary>
    /// <remarks>
    /// Pooling is off: the request log keeps one long-lived write connection and reads are rare (CLI, dashboard), so a pool
    /// would only keep the file open after the store is disposed.
    /// </remarks>
    public static SqliteConnection Open(SqliteStoreOptions options)
    {
        var fullPath = Path.GetFullPath(options.Path);
        var directory = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY itself until this many seconds have passed (default 30 s, and 0
            // means forever), on top of SQLite's own busy_timeout: align the two.
            DefaultTimeout = (int)Math.Max(1, Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        };

        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            // busy_timeout first, so that switching to WAL waits for a lock instead of failing. WAL lets readers run beside
            // the writer; synchronous=NORMAL is durable across application crashes in WAL mode and loses at most the last
            // commits on power loss, which a request log accepts for several times the insert rate.
            pragmas.CommandText = string.Create(
                CultureInfo.InvariantCulture,
                $"PRAGMA busy_timeout = {(int)options.BusyTimeout.TotalMilliseconds}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
            pragmas.ExecuteNonQuery();
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return connection;
    }

    /// <summary>Opens the file named by <paramref name="options"/> and brings its schema up to date (<see cref="SqliteMigrations"/>).</summary>
    /// <exception cref="SqliteSchemaException">The file's schema is newer than this build knows.</exception>
    public static void Migrate(SqliteStoreOptions options, TimeProvider timeProvider)
    {
        using var connection = Open(options);
        SqliteMigrations.Apply(connection, Path.GetFullPath(options.Path), timeProvider);
    }
}
