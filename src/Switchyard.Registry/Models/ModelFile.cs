using Switchyard.Registry.Scanning;

namespace Switchyard.Registry.Models;

/// <summary>One regular file of a model folder.</summary>
/// <param name="Path">Relative to the folder, with <c>/</c> separators (<c>model-00001-of-00004.safetensors</c>, <c>original/params.json</c>).</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of its content, or null when it could not be read (see <see cref="ModelFolder.Problems"/>).</param>
/// <param name="Format">The format the scanner detected from its content.</param>
/// <param name="Findings">The scanner's findings for it.</param>
public sealed record ModelFile(string Path, long Size, string? Sha256, FileFormat Format, IReadOnlyList<ScanFinding> Findings);
