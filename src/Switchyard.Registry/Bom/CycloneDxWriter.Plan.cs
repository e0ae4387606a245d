using Switchyard.Registry.Bom.Internal;

namespace Switchyard.Registry.Bom;

public static partial class CycloneDxWriter
{
    private const string AdapterRelation = "adapter";

    /// <summary>
    /// Checks the models, sorts them and resolves their bases, so that writing cannot fail halfway through a stream.
    /// Every problem is reported at once.
    /// </summary>
    private static BomPlan Plan(IReadOnlyList<BomModel> models, Guid serialNumber)
    {
        var errors = new List<string>();
        var planned = new List<PlannedModel>(models.Count);
        var byId = new Dictionary<string, PlannedModel>(StringComparer.Ordinal);
        for (var i = 0; i < models.Count; i++)
        {
            var model = models[i];
            if (model is null)
            {
                errors.Add($"models[{i}] is null.");
                continue;
            }
            var where = string.IsNullOrWhiteSpace(model.Id) ? $"models[{i}]" : $"model '{model.Id}'";
            if (string.IsNullOrWhiteSpace(model.Id))
            {
                errors.Add($"{where}: Id is empty; every model needs its registry id.");
                continue;
            }
            if (string.IsNullOrWhiteSpace(model.Name))
            {
                errors.Add($"{where}: Name is empty; CycloneDX requires a component name.");
            }
            if (string.IsNullOrWhiteSpace(model.Status))
            {
                errors.Add($"{where}: Status is empty.");
            }
            if (model.LicenseTextSha256 is not null && !IsSha256(model.LicenseTextSha256))
            {
                errors.Add($"{where}: LicenseTextSha256 '{model.LicenseTextSha256}' is not 64 hex digits.");
            }
            if (model.SourceUrl is not null && !Uri.TryCreate(model.SourceUrl, UriKind.Absolute, out _))
            {
                errors.Add($"{where}: SourceUrl '{model.SourceUrl}' is not an absolute URL.");
            }
            if (model.Files is null || model.BaseModels is null || model.Obligations is null || model.Approvals is null)
            {
                errors.Add($"{where}: Files, BaseModels, Obligations and Approvals must be lists (empty when there is nothing), not null.");
                continue;
            }

            HubReference? hub = null;
            string? purl = null;
            if (model.SourceRepository is not null && model.SourceRepository.StartsWith("hf://", StringComparison.OrdinalIgnoreCase))
            {
                if (HubReference.TryParse(model.SourceRepository, out var parsed))
                {
                    hub = parsed;
                    purl = PurlFor(parsed, model.Version, where, errors);
                }
                else
                {
                    errors.Add($"{where}: SourceRepository '{model.SourceRepository}' is not hf://org/name[@revision].");
                }
            }

            var files = new List<BomFile>(model.Files.Count);
            var paths = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in model.Files)
            {
                if (file is null || string.IsNullOrEmpty(file.Path))
                {
                    errors.Add($"{where}: a file has no path.");
                    continue;
                }
                if (file.Size < 0)
                {
                    errors.Add($"{where}: file '{file.Path}' has a negative size ({file.Size}).");
                }
                if (!IsSha256(file.Sha256))
                {
                    errors.Add($"{where}: file '{file.Path}' has SHA-256 '{file.Sha256}', which is not 64 hex digits.");
                }
                if (!paths.Add(file.Path))
                {
                    errors.Add($"{where}: file '{file.Path}' is listed twice.");
                    continue;
                }
                files.Add(file);
            }
            files.Sort((x, y) => string.CompareOrdinal(x.Path, y.Path));

            var entry = new PlannedModel(model, ModelRef(model.Id), hub, purl, files);
            if (!byId.TryAdd(model.Id, entry))
            {
                errors.Add($"{where}: the id is used by two models; ids must be unique in a BOM.");
                continue;
            }
            planned.Add(entry);
        }

        planned.Sort((x, y) => string.CompareOrdinal(x.Model.Id, y.Model.Id));
        var externals = new SortedDictionary<string, PlannedBase>(StringComparer.Ordinal);
        foreach (var entry in planned)
        {
            ResolveBases(entry, byId, externals, errors);
        }

        CheckRefsUnique(planned, externals.Values, errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException(
                $"Cannot write the CycloneDX BOM: {errors.Count} problem(s) in the models.{Environment.NewLine} - "
                + string.Join(Environment.NewLine + " - ", errors),
                nameof(models));
        }
        return new BomPlan(serialNumber, planned, [.. externals.Values]);
    }

    // The purl needs a 40-hex commit: from Version, else from an @revision in SourceRepository.
    private static string? PurlFor(HubReference hub, string? version, string where, List<string> errors)
    {
        var fromVersion = HubReference.IsCommit(version) ? version : null;
        var fromSource = HubReference.IsCommit(hub.Revision) ? hub.Revision : null;
        if (fromVersion is not null && fromSource is not null && !string.Equals(fromVersion, fromSource, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{where}: Version '{version}' and the revision in SourceRepository '@{hub.Revision}' are different commits.");
            return null;
        }
        var commit = fromVersion ?? fromSource;
        return commit is null ? null : hub.ToPurl(commit);
    }

    private static void ResolveBases(
        PlannedModel entry, Dictionary<string, PlannedModel> byId, SortedDictionary<string, PlannedBase> externals, List<string> errors)
    {
        var model = entry.Model;
        var isAdapter = string.Equals(model.BaseModelRelation, AdapterRelation, StringComparison.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in model.BaseModels)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add($"model '{model.Id}': a base model name is empty.");
                continue;
            }
            if (!seen.Add(name))
            {
                continue;
            }
            if (string.Equals(name, model.Id, StringComparison.Ordinal))
            {
                errors.Add($"model '{model.Id}': lists itself as its base model.");
                continue;
            }
            if (byId.TryGetValue(name, out var inBom))
            {
                entry.Bases.Add(new PlannedBase(name, inBom, inBom.Hub, inBom.Ref));
                if (isAdapter)
                {
                    entry.RuntimeDependencies.Add(inBom.Ref);
                }
                continue;
            }
            HubReference? hub = null;
            if (name.StartsWith("hf://", StringComparison.OrdinalIgnoreCase))
            {
                if (HubReference.TryParse(name, out var parsed))
                {
                    hub = parsed;
                }
                else
                {
                    errors.Add($"model '{model.Id}': base model '{name}' is not hf://org/name[@revision].");
                    continue;
                }
            }
            var external = new PlannedBase(name, null, hub, ExternalRef(name));
            entry.Bases.Add(external);
            if (isAdapter)
            {
                // An adapter cannot run without its base, so the base must be in the dependency graph, hence in the BOM.
                externals.TryAdd(name, external);
                entry.RuntimeDependencies.Add(external.Ref);
            }
        }
    }

    private static void CheckRefsUnique(List<PlannedModel> models, IEnumerable<PlannedBase> externals, List<string> errors)
    {
        var refs = new HashSet<string>(StringComparer.Ordinal) { RegistryRef };
        void Add(string bomRef)
        {
            if (!refs.Add(bomRef))
            {
                errors.Add($"bom-ref '{bomRef}' would appear twice; change the model id or file path that produces it.");
            }
        }
        foreach (var model in models)
        {
            Add(model.Ref);
            foreach (var file in model.Files)
            {
                Add(FileRef(model.Model.Id, file.Path));
            }
        }
        foreach (var external in externals)
        {
            Add(external.Ref);
        }
    }

    private static bool IsSha256(string? value)
    {
        if (value is null || value.Length != 64)
        {
            return false;
        }
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    private sealed record BomPlan(Guid SerialNumber, IReadOnlyList<PlannedModel> Models, IReadOnlyList<PlannedBase> ExternalBases);

    private sealed record PlannedModel(BomModel Model, string Ref, HubReference? Hub, string? Purl, IReadOnlyList<BomFile> Files)
    {
        /// <summary>Every base, in the order the model lists them: the pedigree.</summary>
        public List<PlannedBase> Bases { get; } = [];

        /// <summary>The bom-refs the model needs at run time: its bases when it is an adapter.</summary>
        public List<string> RuntimeDependencies { get; } = [];
    }

    /// <param name="Name">The base as the model names it.</param>
    /// <param name="InBom">The base's own entry when it is a model of this BOM.</param>
    /// <param name="Hub">The Hub repository, for a base in the BOM with a Hub source or an external <c>hf://</c> name.</param>
    /// <param name="Ref">The base's component bom-ref: its model ref, or the stub's <c>external-model:</c> ref.</param>
    private sealed record PlannedBase(string Name, PlannedModel? InBom, HubReference? Hub, string Ref);
}
