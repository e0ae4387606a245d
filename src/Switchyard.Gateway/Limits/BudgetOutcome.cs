using Switchyard.Gateway.Economics.Budgets;

namespace Switchyard.Gateway.Limits;

/// <summary>What the budgets said about a request's reservation.</summary>
/// <param name="Admission">Admitted in all; or refused by, or waiting for, the budget at <paramref name="Index"/>.</param>
/// <param name="Index">The budget that did not admit it (-1 when all did).</param>
/// <param name="Settled">Completes when a request in flight settles (for <see cref="Admission.Wait"/>): ask again then.</param>
/// <param name="Degraded">Decided without the shared accounts (Redis unreachable): say so in a header.</param>
/// <param name="Unavailable">Not decided at all: Redis is unreachable and <c>on_failure</c> is closed (answer 503).</param>
internal readonly record struct BudgetOutcome(Admission Admission, int Index, Task Settled, bool Degraded = false, bool Unavailable = false)
{
    public static BudgetOutcome Closed => new(Admission.Refused, -1, Task.CompletedTask, true, true);
}
