namespace Switchyard.Registry.Licenses;

/// <summary>A duty the deployer must fulfil to use a model under its licence: a notice, a display, a name, terms to pass on.</summary>
/// <param name="Code">A stable kebab-case code from <see cref="LicenseCodes"/>, such as <c>notice</c>.</param>
/// <param name="LicenseId">The canonical id of the licence that imposes it.</param>
/// <param name="Text">What to do, in plain words.</param>
public sealed record LicenseObligation(string Code, string LicenseId, string Text);
