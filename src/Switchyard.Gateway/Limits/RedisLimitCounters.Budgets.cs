using System.Globalization;
using StackExchange.Redis;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Economics.Budgets;
using Switchyard.Gateway.Limits.Internal;

namespace Switchyard.Gateway.Limits;

/// <summary>
/// Budgets in Redis: each budget window is one account every instance reserves in and settles to. A fresh account (a
/// new window, or a Redis that lost its data) starts from what the request log says the window spent, as a ledger in
/// memory does at startup. This process's ledgers mirror the accounts' figures after each call, for the warning header,
/// <c>/admin/budgets</c> and the gauges.
/// </summary>
internal sealed partial class RedisLimitCounters
{
    private TaskCompletionSource _anySettled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask<BudgetOutcome> ReserveAsync(BudgetTicket ticket, DateTimeOffset now)
    {
        BudgetOutcome outcome;
        if (ticket.Early is { } early)
        {
            // Asked with the rate limits (AcquireAsync with budgets): that answer, once.
            ticket.Early = null;
            outcome = early;
        }
        else if (SkipRedis())
        {
            return BudgetFallback(ticket, now, null);
        }
        else
        {
            var (keys, args) = ReserveCall(ticket, now);
            var waiting = _anySettled.Task;
            try
            {
                var result = (RedisResult[])(await CallAsync(LimitScripts.Reserve, keys, args).ConfigureAwait(false))!;
                outcome = await BudgetsDecidedAsync(ticket, keys, args, result, waiting, now).ConfigureAwait(false);
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                return BudgetFallback(ticket, now, e);
            }
        }

        if (outcome.Admission == Admission.Refused)
        {
            ticket.Ledgers[outcome.Index].CountRefusal();
        }

        return outcome;
    }

    /// <summary>The keys and arguments of <see cref="LimitScripts.Reserve"/> for <paramref name="ticket"/> (its windows written into it).</summary>
    private (RedisKey[] Keys, RedisValue[] Args) ReserveCall(BudgetTicket ticket, DateTimeOffset now)
    {
        var ledgers = ticket.Ledgers;
        var keys = new RedisKey[ledgers.Length * 2];
        var args = new RedisValue[5 + (ledgers.Length * 5)];
        args[0] = now.ToUnixTimeMilliseconds();
        args[1] = BudgetLedger.ToNanos(ticket.Estimate);
        args[2] = ticket.RequestId;
        args[3] = (now + Lease).ToUnixTimeMilliseconds();
        args[4] = (long)Lease.TotalMilliseconds;
        for (var i = 0; i < ledgers.Length; i++)
        {
            var config = ledgers[i].Config;
            var (start, end) = BudgetLedger.Window(config.Period, now);
            ticket.Windows[i] = start;
            keys[2 * i] = BudgetKey(config, start);
            keys[(2 * i) + 1] = keys[2 * i].Append(":leases");
            args[5 + (5 * i)] = BudgetLedger.ToNanos(config.Limit);
            args[6 + (5 * i)] = BudgetLedger.ToNanos(config.Limit * config.WarnAt);
            args[7 + (5 * i)] = config.Mode == BudgetMode.Hard ? 1 : 0;
            args[8 + (5 * i)] = -1;
            args[9 + (5 * i)] = Ttl(end, now);
        }

        return (keys, args);
    }

    /// <summary>
    /// Reads <see cref="LimitScripts.Reserve"/>'s answer (<paramref name="result"/>); when it asks for seeds, seeds the fresh
    /// accounts and calls again with them (two round trips once per window). <paramref name="waiting"/>: the settlement
    /// announcement current before the first call.
    /// </summary>
    private async ValueTask<BudgetOutcome> BudgetsDecidedAsync(BudgetTicket ticket, RedisKey[] keys, RedisValue[] args, RedisResult[] result, Task waiting, DateTimeOffset now)
    {
        var ledgers = ticket.Ledgers;
        if ((int)result[0] == 3)
        {
            for (var u = 1; u < result.Length; u++)
            {
                var i = (int)result[u] - 1;
                args[8 + (5 * i)] = BudgetLedger.ToNanos(await SeedAsync(ledgers[i].Config, ticket.Windows[i]).ConfigureAwait(false));
            }

            result = (RedisResult[])(await CallAsync(LimitScripts.Reserve, keys, args).ConfigureAwait(false))!;
        }

        for (var i = 0; i < ledgers.Length; i++)
        {
            ledgers[i].Mirror((long)result[2 + (2 * i)], (long)result[3 + (2 * i)], ticket.Windows[i], now);
        }

        var at = (int)result[1] - 1;
        return (int)result[0] switch
        {
            0 => new BudgetOutcome(Admission.Admitted, -1, Task.CompletedTask),
            // Requests in flight stand in the way: ask again when any instance settles one (published), a settlement here,
            // or a second passes (a lost message, or a reservation whose lease ends).
            1 => new BudgetOutcome(Admission.Wait, at, Task.WhenAny(waiting, ledgers[at].NextSettlement, Task.Delay(BudgetPoll, _network))),
            _ => new BudgetOutcome(Admission.Refused, at, Task.CompletedTask),
        };
    }

    public async ValueTask SettleAsync(BudgetTicket ticket, double actual, DateTimeOffset now, Action<BudgetLedger, BudgetCrossing> crossed)
    {
        if (ticket.Local)
        {
            // Reserved while Redis was unreachable: settled here. Its cost reaches the shared account through the request
            // log only if the account is started afresh (decision 0023 says why that is accepted).
            MemoryLimitCounters.SettleLocal(ticket, actual, now, crossed);
            return;
        }

        var (keys, args, windows) = SettleBudgetsCall(ticket, actual, now);
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await CallAsync(LimitScripts.SettleBudgets, keys, args).ConfigureAwait(false))!;
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            // The reservation ends with its lease; the cost is in the request log.
            Health.Failed(e, request: false);
            return;
        }

        BudgetsSettled(ticket, result, windows, now, crossed);
    }

    /// <remarks>PERF: counted in Redis, both are settled by one script call (docs/decisions/0023).</remarks>
    public async ValueTask SettleAsync(RateTicket? rate, long usedTokens, BudgetTicket? budgets, double actual, DateTimeOffset now, Action<BudgetLedger, BudgetCrossing> crossed)
    {
        if (rate is null || budgets is null || rate.Local || budgets.Local)
        {
            // Both started before either is awaited: with both in Redis, one round trip.
            var budgetsSettled = budgets is null ? ValueTask.CompletedTask : SettleAsync(budgets, actual, now, crossed);
            var rateSettled = rate is null ? ValueTask.CompletedTask : SettleAsync(rate, usedTokens);
            await budgetsSettled.ConfigureAwait(false);
            await rateSettled.ConfigureAwait(false);
            return;
        }

        var (rateKeys, rateArgs) = SettleCall(rate, usedTokens);
        var (budgetKeys, budgetArgs, windows) = SettleBudgetsCall(budgets, actual, now);
        var (keys, args) = Joined(rateKeys, rateArgs, budgetKeys, budgetArgs);
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await CallAsync(LimitScripts.SettleBoth, keys, args).ConfigureAwait(false))!;
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            // The window keeps the estimate, places in flight and reservations end with their leases, and the cost is in
            // the request log.
            Health.Failed(e, request: false);
            return;
        }

        BudgetsSettled(budgets, result, windows, now, crossed);
    }

    /// <summary>The keys and arguments of <see cref="LimitScripts.SettleBudgets"/> for <paramref name="ticket"/>, and the windows it settles in.</summary>
    private (RedisKey[] Keys, RedisValue[] Args, DateTimeOffset[] Windows) SettleBudgetsCall(BudgetTicket ticket, double actual, DateTimeOffset now)
    {
        var ledgers = ticket.Ledgers;
        var keys = new RedisKey[ledgers.Length * 3];
        var args = new RedisValue[3 + (ledgers.Length * 3)];
        args[0] = ticket.RequestId;
        args[1] = BudgetLedger.ToNanos(actual);
        args[2] = _settledChannel.ToString();
        var windows = new DateTimeOffset[ledgers.Length];
        for (var i = 0; i < ledgers.Length; i++)
        {
            var config = ledgers[i].Config;
            var (start, end) = BudgetLedger.Window(config.Period, now);
            windows[i] = start;
            keys[3 * i] = BudgetKey(config, ticket.Windows[i]);
            keys[(3 * i) + 1] = keys[3 * i].Append(":leases");
            keys[(3 * i) + 2] = BudgetKey(config, start);
            args[3 + (3 * i)] = BudgetLedger.ToNanos(config.Limit);
            args[4 + (3 * i)] = BudgetLedger.ToNanos(config.Limit * config.WarnAt);
            args[5 + (3 * i)] = Ttl(end, now);
        }

        return (keys, args, windows);
    }

    /// <summary>Mirrors <see cref="LimitScripts.SettleBudgets"/>' answer into the ledgers, and announces what it passed.</summary>
    private static void BudgetsSettled(BudgetTicket ticket, RedisResult[] result, DateTimeOffset[] windows, DateTimeOffset now, Action<BudgetLedger, BudgetCrossing> crossed)
    {
        var ledgers = ticket.Ledgers;
        for (var i = 0; i < ledgers.Length; i++)
        {
            var ledger = ledgers[i];
            ledger.Mirror((long)result[3 * i], (long)result[(3 * i) + 1], windows[i], now);
            var crossing = (BudgetCrossing)(int)result[(3 * i) + 2];
            if (crossing != BudgetCrossing.None)
            {
                ledger.CountCrossing(crossing);
                crossed(ledger, crossing);
            }

            ledger.Wake();
        }
    }

    private BudgetOutcome BudgetFallback(BudgetTicket ticket, DateTimeOffset now, Exception? error)
    {
        Failed(error);
        return _config.OnFailure == LimitsFailurePolicy.Closed ? BudgetOutcome.Closed : MemoryLimitCounters.Reserve(ticket, now) with { Degraded = true };
    }

    /// <summary>What the request log says a window spent before its account existed (nothing without a request log).</summary>
    private async Task<double> SeedAsync(BudgetConfig budget, DateTimeOffset window)
    {
        if (_book.Seeder is not { } seeder)
        {
            return 0;
        }

        // PERF: a query of the request log, once per budget window (or after Redis lost its data): off the request's thread.
        return await Task.Run(() => seeder(budget, window)).ConfigureAwait(false);
    }

    private void WakeAll()
    {
        var settled = Interlocked.Exchange(ref _anySettled, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        settled.TrySetResult();
    }

    /// <summary>
    /// A budget window's account: the budget's scope (name, route, team, key, period: a reload that changes any of them
    /// starts a new account, as it starts a new ledger) and the window's start.
    /// </summary>
    private RedisKey BudgetKey(BudgetConfig budget, DateTimeOffset window) => string.Create(CultureInfo.InvariantCulture,
        $"{_prefix}budget:{budget.Name}|{budget.Route}|{budget.Team}|{budget.Key}|{budget.Period}:{window.ToUnixTimeSeconds()}");

    /// <summary>An account lives a day past its window, for what operators read after it.</summary>
    private static long Ttl(DateTimeOffset end, DateTimeOffset now) => (long)Math.Ceiling((end - now).TotalSeconds) + 86_400;
}
