namespace Switchyard.Gateway.Quality.Datasets;

/// <summary>How to read an outcome file: which two models (tiers, columns) to compare, its format and its score scale.</summary>
internal sealed record LabelledOutcomeOptions
{
    /// <summary>The cheap model's tier or column (<c>--weak</c>); by default the first of two.</summary>
    public string? Weak { get; init; }

    /// <summary>The strong model's tier or column (<c>--strong</c>); by default the last of two.</summary>
    public string? Strong { get; init; }

    public LabelledOutcomeFormat Format { get; init; } = LabelledOutcomeFormat.Auto;

    /// <summary>
    /// The score that means perfect (<c>--score-scale</c>: 1, 5, 10 or 100), or null to choose per column from the largest
    /// score in it: up to 1, 10 (MT-Bench's judge) or 100.
    /// </summary>
    public double? ScoreScale { get; init; }
}
