namespace Switchyard.Registry.Models;

/// <summary>
/// One statement of a model's licence, as found: not normalised nor compared (the licence catalog does that).
/// </summary>
/// <param name="Source">
/// The relative path of the file that states it: <c>README.md</c> (card front matter), the licence file
/// (<c>LICENSE</c>, <c>LICENSE.txt</c>...; the id was recognised in its text), or a GGUF file (its metadata).
/// </param>
/// <param name="License">The licence id as written: the card's <c>license</c>, the GGUF's <c>general.license</c>, or the id detected in a licence file.</param>
/// <param name="LicenseName">The card's <c>license_name</c> or the GGUF's <c>general.license.name</c>, when given.</param>
public sealed record DeclaredLicense(string Source, string? License, string? LicenseName)
{
    /// <summary>The card's <c>license_link</c> or the GGUF's <c>general.license.link</c>, when given.</summary>
    public string? LicenseLink { get; init; }
}
