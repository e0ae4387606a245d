using Switchyard.Registry.Scanning.Gguf;

namespace Switchyard.Registry.Scanning;

/// <summary>The scan of one file.</summary>
/// <param name="Path">The file as given or found under a given folder.</param>
/// <param name="Format">The format detected from the content.</param>
/// <param name="Size">The file's size in bytes.</param>
/// <param name="Sha256">The lowercase hex SHA-256 of the whole file, or null when it could not be read.</param>
/// <param name="Findings">What the scan found, in order.</param>
/// <param name="Imports">For pickles: every distinct <c>module.name</c> imported, allowed or not.</param>
/// <param name="Error">Why the file could not be scanned (I/O), if it could not.</param>
public sealed record FileScanResult(
    string Path,
    FileFormat Format,
    long Size,
    string? Sha256,
    IReadOnlyList<ScanFinding> Findings,
    IReadOnlyList<string> Imports,
    string? Error)
{
    /// <summary>For a GGUF file that parsed: the architecture, name, parameter count and licence from its metadata.</summary>
    public GgufModelInfo? Model { get; init; }

    /// <summary>True only when the file was read and nothing above <see cref="FindingSeverity.Info"/> was found.</summary>
    public bool IsClean => Error is null && !HasFindings;

    /// <summary>True when a finding above <see cref="FindingSeverity.Info"/> exists.</summary>
    public bool HasFindings
    {
        get
        {
            foreach (var f in Findings)
            {
                if (f.Severity > FindingSeverity.Info)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>The worst severity among the findings, or null when there are none.</summary>
    public FindingSeverity? WorstSeverity
    {
        get
        {
            FindingSeverity? worst = null;
            foreach (var f in Findings)
            {
                if (worst is null || f.Severity > worst)
                {
                    worst = f.Severity;
                }
            }
            return worst;
        }
    }
}
