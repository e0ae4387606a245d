namespace Switchyard.Simulator.Generation;

/// <summary>
/// A request's demand for a given answer quality (header <c>x-sim-force-quality</c>), bypassing the skill draw:
/// <c>good</c>, <c>bad</c> (a bad kind picked as usual) or <c>bad:REASON</c>.
/// </summary>
internal enum QualityOverride
{
    None = 0,
    Good,
    Bad,
    Refusal,
    Truncated,
    Empty,
    InvalidJson,
    Wrong,
}
