namespace Switchyard.Gateway.Routing.Learned;

/// <summary>How a router trades strong-model calls for quality on a set of items; see <see cref="RoutingMetrics"/>.</summary>
/// <param name="Curve">
/// One point per threshold, from routing none (call share 0) through every distinct score to routing all (call share
/// 1), in increasing call share.
/// </param>
/// <param name="Apgr">
/// Average performance gap recovered: the area under PGR against call share over [0, 1], by the trapezoidal rule.
/// 0.5 is what a random router gets in expectation; 0 when <paramref name="GapIsDegenerate"/>.
/// </param>
/// <param name="Cpt50">The smallest call share on the curve whose PGR reaches 0.5; null when the gap is degenerate.</param>
/// <param name="Cpt80">The smallest call share on the curve whose PGR reaches 0.8; null when the gap is degenerate.</param>
/// <param name="Auroc">
/// How well the scores rank the items the weak model failed (weak quality below strong quality) above the others: the
/// probability that a random such item outscores a random other one, ties counting half; null when either group is empty.
/// </param>
/// <param name="WeakMean">The weak model's mean quality over all items.</param>
/// <param name="StrongMean">The strong model's mean quality over all items.</param>
/// <param name="GapIsDegenerate">
/// True when the strong and weak means are equal (to 1e-12 of their size): there is no gap to recover, PGR is reported as
/// 0 everywhere, and <paramref name="Apgr"/>, <paramref name="Cpt50"/> and <paramref name="Cpt80"/> say nothing.
/// </param>
/// <param name="Note">Why a figure is missing or unusual, in words for a report; null when there is nothing to say.</param>
internal sealed record RoutingEvaluation(
    IReadOnlyList<RoutingCurvePoint> Curve,
    double Apgr,
    double? Cpt50,
    double? Cpt80,
    double? Auroc,
    double WeakMean,
    double StrongMean,
    bool GapIsDegenerate,
    string? Note);
