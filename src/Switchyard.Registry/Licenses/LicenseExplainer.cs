namespace Switchyard.Registry.Licenses;

/// <summary>Turns a <see cref="LicenseVerdict"/> into plain lines for the people who approve models (legal, platform owners).</summary>
public static class LicenseExplainer
{
    /// <summary>
    /// The verdict, one line per clause ("Forbidden: X is under the Mistral AI Research License (mrl), which allows research
    /// use only, and the organisation's profile says commercial production use."), then the obligations to fulfil.
    /// </summary>
    public static IReadOnlyList<string> Explain(LicenseVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var lines = new List<string>(verdict.Clauses.Count + verdict.Obligations.Count + 2)
        {
            $"Verdict: {Word(verdict.Outcome)}{Summary(verdict)}.",
        };

        foreach (var clause in verdict.Clauses)
        {
            lines.Add($"{Word(clause.Outcome)}: {clause.Reason}");
        }

        if (verdict.Obligations.Count == 0)
        {
            lines.Add("No obligations to fulfil.");
            return lines;
        }

        lines.Add("Obligations to fulfil:");
        foreach (var obligation in verdict.Obligations)
        {
            lines.Add($"- {obligation.Text} [{obligation.Code}, {obligation.LicenseId}]");
        }

        return lines;
    }

    /// <summary>The outcome in words: "Allowed", "Needs review", "Forbidden".</summary>
    public static string Word(LicenseOutcome outcome) => outcome switch
    {
        LicenseOutcome.Allowed => "Allowed",
        LicenseOutcome.NeedsReview => "Needs review",
        LicenseOutcome.Forbidden => "Forbidden",
        _ => outcome.ToString(),
    };

    private static string Summary(LicenseVerdict verdict)
    {
        var forbidden = verdict.Clauses.Count(c => c.Outcome == LicenseOutcome.Forbidden);
        var review = verdict.Clauses.Count(c => c.Outcome == LicenseOutcome.NeedsReview);
        var parts = new List<string>(2);
        if (forbidden > 0)
        {
            parts.Add(forbidden == 1 ? "1 clause forbids" : $"{forbidden} clauses forbid");
        }

        if (review > 0)
        {
            parts.Add(review == 1 ? "1 clause needs review" : $"{review} clauses need review");
        }

        return parts.Count == 0 ? "" : $" ({string.Join(", ", parts)})";
    }
}
