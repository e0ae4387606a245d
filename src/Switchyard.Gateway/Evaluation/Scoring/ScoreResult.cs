namespace Switchyard.Gateway.Evaluation.Scoring;

/// <summary>What a scorer made of one answer.</summary>
/// <param name="Score">In [0, 1]: 0 or 1 for the checks that only pass or fail, the judge's score over 10 for a judge.</param>
/// <param name="Pass">Whether the answer is good enough for this scorer.</param>
/// <param name="Detail">What was found, in words (<c>expected 42, found 41</c>).</param>
internal readonly record struct ScoreResult(double Score, bool Pass, string Detail)
{
    /// <summary>What a call made to score (the judge's) cost, in US dollars, when the gateway said.</summary>
    public decimal? Cost { get; init; }

    public static ScoreResult Passed(string detail) => new(1, true, detail);

    public static ScoreResult Failed(string detail) => new(0, false, detail);
}
