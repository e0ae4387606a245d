namespace Switchyard.Registry.Scanning.Pickle;

/// <summary>Bounds that keep the analysis' memory proportional to the input whatever the input does.</summary>
/// <param name="MaxStackDepth">Most values on the simulated stack (CPython has no limit; a real state_dict needs a few dozen).</param>
/// <param name="MaxMemoEntries">Most memo entries (a state_dict memoizes about five per tensor).</param>
/// <param name="MaxPickles">Most pickles concatenated in one stream (legacy torch files hold five).</param>
/// <param name="MaxFindings">Most findings kept per stream; one more says the rest were dropped.</param>
internal sealed record PickleLimits(int MaxStackDepth = 1_000_000, int MaxMemoEntries = 4_000_000, int MaxPickles = 1024, int MaxFindings = 1000)
{
    /// <summary>The defaults.</summary>
    public static PickleLimits Default { get; } = new();
}
