namespace Switchyard.Storage.Escalations;

/// <summary>
/// One labelled example for the router that learns which requests need the frontier: a prompt's text and whether the
/// cheap tier failed on it. Escalation records are the failures the gateway saw; these add the rest: a sample of answers
/// that passed the quality gate (<c>passed</c>), poor answers that had nowhere to escalate (<c>unescalated</c>), and
/// outcomes imported from a file (<c>import</c>, <c>switchyard dataset import</c>).
/// </summary>
public sealed record OutcomeSample
{
    /// <summary>When it was seen or imported (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary><c>passed</c>, <c>unescalated</c> or <c>import</c>.</summary>
    public required string Source { get; init; }

    public string? Route { get; init; }

    /// <summary>The request's label (a tag or the classifier's category), a feature of the router.</summary>
    public string? Label { get; init; }

    /// <summary>
    /// The request's other tags, comma-separated (its header's, <c>metadata.tags</c> or its key's defaults, and its route's):
    /// features of the router with <see cref="Label"/>; null when it had none or was stored before tags were kept.
    /// </summary>
    public string? Tags { get; init; }

    /// <summary>The prompt's text as the gateway extracts it from a request (messages joined by newlines).</summary>
    public required string Prompt { get; init; }

    /// <summary>Whether the cheap tier's answer failed.</summary>
    public required bool CheapFailed { get; init; }

    /// <summary>The cheap tier's quality score in [0, 1], when known.</summary>
    public double? CheapScore { get; init; }

    /// <summary>The strong (frontier) tier's quality score in [0, 1], when known (imports).</summary>
    public double? StrongScore { get; init; }
}
