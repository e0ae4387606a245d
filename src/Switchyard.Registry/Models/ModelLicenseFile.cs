namespace Switchyard.Registry.Models;

/// <summary>A licence file at the root of a model folder (<c>LICENSE</c>, <c>LICENSE.txt</c>, <c>LICENCE.md</c>, <c>LICENSE-MODEL</c>...).</summary>
/// <param name="Path">Relative to the folder.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the file (the registry stores it: the licence version a user accepted), or null if unreadable.</param>
/// <param name="DetectedLicense">The Hub licence id <see cref="LicenseTextDetector"/> recognised in the text, or null.</param>
public sealed record ModelLicenseFile(string Path, string? Sha256, string? DetectedLicense);
