using Switchyard.Gateway.Economics.Budgets;

namespace Switchyard.Gateway.Limits;

/// <summary>The budgets one request is charged to, the worst case it reserves in each, and the windows it reserved in.</summary>
/// <param name="ledgers">The budgets: the configuration's for its route, team and key, then its key's own.</param>
/// <param name="estimate">The worst case, in dollars.</param>
/// <param name="requestId">The request's id: its reservation in a shared account.</param>
internal sealed class BudgetTicket(BudgetLedger[] ledgers, double estimate, string requestId)
{
    public BudgetLedger[] Ledgers { get; } = ledgers;

    /// <summary>The window each reservation was made in, to settle against.</summary>
    public DateTimeOffset[] Windows { get; } = new DateTimeOffset[ledgers.Length];

    public double Estimate { get; } = estimate;

    public string RequestId { get; } = requestId;

    /// <summary>Reserved in this process's memory (the default, or Redis unreachable with <c>on_failure: open</c>).</summary>
    public bool Local { get; set; }

    /// <summary>
    /// The budgets' answer when they were asked with the rate limits (<see cref="ILimitCounters.AcquireAsync(RateTicket, BudgetTicket, DateTimeOffset)"/>):
    /// the next <see cref="ILimitCounters.ReserveAsync"/> gives it instead of asking again. Admitted, the reservation is
    /// made and must be settled.
    /// </summary>
    public BudgetOutcome? Early { get; set; }
}
