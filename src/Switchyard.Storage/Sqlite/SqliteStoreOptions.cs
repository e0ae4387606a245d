namespace Switchyard.Storage.Sqlite;

/// <summary>Where the embedded SQLite database lives and how long a connection waits for a lock.</summary>
public sealed record SqliteStoreOptions
{
    /// <summary>
    /// Default <see cref="BusyTimeout"/>: 5 s. In WAL mode readers never block the writer; only another writer does (a
    /// migration from a second process, a backup, a hand-run <c>sqlite3</c> session), and those finish in well under 5 s.
    /// Longer would hold a request log batch back for no gain: the writer retries on its own schedule.
    /// </summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The database file. Relative paths resolve against the working directory; missing folders are created.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// How long a statement waits for another connection's lock before failing with <c>SQLITE_BUSY</c>. Microsoft.Data.Sqlite
    /// retries busy statements itself for its command timeout, which counts in whole seconds, so the effective wait is this
    /// value rounded up to a whole second (at least 1 s).
    /// </summary>
    public TimeSpan BusyTimeout { get; init; } = DefaultBusyTimeout;

    /// <summary>Every problem with these options, empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Path))
        {
            errors.Add("Path must name a database file.");
        }

        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            errors.Add($"BusyTimeout must be positive and under {int.MaxValue} ms; it is {BusyTimeout}.");
        }

        return errors;
    }
}
