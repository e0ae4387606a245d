namespace Switchyard.Storage.Sqlite;

/// <summary>
/// The database's schema is newer than this build of switchyard knows: a newer switchyard wrote it. Thrown at startup by
/// <c>InitializeAsync</c>; nothing is changed in the file.
/// </summary>
public sealed class SqliteSchemaException : Exception
{
    /// <summary>Creates the exception with a message that names the file, both versions and the fix.</summary>
    public SqliteSchemaException(string databasePath, int databaseVersion, int knownVersion)
        : base(
            $"The database '{databasePath}' has schema version {databaseVersion}, but this switchyard knows versions up to " +
            $"{knownVersion}. A newer switchyard wrote it: upgrade switchyard, or point storage.path (or --db) at another file.")
    {
        DatabasePath = databasePath;
        DatabaseVersion = databaseVersion;
        KnownVersion = knownVersion;
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The schema version recorded in the file.</summary>
    public int DatabaseVersion { get; }

    /// <summary>The newest schema version this build can apply.</summary>
    public int KnownVersion { get; }
}
