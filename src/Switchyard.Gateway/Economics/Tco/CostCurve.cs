using System.Collections.Immutable;

namespace Switchyard.Gateway.Economics.Tco;

/// <summary>One strategy's annual cost against daily volume, as points to join with straight lines (a step is two points at one volume).</summary>
/// <param name="Strategy">The strategy's name.</param>
/// <param name="Points">Ordered by volume.</param>
internal sealed record CostCurve(string Strategy, ImmutableArray<CostPoint> Points);
