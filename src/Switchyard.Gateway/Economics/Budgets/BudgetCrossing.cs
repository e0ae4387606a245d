namespace Switchyard.Gateway.Economics.Budgets;

/// <summary>The shares of its limit a budget has just passed.</summary>
[Flags]
internal enum BudgetCrossing
{
    None = 0,

    /// <summary>Its warning share (<c>warn_at</c>) of the limit.</summary>
    Warning = 1,

    /// <summary>The whole limit.</summary>
    Exceeded = 2,
}
