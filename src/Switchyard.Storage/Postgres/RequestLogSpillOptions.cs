namespace Switchyard.Storage.Postgres;

/// <summary>
/// Where the request log's rows wait while PostgreSQL cannot take them (<c>storage.spill</c>), and how much may wait. Each
/// gateway instance has its own file.
/// </summary>
public sealed record RequestLogSpillOptions
{
    /// <summary>Default <see cref="Path"/>: <c>switchyard-request-log.spill</c> in the working directory.</summary>
    public const string DefaultPath = "switchyard-request-log.spill";

    /// <summary>
    /// Default <see cref="MaxBytes"/>: 256 MiB, about half a million rows (a row is ~500 bytes as JSON): at 1,000 requests a
    /// second, over eight minutes of outage; at the 5,000 a second the log is measured at, under two.
    /// </summary>
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    /// <summary>The spill file; its cursor lives beside it (<c>PATH.done</c>). Missing folders are created.</summary>
    public string Path { get; init; } = DefaultPath;

    /// <summary>The file's largest size: a batch that would grow it beyond is lost (and counted).</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;
}
