using Microsoft.Extensions.Logging;

namespace Switchyard.Simulator.Internal;

/// <summary>The simulator's log events (ids 8100-8199). Prompts and answers are never logged.</summary>
internal static partial class SimulatorLog
{
    [LoggerMessage(EventId = 8100, Level = LogLevel.Information, Message = "Simulator listening on {BaseAddress} serving {Models}")]
    public static partial void Started(ILogger logger, Uri baseAddress, string models);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Debug, Message = "Request {RequestId}: injecting fault {Fault}")]
    public static partial void FaultInjected(ILogger logger, string requestId, string fault);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Debug, Message = "Request {RequestId}: the client went away before the answer was complete")]
    public static partial void ClientAborted(ILogger logger, string requestId);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Debug, Message = "Request {RequestId}: {Status} {Code}: {Message}")]
    public static partial void BadRequest(ILogger logger, string requestId, int status, string? code, string message);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Error, Message = "Request {RequestId} failed")]
    public static partial void RequestFailed(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Information, Message = "Simulator on {BaseAddress} stopped")]
    public static partial void Stopped(ILogger logger, Uri baseAddress);
}
