namespace Switchyard.Storage.Postgres;

/// <summary>Where the PostgreSQL database is and how many connections one gateway instance keeps to it.</summary>
public sealed record PostgresStoreOptions
{
    /// <summary>
    /// Default <see cref="MaxPoolSize"/>: 20. A gateway's request path reads keys (cached a second) and the registry (once a
    /// second); the request log writes over one connection; the admin API and the dashboard read now and then. Twenty
    /// leaves room for bursts, and 10 instances stay well under PostgreSQL's default max_connections of 100.
    /// </summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>
    /// Default <see cref="ConnectTimeout"/>: 5 s, where Npgsql's own default is 15 s. A database that does not answer
    /// within 5 s is down as far as the request log is concerned: its rows go to the spill file instead of waiting.
    /// </summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// An Npgsql connection string (<c>Host=db;Database=switchyard;Username=gateway;Password=...</c>) or a URL
    /// (<c>postgres://gateway:secret@db:5432/switchyard?sslmode=require</c>). <c>Search Path</c> picks the schema the
    /// tables live in (default: <c>public</c>).
    /// </summary>
    public required string ConnectionString { get; init; }

    /// <summary>Connections kept open when idle (<c>pool.min</c>); default 0.</summary>
    public int MinPoolSize { get; init; }

    /// <summary>Most connections one instance opens (<c>pool.max</c>); default <see cref="DefaultMaxPoolSize"/>.</summary>
    public int MaxPoolSize { get; init; } = DefaultMaxPoolSize;

    /// <summary>How long opening a connection may take, unless the connection string sets <c>Timeout</c> itself.</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>Every problem with these options, empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (PostgresConnectionStrings.Parse(ConnectionString, out _) is { } problem)
        {
            errors.Add($"ConnectionString {problem}");
        }

        if (MinPoolSize < 0 || MaxPoolSize < 1 || MinPoolSize > MaxPoolSize)
        {
            errors.Add($"The pool must keep 0 or more connections and open at least 1, min at most max; it is min {MinPoolSize}, max {MaxPoolSize}.");
        }

        if (ConnectTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"ConnectTimeout must be at least 1 s (Npgsql counts whole seconds); it is {ConnectTimeout}.");
        }

        return errors;
    }
}
