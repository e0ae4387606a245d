namespace Switchyard.Gateway.Economics.Budgets;

/// <summary>Where a budget's spend stands against its limit.</summary>
internal enum BudgetStatus
{
    /// <summary>Below its warning share.</summary>
    Ok,

    /// <summary>Past its warning share, below its limit.</summary>
    Warning,

    /// <summary>At or past its limit.</summary>
    Exceeded,
}
