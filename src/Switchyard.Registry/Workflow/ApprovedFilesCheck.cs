using Switchyard.Registry.Scanning.Manifest;

namespace Switchyard.Registry.Workflow;

/// <summary>One check of a model's approved files: against what (<c>the folder PATH</c>, <c>the manifest FILE</c>) and what it found.</summary>
/// <param name="Subject">What the approved files were checked against, in words.</param>
/// <param name="Result">Files checked, every difference, and the errors (a missing folder, a manifest that cannot be read).</param>
public sealed record ApprovedFilesCheck(string Subject, ManifestVerification Result);
