namespace Switchyard.Registry.Scanning.Manifest;

/// <summary>One file that does not match its manifest.</summary>
/// <param name="Path">The file relative to the manifest's folder.</param>
/// <param name="Kind">How it differs.</param>
/// <param name="Detail">What was expected and what was found, for a person.</param>
public sealed record ManifestDifference(string Path, ManifestDifferenceKind Kind, string Detail)
{
    /// <summary>The word the difference is shown with: changed, size changed, missing, unexpected, unreadable.</summary>
    public string KindWord => Kind switch
    {
        ManifestDifferenceKind.HashChanged => "changed",
        ManifestDifferenceKind.SizeChanged => "size changed",
        ManifestDifferenceKind.Missing => "missing",
        ManifestDifferenceKind.Unexpected => "unexpected",
        _ => "unreadable",
    };
}
