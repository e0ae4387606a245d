namespace Switchyard.Registry.Licenses;

/// <summary>One finding of a licence check about one link of a chain.</summary>
/// <param name="Code">A stable kebab-case code from <see cref="LicenseCodes"/>, such as <c>non-commercial</c>.</param>
/// <param name="ModelId">The link the finding is about.</param>
/// <param name="LicenseId">The canonical licence id the finding is about, or null when the licence is unknown.</param>
/// <param name="Outcome">What this finding alone makes of the verdict.</param>
/// <param name="Reason">A sentence for a human: what the licence says, what the profile says and so what.</param>
public sealed record LicenseClause(string Code, string ModelId, string? LicenseId, LicenseOutcome Outcome, string Reason);
