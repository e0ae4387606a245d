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

    /// <summary>
    /// Reserves the request's worst-case cost in every budget it is charged to; <see langword="null"/> when all admit it,
    /// otherwise the error to send (and nothing stays reserved).
    /// </summary>
    private async ValueTask<ApiError?> ReserveBudgetsAsync(HttpContext context, BudgetLedger[] budgets, Route route, ParsedRequest parsed, EndpointKind endpoint, LogFields log)
    {
        var estimate = BudgetBook.WorstCase(route, log.Table!, parsed.EstimatedPromptTokens, parsed.MaxTokens, endpoint == EndpointKind.Embeddings);
        var started = _time.GetTimestamp();
        var reserved = 0;
        var windows = new DateTimeOffset[budgets.Length];
        try
        {
            for (; reserved < budgets.Length; reserved++)
            {
                var ledger = budgets[reserved];
                Admission admission;
                while ((admission = ledger.TryReserve(estimate, _time.GetUtcNow(), out var settled, out windows[reserved])) == Admission.Wait
                    && _time.GetElapsedTime(started) < BudgetWait)
                {
                    // Only requests in flight stand in the way: their real cost decides whether this one fits.
                    try
                    {
                        await settled.WaitAsync(BudgetWait - _time.GetElapsedTime(started), _time, context.RequestAborted).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                        break;
                    }
                }

                if (admission != Admission.Admitted)
                {
                    Release(budgets, windows, reserved, estimate);
                    return new ApiError(StatusCodes.Status429TooManyRequests, "insufficient_quota", BudgetBook.Refusal(ledger, estimate), null, "budget_exceeded");
                }
            }
        }
        catch
        {
            // The client left while waiting: what was reserved for it is given back.
            Release(budgets, windows, reserved, estimate);
            throw;
        }

        log.Budgets = budgets;
        log.BudgetWindows = windows;
        log.BudgetEstimate = estimate;
        foreach (var ledger in budgets)
        {
            if (ledger.Used >= ledger.Config.WarnAt)
            {
                context.Response.Headers.Append(BudgetWarningHeader, BudgetBook.Warning(ledger));
            }
        }

        return null;
    }

    /// <summary>Gives back the reservations made in the first <paramref name="count"/> budgets.</summary>
    private void Release(BudgetLedger[] budgets, DateTimeOffset[] windows, int count, double estimate)
    {
        for (var i = 0; i < count; i++)
        {
            budgets[i].Settle(estimate, 0, windows[i], _time.GetUtcNow());
        }
    }

    /// <summary>Replaces the request's reservations with what it cost (the answer and everything spent on the way).</summary>
    private void SettleBudgets(LogFields log)
    {
        if (log.Budgets is not { } budgets)
        {
            return;
        }

        var actual = (log.FinalCosts ?? log.Costs()).Total;
        var now = _time.GetUtcNow();
        for (var i = 0; i < budgets.Length; i++)
        {
            var ledger = budgets[i];
            var crossed = ledger.Settle(log.BudgetEstimate, actual, log.BudgetWindows![i], now);
            if (crossed != BudgetCrossing.None)
            {
                // Each once a window: the state (/admin/budgets) says where every budget stands at any time.
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
        }
    }
}
