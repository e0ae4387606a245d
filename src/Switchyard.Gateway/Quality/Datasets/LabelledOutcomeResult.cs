namespace Switchyard.Gateway.Quality.Datasets;

/// <summary>What <see cref="LabelledOutcomeReader.Read"/> made of a file: the outcomes, or the problems, and a summary.</summary>
internal sealed record LabelledOutcomeResult
{
    /// <summary>Every outcome read, scores normalised to [0, 1]; empty when there are <see cref="Errors"/>.</summary>
    public required IReadOnlyList<LabelledOutcomeReader.Outcome> Outcomes { get; init; }

    /// <summary>The problems, each <c>file:line: what, and how to fix it</c>; at most 20 and a count of the rest.</summary>
    public required IReadOnlyList<string> Errors { get; init; }

    /// <summary>How the file was read: its shape and format, the two columns and their scales, the rows skipped and why.</summary>
    public required string Summary { get; init; }
}
