using Microsoft.Extensions.Logging;

namespace Switchyard.Gateway.Api.Responses;

/// <summary>Log events 1200-1209: stored responses. Never their content.</summary>
internal sealed partial class ResponseStorage
{
    [LoggerMessage(1200, LogLevel.Warning, "Response {ResponseId} could not be stored; its id will not be found by previous_response_id or GET")]
    private static partial void LogSaveFailed(ILogger logger, string responseId, Exception exception);

    [LoggerMessage(1201, LogLevel.Debug, "Purged {Count} expired stored responses")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(1202, LogLevel.Error, "The response store failed while {Operation}")]
    private static partial void LogStoreFailed(ILogger logger, string operation, Exception exception);
}
