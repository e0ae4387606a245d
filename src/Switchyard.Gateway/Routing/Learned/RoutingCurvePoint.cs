namespace Switchyard.Gateway.Routing.Learned;

/// <summary>One threshold of a router on the call-share/quality curve of <see cref="RoutingMetrics.Evaluate"/>.</summary>
/// <param name="CallShare">The fraction of items routed to the strong model, in [0, 1].</param>
/// <param name="Quality">The mean quality: strong quality for the routed items, weak quality for the rest.</param>
/// <param name="Pgr">
/// Performance gap recovered: (quality − weak mean) / (strong mean − weak mean); 0 when the two means are equal.
/// May leave [0, 1]: a router that sends exactly the items the weak model fails can beat the strong model alone.
/// </param>
/// <param name="Threshold">
/// The score threshold: items with a score at or above it go to the strong model; positive infinity routes none.
/// </param>
internal readonly record struct RoutingCurvePoint(double CallShare, double Quality, double Pgr, double Threshold);
