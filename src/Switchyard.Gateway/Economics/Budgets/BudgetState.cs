using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Economics.Budgets;

/// <summary>
/// One budget as operators see it (<c>/admin/budgets</c>): its current window, what settled requests spent in it, what
/// requests in flight have reserved, and the counters an exporter would publish (events and refusals since start).
/// </summary>
/// <param name="Config">The budget as configured.</param>
/// <param name="WindowStart">When its current window began (UTC).</param>
/// <param name="ResetsAt">When it ends and the budget starts again from nothing.</param>
/// <param name="Spent">Dollars settled requests spent in the window.</param>
/// <param name="Reserved">Dollars reserved by requests in flight (their worst cases).</param>
/// <param name="Status">ok, warning (spent past its warning share) or exceeded (spent past its limit).</param>
/// <param name="Warnings">Times it passed its warning share (once a window at most).</param>
/// <param name="Exceedances">Times it passed its limit (once a window at most).</param>
/// <param name="Refusals">Requests it refused (hard budgets).</param>
internal sealed record BudgetState(
    BudgetConfig Config,
    DateTimeOffset WindowStart,
    DateTimeOffset ResetsAt,
    double Spent,
    double Reserved,
    BudgetStatus Status,
    long Warnings,
    long Exceedances,
    long Refusals);
