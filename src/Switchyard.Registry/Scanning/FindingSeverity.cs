namespace Switchyard.Registry.Scanning;

/// <summary>How bad a finding is. Anything above <see cref="Info"/> makes a file not clean.</summary>
public enum FindingSeverity
{
    /// <summary>Worth knowing; does not block.</summary>
    Info,
    /// <summary>Unusual but not known to be harmful.</summary>
    Low,
    /// <summary>A structural oddity or something this version does not check: review before approving.</summary>
    Medium,
    /// <summary>Unapproved code path (an import outside the allow-list, a parse failure): block.</summary>
    High,
    /// <summary>A known way to run code or reach the system on load: block.</summary>
    Critical,
}
