namespace Switchyard.Registry.Licenses;

/// <summary>The outcome of a licence check, ordered by severity: a verdict is its worst clause.</summary>
public enum LicenseOutcome
{
    /// <summary>The licence allows the use; obligations may still apply.</summary>
    Allowed,
    /// <summary>Legal must review before the model is approved; never approved automatically.</summary>
    NeedsReview,
    /// <summary>The licence does not allow the use the profile declares.</summary>
    Forbidden,
}
