using Switchyard.Registry.Models;
using Switchyard.Registry.Scanning;
using Switchyard.Storage.Models;

namespace Switchyard.Registry.Workflow;

public sealed partial class ModelRegistry
{
    /// <summary>
    /// Scans a registered model's folder again (<c>switchyard models scan ID --dir PATH</c>): a proposed model (one whose
    /// registration stopped before its scan) becomes scanned; a scanned, approved or deprecated one gets the new scan
    /// recorded with a decision, so that a newer scanner's findings are on file. The folder must hold exactly the
    /// registered files: an approval covers those bytes and no others.
    /// </summary>
    /// <remarks>
    /// A scan that differs from the one security signed clears that sign-off while the model is under review; an
    /// approved model keeps its status (the registry never withdraws on its own), and the caller says that security
    /// decides: accept the findings again or revoke.
    /// </remarks>
    /// <exception cref="RegistryException">No such model, a final status, or a folder whose files differ from the registered ones.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="path"/> is not a folder.</exception>
    public async Task<ModelRecord> RescanAsync(string id, string path, string actor, WeightScanner scanner, CancellationToken cancellationToken = default)
    {
        var model = Get(id);
        var action = model.Status == ModelStatus.Proposed ? "scan" : "rescan";
        var to = ModelWorkflow.Require(action, model);
        var folder = await ModelFolderReader.ReadAsync(path, scanner, cancellationToken).ConfigureAwait(false);
        var differences = Differences(model, folder);
        if (differences.Count > 0)
        {
            throw new RegistryException($"The files under {Path.GetFullPath(path)} are not the ones registered as '{id}' ({string.Join("; ", differences.Take(5))}"
                + $"{(differences.Count > 5 ? $"; and {differences.Count - 5} more" : "")}). An approval covers exactly the files registered: scan the folder they are in, "
                + "or register the new files under a new id.", RegistryErrorKind.InvalidInput);
        }

        var now = time.GetUtcNow();
        var scan = Summarise(folder.Scan, now);
        var changed = model.Scan is not { } before || before.Verdict != scan.Verdict || !before.Summary.SequenceEqual(scan.Summary);
        // The security sign-off covered the scan it saw; under review, a different scan needs security to sign again.
        var signOff = changed && model.Status == ModelStatus.Scanned ? null : model.SecuritySignOff;
        var reason = $"{scan.Verdict} by {ScannerName}: {folder.Files.Count} files, {scan.Findings} findings"
            + (model.Scan is { } previous && changed ? $" (was {previous.Verdict}, {previous.Findings} findings, by {previous.Scanner})" : changed ? "" : " (unchanged)")
            + (signOff is null && model.SecuritySignOff is not null ? "; the security sign-off is cleared: security signs the new scan" : "");
        Update(model with { Status = to, Scan = scan, SecuritySignOff = signOff, Updated = now }, new ModelDecision(now, actor, "scanner", action, model.Status, to, reason));
        return Get(id);
    }

    /// <summary>How the folder's files differ from the registered ones, in words; empty when they are the same.</summary>
    private static List<string> Differences(ModelRecord model, ModelFolder folder)
    {
        var registered = model.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var file in folder.Files)
        {
            if (!registered.Remove(file.Path, out var expected))
            {
                differences.Add($"{file.Path} was not registered");
            }
            else if (file.Size != expected.Size || file.Sha256 != expected.Sha256)
            {
                differences.Add($"{file.Path} changed");
            }
        }

        differences.AddRange(registered.Keys.Select(p => $"{p} is missing"));
        return differences;
    }
}
