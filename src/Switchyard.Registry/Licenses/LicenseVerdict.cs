namespace Switchyard.Registry.Licenses;

/// <summary>The result of <see cref="LicensePolicy.Evaluate"/> for a model and its base chain.</summary>
/// <param name="Outcome">The worst outcome among <paramref name="Clauses"/>; <see cref="LicenseOutcome.Allowed"/> when none needs review or forbids.</param>
/// <param name="Clauses">Every finding, in chain order (the model first) and, within a link, in the order of the checks.</param>
/// <param name="Obligations">The union of the duties along the chain, without duplicates, in the order they were first met.</param>
public sealed record LicenseVerdict(LicenseOutcome Outcome, IReadOnlyList<LicenseClause> Clauses, IReadOnlyList<LicenseObligation> Obligations)
{
    /// <summary>A verdict whose outcome is the worst of <paramref name="clauses"/>.</summary>
    public static LicenseVerdict From(IReadOnlyList<LicenseClause> clauses, IReadOnlyList<LicenseObligation> obligations)
    {
        var outcome = LicenseOutcome.Allowed;
        foreach (var clause in clauses)
        {
            if (clause.Outcome > outcome)
            {
                outcome = clause.Outcome;
            }
        }

        return new LicenseVerdict(outcome, clauses, obligations);
    }

    /// <summary>Whether the model may be approved without a person looking at it (obligations still apply).</summary>
    public bool IsAllowed => Outcome == LicenseOutcome.Allowed;

    /// <summary>The clauses with exactly <paramref name="outcome"/>.</summary>
    public IEnumerable<LicenseClause> ClausesWith(LicenseOutcome outcome) => Clauses.Where(c => c.Outcome == outcome);
}
