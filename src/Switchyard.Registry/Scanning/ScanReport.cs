namespace Switchyard.Registry.Scanning;

/// <summary>The scan of every file under the paths given.</summary>
/// <param name="Files">One result per file, in path order.</param>
/// <param name="Errors">Problems with the paths themselves (a path that does not exist).</param>
public sealed record ScanReport(IReadOnlyList<FileScanResult> Files, IReadOnlyList<string> Errors)
{
    /// <summary>True when every file is clean, there was at least one file, and nothing went wrong.</summary>
    public bool IsClean => Errors.Count == 0 && Files.Count > 0 && Files.All(f => f.IsClean);

    /// <summary>
    /// 0 clean; 1 at least one finding; 2 an error and no finding. SECURITY: a finding wins over an error so that a
    /// broken file next to a malicious one never turns the verdict into "scan failed"; both are non-zero.
    /// </summary>
    public int ExitCode =>
        Files.Any(f => f.HasFindings) ? 1
        : Errors.Count > 0 || Files.Count == 0 || Files.Any(f => f.Error is not null) ? 2
        : 0;
}
