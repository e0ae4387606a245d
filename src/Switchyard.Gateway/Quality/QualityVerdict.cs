using System.Globalization;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Quality;

/// <summary>What the quality gate made of one answer.</summary>
/// <param name="Score">The weighted score in [0, 1].</param>
/// <param name="Passed">Whether it reached the route's threshold.</param>
/// <param name="Failed">The checks it failed.</param>
/// <param name="Reasons">Why each failed check failed, for headers and records; <see langword="null"/> when none did.</param>
/// <param name="Weighted">Σ weight·pass over the checks that applied (so that a later check can be added in).</param>
/// <param name="Total">Σ weight over the checks that applied.</param>
/// <param name="Vetoed">A check failed that makes the answer unusable whatever the weights (score 0).</param>
internal readonly record struct QualityVerdict(double Score, bool Passed, QualityFailures Failed, string? Reasons, double Weighted = 0, double Total = 0, bool Vetoed = false)
{
    /// <summary>The mean token logprob of the answer, when the gate read its logprobs (a signal kept with escalations).</summary>
    public double? LogprobMean { get; init; }

    /// <summary>The least likely token's logprob, when the gate read the answer's logprobs.</summary>
    public double? LogprobMin { get; init; }

    /// <summary>The failed checks' names, comma-separated (<c>refusal,truncated</c>), or <see langword="null"/>.</summary>
    public string? FailedNames => QualityFailuresNames.Describe(Failed);

    /// <summary>The score as a header value (<c>0.67</c>).</summary>
    public string ScoreText => Score.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>
    /// This verdict with one more check's result added in (the checks that call a model run after the cheap ones):
    /// <paramref name="value"/> in [0, 1] at <paramref name="weight"/>; <paramref name="pass"/> false marks it failed.
    /// </summary>
    public QualityVerdict With(QualityCheck check, double weight, double value, bool pass, string? reason, double threshold)
    {
        if (weight <= 0)
        {
            return this;
        }

        var weighted = Weighted + weight * value;
        var total = Total + weight;
        var score = Vetoed ? 0 : weighted / total;
        var failed = pass ? Failed : Failed | (QualityFailures)(1 << (int)check);
        var reasons = pass || reason is null ? Reasons : Reasons is null ? reason : Reasons + "; " + reason;
        return this with { Score = score, Passed = score >= threshold, Failed = failed, Reasons = reasons, Weighted = weighted, Total = total };
    }
}
