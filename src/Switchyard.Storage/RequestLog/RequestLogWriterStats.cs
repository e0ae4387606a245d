namespace Switchyard.Storage.RequestLog;

/// <summary>The <see cref="RequestLogWriter"/>'s counters at one moment (each read atomically, not all at one instant).</summary>
/// <param name="Enqueued">Entries accepted into the queue.</param>
/// <param name="Written">Entries the store committed.</param>
/// <param name="Dropped">Entries lost without a store attempt: the queue was full, the writer was disposed, or shutdown abandoned them.</param>
/// <param name="FailedRows">Entries in batches the store failed to write, after retries.</param>
/// <param name="FailedBatches">Batches the store failed to write, after retries.</param>
/// <param name="QueueDepth">Entries waiting in the queue.</param>
public readonly record struct RequestLogWriterStats(
    long Enqueued,
    long Written,
    long Dropped,
    long FailedRows,
    long FailedBatches,
    int QueueDepth);
