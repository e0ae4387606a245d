namespace Switchyard.Registry.Scanning.Pickle;

/// <summary>What the policy says about one import.</summary>
/// <param name="Allowed">True when the global is on the allow-list.</param>
/// <param name="Severity">The finding's severity when not allowed.</param>
/// <param name="Reason">Why.</param>
internal readonly record struct GlobalVerdict(bool Allowed, FindingSeverity Severity, string Reason);
