using Microsoft.Extensions.Logging;

namespace Switchyard.Gateway.Shadow;

/// <summary>
/// Source-generated log events of shadow traffic, ids 1400-1419. Never the prompt or either answer.
/// </summary>
internal static partial class ShadowLog
{
    [LoggerMessage(1400, LogLevel.Warning, "Shadow of route {Route}: its queue of {Queue} is full; {Dropped} picked requests were dropped so far (raise shadow.queue or shadow.max_concurrency, or lower shadow.share)")]
    public static partial void Dropped(ILogger logger, string route, int queue, long dropped);

    [LoggerMessage(1401, LogLevel.Information, "Shadow of route {Route}: its budget of ${Limit} a {Per} is spent; picked requests are left out until the window turns over")]
    public static partial void BudgetSpent(ILogger logger, string route, decimal limit, string per);

    [LoggerMessage(1402, LogLevel.Debug, "Shadow of request {RequestId}: candidate {Deployment} gave no answer: {Problem}")]
    public static partial void CandidateFailed(ILogger logger, string requestId, string deployment, string problem);

    [LoggerMessage(1403, LogLevel.Error, "Shadow of request {RequestId}: the comparison failed unexpectedly")]
    public static partial void Unexpected(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(1404, LogLevel.Warning, "Shadow comparisons could not be stored ({Count} lost): {Problem}")]
    public static partial void StoreFailed(ILogger logger, int count, string problem);
}
