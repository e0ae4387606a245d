using Switchyard.Gateway.Routing.Content;

namespace Switchyard.Gateway.Quality.Datasets;

/// <summary>How to export (<c>switchyard dataset export</c>'s options, minus the query).</summary>
internal sealed record DatasetOptions
{
    public DatasetFormat Format { get; init; } = DatasetFormat.OpenAI;

    /// <summary>Keep only the newest example of each normalised prompt.</summary>
    public bool Dedupe { get; init; } = true;

    /// <summary>Replace personal data with its kind (<c>[EMAIL]</c>) in prompts and answers.</summary>
    public bool RedactPii { get; init; }

    /// <summary>The detector for <see cref="RedactPii"/> (the configuration's, or the built-in one).</summary>
    public PiiDetector? Pii { get; init; }

    /// <summary>Share of examples held out for validation, 0 to 0.5.</summary>
    public double ValidationShare { get; init; }

    public int Seed { get; init; } = 42;

    /// <summary>Also export escalations that found no better answer (the poor answer was sent).</summary>
    public bool IncludeUnimproved { get; init; }

    /// <summary>What the records are, as the summary names them (<c>escalation records</c>).</summary>
    public string Source { get; init; } = "escalation records";
}
