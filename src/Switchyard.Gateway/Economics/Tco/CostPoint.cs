namespace Switchyard.Gateway.Economics.Tco;

/// <summary>A point of a <see cref="CostCurve"/>.</summary>
/// <param name="TokensPerDay">The daily volume.</param>
/// <param name="AnnualCost">Dollars a year at that volume.</param>
internal readonly record struct CostPoint(decimal TokensPerDay, decimal AnnualCost);
