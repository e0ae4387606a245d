using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Economics.Budgets;

namespace Switchyard.Gateway.Limits;

/// <summary>
/// Rate limits and budgets counted in this process (<c>limits: memory</c>, the default): each instance counts on its own.
/// Every call completes synchronously, under the short locks of <see cref="KeyRateLimiter"/> and <see cref="BudgetLedger"/>.
/// </summary>
internal sealed class MemoryLimitCounters(KeyRateLimiter limiter) : ILimitCounters
{
    public string Kind => "memory";

    /// <summary>The per-key and per-team windows.</summary>
    public KeyRateLimiter Limiter { get; } = limiter;

    public ValueTask<RateOutcome> AcquireAsync(RateTicket ticket) => new(Acquire(ticket));

    /// <remarks>A reservation in memory costs no round trip: the budgets are reserved at their turn, as without rate limits.</remarks>
    public ValueTask<RateOutcome> AcquireAsync(RateTicket ticket, BudgetTicket budgets, DateTimeOffset now) => new(Acquire(ticket));

    /// <summary>As <see cref="AcquireAsync(RateTicket)"/>, synchronously.</summary>
    public RateOutcome Acquire(RateTicket ticket)
    {
        ticket.Local = true;
        return new RateOutcome(Limiter.TryAcquire(ticket.Limits, ticket.Estimate, ticket.Decisions));
    }

    public ValueTask SettleAsync(RateTicket ticket, long usedTokens)
    {
        Settle(ticket, usedTokens);
        return ValueTask.CompletedTask;
    }

    /// <summary>As <see cref="SettleAsync(RateTicket, long)"/>, synchronously.</summary>
    public void Settle(RateTicket ticket, long usedTokens)
    {
        for (var i = 0; i < ticket.Limits.Length; i++)
        {
            Limiter.Settle(ticket.Limits[i].Id, ticket.Decisions[i].WindowStart, ticket.Estimate, usedTokens);
        }
    }

    public ValueTask<BudgetOutcome> ReserveAsync(BudgetTicket ticket, DateTimeOffset now) => new(Reserve(ticket, now));

    /// <summary>As <see cref="ReserveAsync"/>, synchronously.</summary>
    public static BudgetOutcome Reserve(BudgetTicket ticket, DateTimeOffset now)
    {
        ticket.Local = true;
        var ledgers = ticket.Ledgers;
        for (var i = 0; i < ledgers.Length; i++)
        {
            var admission = ledgers[i].TryReserve(ticket.Estimate, now, out var settled, out ticket.Windows[i]);
            if (admission != Admission.Admitted)
            {
                // All or nothing: what the earlier budgets reserved is given back while this one waits or refuses.
                for (var j = 0; j < i; j++)
                {
                    ledgers[j].Settle(ticket.Estimate, 0, ticket.Windows[j], now);
                }

                return new BudgetOutcome(admission, i, settled);
            }
        }

        return new BudgetOutcome(Admission.Admitted, -1, Task.CompletedTask);
    }

    public ValueTask SettleAsync(BudgetTicket ticket, double actual, DateTimeOffset now, Action<BudgetLedger, BudgetCrossing> crossed)
    {
        SettleLocal(ticket, actual, now, crossed);
        return ValueTask.CompletedTask;
    }

    public ValueTask SettleAsync(RateTicket? rate, long usedTokens, BudgetTicket? budgets, double actual, DateTimeOffset now, Action<BudgetLedger, BudgetCrossing> crossed)
    {
        if (budgets is not null)
        {
            SettleLocal(budgets, actual, now, crossed);
        }

        if (rate is not null)
        {
            Settle(rate, usedTokens);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Settles <paramref name="ticket"/> in the ledgers of this process.</summary>
    public static void SettleLocal(BudgetTicket ticket, double actual, DateTimeOffset now, Action<BudgetLedger, BudgetCrossing> crossed)
    {
        for (var i = 0; i < ticket.Ledgers.Length; i++)
        {
            var ledger = ticket.Ledgers[i];
            var crossing = ledger.Settle(ticket.Estimate, actual, ticket.Windows[i], now);
            if (crossing != BudgetCrossing.None)
            {
                crossed(ledger, crossing);
            }
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
