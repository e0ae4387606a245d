using Switchyard.Registry.Bom;
using Switchyard.Storage.Models;

namespace Switchyard.Registry.Workflow;

public sealed partial class ModelRegistry
{
    /// <summary>
    /// The approved (and deprecated) models as the ML-BOM describes them: files and hashes, licences and the obligations
    /// of their base graphs, base models (by registry id when they are in the BOM too), scans and sign-offs.
    /// </summary>
    public IReadOnlyList<BomModel> BomModels()
    {
        var all = Store.List();
        var models = all.Where(m => m.Status is ModelStatus.Approved or ModelStatus.Deprecated).ToList();
        var inBom = models.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        return [.. models.Select(m => ToBom(m, all, inBom))];
    }

    private BomModel ToBom(ModelRecord m, IReadOnlyList<ModelRecord> all, HashSet<string> inBom)
    {
        var bases = m.BaseModels.Select(b => all.FirstOrDefault(x => x.Id == b || string.Equals(HubName(x), b, StringComparison.OrdinalIgnoreCase)) is { } found && inBom.Contains(found.Id) ? found.Id : b).ToList();
        var hub = m.SourceRepository?.StartsWith("hf://", StringComparison.Ordinal) == true ? m.SourceRepository["hf://".Length..] : null;
        return new BomModel
        {
            Id = m.Id,
            Name = m.Name,
            Version = m.SourceRevision,
            Family = m.Family,
            Architecture = m.Architecture,
            ParameterCount = m.ParameterCount,
            Task = m.PipelineTag ?? (m.Architecture?.EndsWith("ForCausalLM", StringComparison.Ordinal) == true ? "text-generation" : null),
            SourceRepository = m.SourceRepository,
            SourceUrl = hub is null ? null : "https://huggingface.co/" + hub,
            LicenseId = m.LicenseId,
            LicenseName = m.LicenseName,
            LicenseTextSha256 = m.LicenseTextSha256,
            IntendedUse = m.IntendedUse,
            Owner = m.Owner,
            Status = ModelStatusWords.Word(m.Status),
            BaseModels = bases,
            BaseModelRelation = m.BaseRelation,
            Files = [.. m.Files.Where(f => f.Sha256.Length == 64).Select(f => new BomFile(f.Path, f.Size, f.Sha256, f.Format))],
            Scan = m.Scan is { } s ? new BomScan(s.Scanner.Split(' ')[0], s.Scanner.Split(' ').ElementAtOrDefault(1) ?? "", s.At, s.Verdict, s.Findings, m.SecuritySignOff?.Verdict == "accepted" ? m.SecuritySignOff.Reason : null) : null,
            Obligations = [.. Check(m).Obligations.Select(o => o.Text)],
            Approvals = [.. new[] { ("legal", m.LicenseSignOff), ("security", m.SecuritySignOff) }.Where(a => a.Item2 is not null).Select(a => new BomApproval(a.Item1, a.Item2!.Actor, a.Item2.At, a.Item2.Reason))],
        };
    }
}
