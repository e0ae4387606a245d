using Microsoft.AspNetCore.Http;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Diagnostics;
using Switchyard.Gateway.Economics.Budgets;
using Switchyard.Gateway.Routing;

namespace Switchyard.Gateway.Forwarding;

/// <summary>Budgets: the worst case reserved before any upstream call, what the request really cost settled after.</summary>
internal sealed partial class RequestForwarder
{
    public const string BudgetWarningHeader = "x-switchyard-budget-warning";

    /// <summary>How long a request waits for requests in flight to settle when only they stand between it and the limit.</summary>
    private static readonly TimeSpan BudgetWait = TimeSpan.FromSeconds(30);

    /// <summary>The budgets a request is charged to: the configuration's for its route, team and key, and its key's own.</summary>
    private BudgetLedger[] Budgets(HttpContext context, Route route, LogFields log)
    {
        var configured = _runtime.Budgets.For(route.Name, log.Team, log.KeyId);
        if (Auth.ClientAuthentication.Key(context) is { BudgetUsd: { } limit } key)
        {
            var period = key.BudgetPeriod == "month" ? Configuration.BudgetPeriod.Month : Configuration.BudgetPeriod.Day;
            return [.. configured, _runtime.Budgets.ForKey(key.Id, limit, period, _time.GetUtcNow())];
        }

        return configured;
    }

    /// <summary>The budgets the request is charged to and its worst-case cost; <see langword="null"/> when none applies.</summary>
    private Limits.BudgetTicket? BudgetTicketFor(HttpContext context, Route route, ParsedRequest parsed, EndpointKind endpoint, string requestId, LogFields log)
    {
        var budgets = Budgets(context, route, log);
        return budgets.Length == 0
            ? null
            : new Limits.BudgetTicket(budgets, BudgetBook.WorstCase(route, log.Table!, parsed.EstimatedPromptTokens, parsed.MaxTokens, endpoint == EndpointKind.Embeddings), requestId);
    }

    /// <summary>
    /// Reserves the request's worst-case cost in every budget it is charged to; <see langword="null"/> when all admit it,
    /// otherwise the error to send (and nothing stays reserved).
    /// </summary>
    private async ValueTask<ApiError?> ReserveBudgetsAsync(HttpContext context, Limits.BudgetTicket ticket, LogFields log)
    {
        var (budgets, estimate) = (ticket.Ledgers, ticket.Estimate);
        var started = _time.GetTimestamp();
        Limits.BudgetOutcome outcome;
        while ((outcome = await _runtime.Limits.ReserveAsync(ticket, _time.GetUtcNow())).Admission == Admission.Wait
            && _time.GetElapsedTime(started) < BudgetWait)
        {
            // Only requests in flight stand in the way: their real cost decides whether this one fits. Nothing stays
            // reserved meanwhile (all or nothing), so a client that leaves here owes nothing.
            try
            {
                await outcome.Settled.WaitAsync(BudgetWait - _time.GetElapsedTime(started), _time, context.RequestAborted).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                break;
            }
        }

        if (outcome.Degraded)
        {
            context.Response.Headers[LimitsHeader] = "degraded";
            _runtime.Metrics?.LimitsDegraded(outcome.Unavailable);
        }

        if (outcome.Unavailable)
        {
            return LimitsUnavailable(context, "budgets");
        }

        if (outcome.Admission != Admission.Admitted)
        {
            return new ApiError(StatusCodes.Status429TooManyRequests, "insufficient_quota", BudgetBook.Refusal(budgets[outcome.Index], estimate), null, "budget_exceeded");
        }

        log.Budgets = ticket;
        foreach (var ledger in budgets)
        {
            if (ledger.Used >= ledger.Config.WarnAt)
            {
                context.Response.Headers.Append(BudgetWarningHeader, BudgetBook.Warning(ledger));
            }
        }

        return null;
    }

    /// <summary>A budget has just passed its warning share or its limit: each once a window, with where it stands.</summary>
    private void Announce(BudgetLedger ledger, BudgetCrossing crossed)
    {
        // The state (/admin/budgets) says where every budget stands at any time.
        var config = ledger.Config;
        var spent = ledger.Spent;
        if ((crossed & BudgetCrossing.Warning) != 0)
        {
            GatewayLog.BudgetWarning(_logger, config.Name, config.WarnAt * 100, spent, config.Limit, ledger.ResetsAt);
        }

        if ((crossed & BudgetCrossing.Exceeded) != 0)
        {
            GatewayLog.BudgetExceeded(_logger, config.Name, config.Mode == Configuration.BudgetMode.Soft ? "soft: requests go on" : "hard: requests are refused", spent, config.Limit, ledger.ResetsAt);
        }
    }

    private Action<BudgetLedger, BudgetCrossing>? _announce;
}
