namespace Switchyard.Gateway.Configuration;

/// <summary>Where state and the request log live (<c>storage:</c>).</summary>
public sealed record StorageConfig
{
    /// <summary>Default embedded database file, relative to the working directory.</summary>
    public const string DefaultSqlitePath = "switchyard.db";

    /// <summary>Store kind (<c>kind</c>): only <see cref="StorageKind.Sqlite"/> for now.</summary>
    public StorageKind Kind { get; init; } = StorageKind.Sqlite;

    /// <summary>SQLite database file (<c>path</c>).</summary>
    public string Path { get; init; } = DefaultSqlitePath;
}

/// <summary>Kinds of store.</summary>
public enum StorageKind
{
    /// <summary>An embedded SQLite file.</summary>
    Sqlite,
}
