using Microsoft.Extensions.Logging;

namespace Switchyard.Storage.Postgres;

public sealed partial class PostgresRequestLogStore
{
    // Storage owns event ids 2000-2099; the PostgreSQL request log uses 2020-2029.
    private static partial class Log
    {
        [LoggerMessage(EventId = 2020, Level = LogLevel.Warning,
            Message = "The {Database} is unavailable: request log rows go to the spill file {SpillPath} until it answers again")]
        public static partial void Unavailable(ILogger logger, string database, string spillPath, Exception exception);

        [LoggerMessage(EventId = 2021, Level = LogLevel.Information,
            Message = "Wrote {Rows} request log rows from the spill file to the {Database}")]
        public static partial void Replayed(ILogger logger, long rows, string database);

        [LoggerMessage(EventId = 2022, Level = LogLevel.Error,
            Message = "PostgreSQL refused a spilled batch of {Rows} request log rows for what it holds; the rows are lost and counted")]
        public static partial void ReplayRefused(ILogger logger, int rows, Exception exception);

        [LoggerMessage(EventId = 2023, Level = LogLevel.Error,
            Message = "Replaying the request log's spill file failed; retrying")]
        public static partial void ReplayFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 2024, Level = LogLevel.Warning,
            Message = "The spill file {SpillPath} ended in a torn record ({Bytes} bytes, a crash mid-write): cut off")]
        public static partial void SpillTornTail(ILogger logger, string spillPath, long bytes);

        [LoggerMessage(EventId = 2025, Level = LogLevel.Information,
            Message = "The spill file {SpillPath} holds {Rows} request log rows from before: writing them to PostgreSQL once it answers")]
        public static partial void SpillFound(ILogger logger, string spillPath, long rows);
    }
}
