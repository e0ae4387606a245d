using Microsoft.Extensions.Logging;

namespace Switchyard.Gateway.Diagnostics;

/// <summary>
/// Source-generated log events of the gateway. Event ids: 1000-1099 forwarding, 1100-1199 hosting. Never log prompt or
/// completion text, API keys or Authorization headers.
/// </summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1000, LogLevel.Warning, "Request {RequestId}: deployment {Deployment} failed ({Kind}): {Detail}")]
    public static partial void AttemptFailed(ILogger logger, string requestId, string deployment, Fallback.UpstreamFailureKind kind, string detail);

    [LoggerMessage(1001, LogLevel.Warning, "Request {RequestId}: stream from deployment {Deployment} broke after the first chunk ({Kind}): {Detail}; the client got an error event")]
    public static partial void StreamBrokeAfterCommit(ILogger logger, string requestId, string deployment, Fallback.UpstreamFailureKind kind, string detail);

    [LoggerMessage(1002, LogLevel.Information, "Request {RequestId}: stream from deployment {Deployment} ended without [DONE] after its finish_reason; [DONE] was added")]
    public static partial void MissingDoneAdded(ILogger logger, string requestId, string deployment);

    [LoggerMessage(1003, LogLevel.Debug, "Request {RequestId}: client disconnected; upstream call cancelled")]
    public static partial void ClientGone(ILogger logger, string requestId);

    [LoggerMessage(1005, LogLevel.Error, "Request {RequestId}: unexpected failure in the gateway")]
    public static partial void Unexpected(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(1006, LogLevel.Debug, "Request {RequestId}: the request could not be read: {Reason}")]
    public static partial void BadClientRequest(ILogger logger, string requestId, string reason);

    [LoggerMessage(1007, LogLevel.Debug, "Request {RequestId}: deployment {Primary} sent no first token within {AfterMs} ms; hedging to {Hedge}")]
    public static partial void Hedging(ILogger logger, string requestId, string primary, string hedge, long afterMs);

    [LoggerMessage(1008, LogLevel.Information, "Request {RequestId}: the answer of {Deployment} scored {Score} (failed: {Failed}); escalating to the next tier")]
    public static partial void Escalating(ILogger logger, string requestId, string deployment, string score, string failed);

    [LoggerMessage(1010, LogLevel.Warning, "Deployment {Deployment}: {State}")]
    public static partial void DeploymentStateChanged(ILogger logger, string deployment, string state);

    [LoggerMessage(1011, LogLevel.Warning, "Deployment {Deployment} rejected the logprobs the quality gate asked for ({Detail}); the request is sent again without them, and the deployment is not asked for them again: its answers are gated without the logprobs check")]
    public static partial void LogprobsRejected(ILogger logger, string deployment, string detail);

    [LoggerMessage(1012, LogLevel.Warning, "Budget {Budget} has passed its warning share of {WarnPercent:0.#}%: ${Spent:0.0000} of ${Limit:0.00} spent; it resets at {ResetsAt:u}")]
    public static partial void BudgetWarning(ILogger logger, string budget, double warnPercent, double spent, double limit, DateTimeOffset resetsAt);

    [LoggerMessage(1030, LogLevel.Warning, "Budget {Budget} has passed its limit ({Mode}): ${Spent:0.0000} of ${Limit:0.00} spent; it resets at {ResetsAt:u}")]
    public static partial void BudgetExceeded(ILogger logger, string budget, string mode, double spent, double limit, DateTimeOffset resetsAt);

    [LoggerMessage(1101, LogLevel.Information, "Configuration reloaded from {Path} (generation {Generation}): {Routes} routes, {Deployments} deployments")]
    public static partial void ConfigReloaded(ILogger logger, string path, int generation, int routes, int deployments);

    [LoggerMessage(1102, LogLevel.Error, "Configuration {Path} was changed but is invalid; the running configuration is kept. {Errors}")]
    public static partial void ConfigReloadRejected(ILogger logger, string path, string errors);

    [LoggerMessage(1103, LogLevel.Warning, "Configuration reload: {Note}")]
    public static partial void ConfigReloadNote(ILogger logger, string note);

    [LoggerMessage(1100, LogLevel.Information, "Switchyard listening on {Urls}: {Routes} routes, {Deployments} deployments")]
    public static partial void Listening(ILogger logger, string urls, int routes, int deployments);

    [LoggerMessage(1013, LogLevel.Warning, "Deployment {Deployment} is withdrawn from routing: its registry model {Model} {Reason}. Requests in flight finish; new ones go elsewhere.")]
    public static partial void DeploymentWithdrawn(ILogger logger, string deployment, string model, string reason);

    [LoggerMessage(1016, LogLevel.Warning, "Deployment {Deployment} serves registry model {Model}, which {Reason}: registry.enforce: warn serves it anyway. Set enforce: on once every deployment names an approved model.")]
    public static partial void DeploymentServedUnapproved(ILogger logger, string deployment, string model, string reason);

    [LoggerMessage(1014, LogLevel.Warning, "The model registry could not be read ({Reason}); the last statuses stay in force.")]
    public static partial void RegistryUnreadable(ILogger logger, string reason);

    [LoggerMessage(1017, LogLevel.Warning, "Not yet listening for other instances' changes on PostgreSQL after {Seconds} s: serving anyway; revocations and registry decisions arrive by the one-second reads until the listener connects")]
    public static partial void NotYetListening(ILogger logger, double seconds);

    [LoggerMessage(1015, LogLevel.Warning, "{Warning}")]
    public static partial void RegistryWarning(ILogger logger, string warning);
}
