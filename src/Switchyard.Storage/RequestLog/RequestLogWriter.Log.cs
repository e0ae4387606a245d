using Microsoft.Extensions.Logging;

namespace Switchyard.Storage.RequestLog;

public sealed partial class RequestLogWriter
{
    // Storage owns event ids 2000-2099; the request log writer uses 2000-2019.
    private static partial class Log
    {
        [LoggerMessage(EventId = 2000, Level = LogLevel.Warning,
            Message = "Request log batch of {Rows} rows failed on attempt {Attempt} with a transient error; retrying in {DelayMs} ms")]
        public static partial void BatchRetrying(ILogger logger, int rows, int attempt, double delayMs, Exception exception);

        [LoggerMessage(EventId = 2001, Level = LogLevel.Error,
            Message = "Request log batch of {Rows} rows dropped after {Attempts} attempts")]
        public static partial void BatchFailed(ILogger logger, int rows, int attempts, Exception exception);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
            Message = "Request log queue full ({Capacity} entries): {Dropped} entries dropped since the last report, {TotalDropped} in all")]
        public static partial void EntriesDropped(ILogger logger, long dropped, long totalDropped, int capacity);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Error,
            Message = "Request log writer failed outside a store call; it keeps running")]
        public static partial void LoopFaulted(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
            Message = "Request log writer did not drain within {Timeout}; stopping it with {Queued} entries still queued")]
        public static partial void DrainTimedOut(ILogger logger, TimeSpan timeout, int queued);

        [LoggerMessage(EventId = 2005, Level = LogLevel.Warning,
            Message = "Request log writer stopped with {Count} entries never written")]
        public static partial void EntriesAbandoned(ILogger logger, int count);
    }
}
