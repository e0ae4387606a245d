using Switchyard.Registry.Scanning.Manifest;
using Switchyard.Storage.Models;

namespace Switchyard.Registry.Workflow;

/// <summary>
/// Checks what a model server loads against the files the registry approved: the folder itself (every file hashed
/// again), or a manifest of it (<c>switchyard scan DIR --manifest DIR/switchyard-manifest.json</c>, or what a server's
/// deployment pipeline reports), without reading the weights.
/// </summary>
/// <remarks>
/// <code>
/// --dir PATH       ──► ManifestVerifier(approved files as a manifest, PATH) ──► changed / size changed / missing / unexpected
///   PATH/switchyard-manifest.json present ──► also compared with the approved files (a server reporting other hashes)
/// --manifest FILE  ──► its entries against the approved files, by path: changed / size changed / missing / unexpected
/// </code>
/// </remarks>
public static class ApprovedFiles
{
    // Version-control and download caches are not part of a model (ModelFolderReader skips them too).
    private static readonly string[] SkippedPrefixes = [".git/", ".cache/"];

    /// <summary>The approved files as a manifest (the folder's own manifest left out: it is not one of the files).</summary>
    public static ScanManifest AsManifest(ModelRecord model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ScanManifest("registry", model.Updated, [.. model.Files.Where(f => f.Path != ScanManifest.DefaultFileName).Select(f => new ManifestEntry(f.Path, f.Size, f.Sha256))]);
    }

    /// <summary>
    /// Hashes every file under <paramref name="folder"/> against the approved ones; when the folder holds its own manifest,
    /// compares that with the approved files too.
    /// </summary>
    public static async Task<IReadOnlyList<ApprovedFilesCheck>> VerifyFolderAsync(ModelRecord model, string folder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            return [new ApprovedFilesCheck($"the folder {root}", new ManifestVerification(0, [], [$"{root}: no such folder: give the folder the model server loads the weights from"]))];
        }

        // The approved files as if they were a manifest in the folder: paths match, and a real manifest there is not "unexpected".
        var manifestPath = Path.Combine(root, ScanManifest.DefaultFileName);
        var hashed = await new ManifestVerifier(null, TimeProvider.System).VerifyAsync(AsManifest(model), manifestPath, [root], cancellationToken).ConfigureAwait(false);
        var checks = new List<ApprovedFilesCheck>
        {
            new($"the folder {root}", hashed with
            {
                Differences = [.. hashed.Differences.Where(d => d.Kind != ManifestDifferenceKind.Unexpected || !SkippedPrefixes.Any(p => d.Path.StartsWith(p, StringComparison.Ordinal))).Select(Reword)],
            }),
        };
        if (File.Exists(manifestPath))
        {
            checks.Add(VerifyManifest(model, manifestPath));
        }

        return checks;
    }

    /// <summary>Reads the manifest at <paramref name="manifestPath"/> and compares it with the approved files; a manifest that cannot be read is an error of the check.</summary>
    public static ApprovedFilesCheck VerifyManifest(ModelRecord model, string manifestPath)
    {
        ArgumentNullException.ThrowIfNull(manifestPath);
        var subject = $"the manifest {Path.GetFullPath(manifestPath)}";
        try
        {
            return new ApprovedFilesCheck(subject, Compare(model, ScanManifest.Read(manifestPath)));
        }
        catch (ManifestFormatException e)
        {
            return new ApprovedFilesCheck(subject, new ManifestVerification(0, [], [e.Message]));
        }
    }

    /// <summary>The manifest's entries against the approved files, by path (a pure function of the two).</summary>
    public static ManifestVerification Compare(ModelRecord model, ScanManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var approved = AsManifest(model).Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var differences = new List<ManifestDifference>();
        var matched = 0;
        foreach (var entry in manifest.Files)
        {
            if (entry.Path == ScanManifest.DefaultFileName || SkippedPrefixes.Any(p => entry.Path.StartsWith(p, StringComparison.Ordinal)))
            {
                continue;
            }

            if (!approved.Remove(entry.Path, out var expected))
            {
                differences.Add(new ManifestDifference(entry.Path, ManifestDifferenceKind.Unexpected, "in the manifest, not among the approved files"));
                continue;
            }

            matched++;
            if (entry.Size != expected.Size)
            {
                differences.Add(new ManifestDifference(entry.Path, ManifestDifferenceKind.SizeChanged, $"the manifest says {entry.Size} bytes, the registry approved {expected.Size}"));
            }
            else if (entry.Sha256 != expected.Sha256)
            {
                differences.Add(new ManifestDifference(entry.Path, ManifestDifferenceKind.HashChanged, $"the manifest says sha256 {entry.Sha256}, the registry approved {expected.Sha256}"));
            }
        }

        differences.AddRange(approved.Keys.Select(path => new ManifestDifference(path, ManifestDifferenceKind.Missing, "approved, not in the manifest")));
        differences.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new ManifestVerification(matched, differences, []);
    }

    /// <summary>A difference found by hashing the folder, in the registry's words rather than a manifest's.</summary>
    private static ManifestDifference Reword(ManifestDifference difference) => difference with
    {
        Detail = difference.Kind switch
        {
            ManifestDifferenceKind.Missing => "approved, not on disk",
            ManifestDifferenceKind.Unexpected => "on disk, not among the approved files",
            _ => difference.Detail.Replace("manifest says", "the registry approved", StringComparison.Ordinal),
        },
    };

    /// <summary>0 all match; 1 any difference; 2 an error and no difference.</summary>
    public static int ExitCode(IEnumerable<ApprovedFilesCheck> checks)
    {
        var list = checks.ToList();
        return list.Any(c => c.Result.Differences.Count > 0) ? 1 : list.Any(c => c.Result.Errors.Count > 0) ? 2 : 0;
    }
}
