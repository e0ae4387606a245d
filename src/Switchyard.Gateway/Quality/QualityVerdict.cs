namespace Switchyard.Gateway.Quality;

/// <summary>What the quality gate made of one answer.</summary>
/// <param name="Score">The weighted score in [0, 1].</param>
/// <param name="Passed">Whether it reached the route's threshold.</param>
/// <param name="Failed">The checks it failed.</param>
/// <param name="Reasons">Why each failed check failed, for headers and records; <see langword="null"/> when none did.</param>
internal readonly record struct QualityVerdict(double Score, bool Passed, QualityFailures Failed, string? Reasons)
{
    /// <summary>The failed checks' names, comma-separated (<c>refusal,truncated</c>), or <see langword="null"/>.</summary>
    public string? FailedNames => QualityFailuresNames.Describe(Failed);

    /// <summary>The score as a header value (<c>0.67</c>).</summary>
    public string ScoreText => Score.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
