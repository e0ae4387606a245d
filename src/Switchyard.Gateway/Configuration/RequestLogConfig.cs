namespace Switchyard.Gateway.Configuration;

/// <summary>The request log queue in front of the store (<c>request_log:</c>).</summary>
public sealed record RequestLogConfig
{
    /// <summary>Whether requests are recorded at all (<c>enabled</c>).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Bounded queue capacity (<c>queue_capacity</c>). 10,000 entries is about 5 MB and covers several seconds of
    /// saturation while the store is slow.
    /// </summary>
    public int QueueCapacity { get; init; } = 10_000;

    /// <summary>Rows written per store transaction (<c>batch_size</c>).</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Longest an entry waits before its batch is flushed (<c>flush_interval</c>).</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}
