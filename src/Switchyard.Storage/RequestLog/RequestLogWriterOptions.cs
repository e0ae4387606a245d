namespace Switchyard.Storage.RequestLog;

/// <summary>Queue and batching of the <see cref="RequestLogWriter"/>.</summary>
public sealed record RequestLogWriterOptions
{
    /// <summary>
    /// Entries the queue holds before new ones are dropped. Default 10,000, as <c>request_log.queue_capacity</c>: about
    /// 5 MB, several seconds of saturation while the store is slow.
    /// </summary>
    public int Capacity { get; init; } = 10_000;

    /// <summary>
    /// Most rows per store transaction. Default 512, as <c>request_log.batch_size</c>: large enough that the per-commit cost
    /// (a WAL append and its sync) is spread thin, small enough that one transaction holds the write lock for milliseconds.
    /// </summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Longest an entry waits in a partial batch. Default 500 ms, as <c>request_log.flush_interval</c>.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Retries of a batch after a transient failure (a locked database). Default 3: with <see cref="RetryBaseDelay"/> that
    /// rides out about 0.7 s of pauses plus the store's own busy timeout on each try, then the batch is dropped.
    /// </summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Pause before the first retry; each next retry waits twice as long. Default 100 ms.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Longest <see cref="RequestLogWriter.DisposeAsync"/> waits for the queue to drain. Default 5 s, inside the 30 s that
    /// the .NET host gives all hosted services to stop.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Every problem with these options, empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Capacity < 1)
        {
            errors.Add($"Capacity must be at least 1; it is {Capacity}.");
        }

        if (BatchSize < 1)
        {
            errors.Add($"BatchSize must be at least 1; it is {BatchSize}.");
        }

        if (FlushInterval <= TimeSpan.Zero)
        {
            errors.Add($"FlushInterval must be positive; it is {FlushInterval}.");
        }

        if (MaxRetries < 0)
        {
            errors.Add($"MaxRetries must be 0 or more; it is {MaxRetries}.");
        }

        if (RetryBaseDelay < TimeSpan.Zero)
        {
            errors.Add($"RetryBaseDelay must not be negative; it is {RetryBaseDelay}.");
        }

        if (DrainTimeout < TimeSpan.Zero)
        {
            errors.Add($"DrainTimeout must not be negative; it is {DrainTimeout}.");
        }

        return errors;
    }
}
