using System.Text.RegularExpressions;
using Switchyard.Registry.Licenses;
using Switchyard.Registry.Models;
using Switchyard.Registry.Scanning;
using Switchyard.Storage.Models;
using StoredLicense = Switchyard.Storage.Models.DeclaredLicense;
using StoredFile = Switchyard.Storage.Models.ModelFile;

namespace Switchyard.Registry.Workflow;

/// <summary>
/// The model registry's operations, shared by the CLI and the admin API: register a model folder (hash, scan, read its
/// licences), judge its licence chain against the organisation's profile, and take the workflow's decisions, each with
/// who, when and why, in the store and the audit trail.
/// </summary>
public sealed partial class ModelRegistry(IModelStore store, OrganisationProfile profile, TimeProvider time, LicenseCatalog? catalog = null)
{
    private const int MaxSummaryLines = 50;

    /// <summary>The store the registry writes to.</summary>
    public IModelStore Store { get; } = store;

    /// <summary>The catalog licences are normalised and judged by.</summary>
    public LicenseCatalog Catalog { get; } = catalog ?? LicenseCatalog.Default;

    /// <summary>The organisation the licences are judged for.</summary>
    public OrganisationProfile Profile { get; } = profile;

    /// <summary>The scanner's name and version, as recorded with each scan.</summary>
    public static string ScannerName { get; } = "switchyard-scan " + (typeof(WeightScanner).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    /// <summary>
    /// Registers the model folder at <paramref name="path"/>: reads its card, config, licence file and GGUF metadata, hashes
    /// and scans every file, records it as proposed and then scanned, and approves it when
    /// <see cref="ModelRegistration.AutoApprove"/> is set, the licence is allowed outright and the scan is clean.
    /// </summary>
    /// <exception cref="RegistryException">The source is not pinned, the id is taken or invalid.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="path"/> is not a folder.</exception>
    public async Task<ModelRecord> AddFromFolderAsync(string path, ModelRegistration registration, WeightScanner scanner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var (repository, revision) = ParseSource(registration.Source);
        var id = registration.Id ?? DefaultId(repository, path);
        ValidateId(id);
        if (Store.Find(id) is not null)
        {
            throw new RegistryException($"A model with id '{id}' is registered already (`switchyard models show {id}`). Give another with --id.", RegistryErrorKind.IdTaken);
        }

        var folder = await ModelFolderReader.ReadAsync(path, scanner, cancellationToken);
        var now = time.GetUtcNow();
        var declared = folder.DeclaredLicenses.Select(d => new StoredLicense(d.Source, d.License, d.LicenseName)).ToList();
        var problems = new List<string>(folder.Problems);
        var (licenseId, licenseName) = ChooseLicense(folder, problems);
        var ggufName = folder.Gguf.Select(g => g.Info.Name).FirstOrDefault(n => !string.IsNullOrWhiteSpace(n));
        var model = new ModelRecord
        {
            Id = id,
            Name = repository?.Split('/')[^1] ?? ggufName ?? id,
            Family = folder.Config?.ModelType ?? folder.Gguf.Select(g => g.Info.Architecture).FirstOrDefault(a => a is not null),
            BaseModels = registration.BaseModels.Count > 0 ? registration.BaseModels : folder.BaseModels,
            BaseRelation = folder.Card?.BaseModelRelation ?? (folder.BaseModels.Count > 0 && folder.Formats.Contains("gguf") ? "quantized" : null),
            ParameterCount = folder.ParameterCount,
            ParameterCountEstimated = folder.ParameterCountEstimated,
            Architecture = folder.Config?.Architecture ?? folder.Gguf.Select(g => g.Info.Architecture).FirstOrDefault(a => a is not null),
            Multimodal = folder.Config?.IsMultimodal ?? false,
            PipelineTag = folder.Card?.PipelineTag,
            Formats = folder.Formats,
            SourceRepository = repository is null ? null : "hf://" + repository,
            SourceRevision = revision ?? registration.Version,
            Files = [.. folder.Files.Select(f => new StoredFile(f.Path, f.Size, f.Sha256 ?? "", FormatWord(f.Format)))],
            LicenseId = licenseId,
            LicenseName = licenseName,
            LicenseTextSha256 = folder.LicenseFile?.Sha256,
            DeclaredLicenses = declared,
            IntendedUse = registration.IntendedUse,
            Owner = registration.Owner,
            Status = ModelStatus.Proposed,
            Problems = problems,
            Created = now,
            Updated = now,
        };
        _ = new BaseGraph([.. Store.List(), model]).Paths(model, out var cycle, out _);
        if (cycle is not null)
        {
            throw new RegistryException($"The base models of '{id}' form a cycle: {string.Join(" -> ", cycle)}. A model cannot derive from itself: "
                + "correct base_model in its card (or give its real bases with --base), or correct the base of the model it names.", RegistryErrorKind.InvalidInput);
        }

        if (!Store.Add(model, new ModelDecision(now, registration.Actor, "registrant", "propose", ModelStatus.Proposed, ModelStatus.Proposed, $"registered from {Path.GetFullPath(path)}")))
        {
            throw new RegistryException($"A model with id '{id}' was registered at the same time. Give another with --id.", RegistryErrorKind.IdTaken);
        }

        model = Store.Find(id)!;
        var scan = Summarise(folder.Scan, now);
        var scanned = model with { Status = ModelStatus.Scanned, Scan = scan, Updated = now };
        Update(scanned, new ModelDecision(now, ScannerName, "scanner", "scan", ModelStatus.Proposed, ModelWorkflow.Require("scan", model), $"{scan.Verdict}: {folder.Files.Count} files, {scan.Findings} findings"));
        model = Store.Find(id)!;

        var verdict = Check(model);
        if (registration.AutoApprove && scan.Verdict == "clean" && verdict.Outcome == LicenseOutcome.Allowed && model.Problems.Count == 0)
        {
            var reason = $"automatic (registry.auto_approve: permissive-clean): licence {model.LicenseId} allowed for the organisation; scan clean";
            model = model with
            {
                Status = ModelWorkflow.Require("approve", model),
                LicenseSignOff = new SignOff("license-policy", now, string.Join(" ", LicenseExplainer.Explain(verdict).Take(1)), "allowed"),
                SecuritySignOff = new SignOff("scanner", now, $"clean scan of {model.Files.Count} files", "clean"),
                Updated = now,
            };
            Update(model, new ModelDecision(now, "license-policy", "policy", "approve", ModelStatus.Scanned, ModelStatus.Approved, reason));
            model = Store.Find(id)!;
        }

        return model;
    }

    /// <summary>
    /// Every path from the model through its bases as the licence policy sees them, the model first on each: one path for
    /// an adapter or a fine-tune, one per base for a merge. A base that is not in the registry ends its path with an
    /// unknown licence, so such a model is never allowed outright.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<LicenseSubject>> Paths(ModelRecord model) => Paths(model, new BaseGraph(Store.List()), out _, out _);

    private static IReadOnlyList<IReadOnlyList<LicenseSubject>> Paths(ModelRecord model, BaseGraph graph, out IReadOnlyList<string>? cycle, out bool truncated) =>
        [.. graph.Paths(model, out cycle, out truncated).Select(path => (IReadOnlyList<LicenseSubject>)[.. path.Select(node => node.Record is { } r
            ? new LicenseSubject(HubName(r), r.LicenseId, r.LicenseName, r.Multimodal, r.Name)
            : new LicenseSubject(node.Name, null, null, model.Multimodal, node.Name))])];

    /// <summary>
    /// The licence verdict for the model and every path of its base graph against the organisation's profile (a pure
    /// function of the two and the store): the union of the paths' clauses and obligations, licences that the model's own
    /// files disagree on, a cycle among its bases, and a registered base that was rejected or revoked.
    /// </summary>
    public LicenseVerdict Check(ModelRecord model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = new BaseGraph(Store.List());
        var verdict = LicensePolicy.EvaluateGraph(Paths(model, graph, out var cycle, out var truncated), Profile, Catalog);
        var extra = new List<LicenseClause>();
        extra.AddRange(model.Problems.Where(p => p.StartsWith(DisagreementPrefix, StringComparison.Ordinal))
            .Select(d => new LicenseClause(LicenseCodes.LicenseMismatch, HubName(model), model.LicenseId, LicenseOutcome.NeedsReview, d)));
        if (cycle is not null)
        {
            extra.Add(new LicenseClause(LicenseCodes.BaseCycle, HubName(model), model.LicenseId, LicenseOutcome.Forbidden,
                $"Its base models form a cycle ({string.Join(" -> ", cycle)}): a model cannot derive from itself, so its terms cannot be judged. Correct the base models of the models on the cycle."));
        }

        if (truncated)
        {
            extra.Add(new LicenseClause(LicenseCodes.BaseGraphTruncated, HubName(model), model.LicenseId, LicenseOutcome.NeedsReview,
                $"Its base graph is deeper than {BaseGraph.MaxDepth} steps or has more than {BaseGraph.MaxPaths} paths; the bases beyond were not judged, so legal reviews them."));
        }

        extra.AddRange(graph.Ancestors(model).Where(b => b.Status is ModelStatus.Rejected or ModelStatus.Revoked).Select(b =>
            new LicenseClause(LicenseCodes.BaseWithdrawn, HubName(b), b.LicenseId, LicenseOutcome.Forbidden,
                $"It derives from {b.Id}, which is {Storage.Models.ModelStatusWords.Word(b.Status)} in the registry: what derives from a withdrawn model is withdrawn with it (decision 16).")));
        return extra.Count == 0 ? verdict : LicenseVerdict.From([.. verdict.Clauses, .. extra], verdict.Obligations);
    }

    /// <summary>Legal's sign-off on the licence; approves the model when security has signed too.</summary>
    /// <exception cref="RegistryException">The policy forbids the licence, a review needs a reason, or the status does not allow it.</exception>
    public ModelRecord SignLicense(string id, string actor, string role, string reason)
    {
        ModelWorkflow.RequireRole("sign the licence of", role, ModelWorkflow.LicenseRoles);
        var model = Get(id);
        ModelWorkflow.Require("sign-license", model);
        var verdict = Check(model);
        if (verdict.Outcome == LicenseOutcome.Forbidden)
        {
            throw new RegistryException($"The licence policy forbids '{id}' for this organisation, so it cannot be signed off:{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", LicenseExplainer.Explain(verdict))
                + $"{Environment.NewLine}Reject it (`switchyard models reject {id} --as legal --reason ...`), or correct registry.organisation if the profile is wrong.");
        }

        if (verdict.Outcome == LicenseOutcome.NeedsReview && string.IsNullOrWhiteSpace(reason))
        {
            throw new RegistryException($"The licence of '{id}' needs review ({string.Join(", ", verdict.ClausesWith(LicenseOutcome.NeedsReview).Select(c => c.Code).Distinct())}): give the reason it is acceptable with --reason.");
        }

        var now = time.GetUtcNow();
        var word = verdict.Outcome == LicenseOutcome.Allowed ? "allowed" : "needs-review";
        return SignOff(model with { LicenseSignOff = new SignOff(actor, now, Reason(reason, "licence allowed by the policy"), word), Updated = now }, actor, role, "sign-license", reason);
    }

    /// <summary>Security's sign-off on the scan; findings need <paramref name="acceptFindings"/> and a reason. Approves when legal has signed too.</summary>
    /// <exception cref="RegistryException">Findings not accepted, or the status does not allow it.</exception>
    public ModelRecord SignSecurity(string id, string actor, string role, string reason, bool acceptFindings)
    {
        ModelWorkflow.RequireRole("sign the scan of", role, ModelWorkflow.SecurityRoles);
        var model = Get(id);
        ModelWorkflow.Require("sign-security", model);
        var scan = model.Scan ?? throw new RegistryException($"Model '{id}' has no scan to sign off.");
        if (scan.Verdict != "clean" && (!acceptFindings || string.IsNullOrWhiteSpace(reason)))
        {
            throw new RegistryException($"The scan of '{id}' found {scan.Findings} finding(s){(scan.Verdict == "error" ? " or could not read every file" : "")}:{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", scan.Summary.Take(10))
                + $"{Environment.NewLine}Reject it, or accept the findings with --accept-findings and say why with --reason.");
        }

        var now = time.GetUtcNow();
        var word = scan.Verdict == "clean" ? "clean" : "accepted";
        return SignOff(model with { SecuritySignOff = new SignOff(actor, now, Reason(reason, "clean scan"), word), Updated = now }, actor, role, "sign-security", reason);
    }

    /// <summary>Rejects a model under review.</summary>
    /// <exception cref="RegistryException">No reason, a role that may not, or a status that does not allow it.</exception>
    public ModelRecord Reject(string id, string actor, string role, string reason) => Decide(id, actor, role, "reject", reason, ModelWorkflow.RejectRoles);

    /// <summary>Marks an approved model as on its way out (still served, with a warning).</summary>
    /// <exception cref="RegistryException">No reason, a role that may not, or a status that does not allow it.</exception>
    public ModelRecord Deprecate(string id, string actor, string role, string reason) => Decide(id, actor, role, "deprecate", reason, ModelWorkflow.WithdrawRoles);

    /// <summary>Withdraws a model: every gateway takes it out of routing within a second.</summary>
    /// <exception cref="RegistryException">No reason, a role that may not, or a status that does not allow it.</exception>
    public ModelRecord Revoke(string id, string actor, string role, string reason) => Decide(id, actor, role, "revoke", reason, ModelWorkflow.WithdrawRoles);

    /// <summary>The model with this id.</summary>
    /// <exception cref="RegistryException">There is none.</exception>
    public ModelRecord Get(string id) => Store.Find(id)
        ?? throw new RegistryException($"There is no model '{id}' in the registry. `switchyard models list` shows them; `switchyard models add --from-dir PATH` registers one.", RegistryErrorKind.NotFound);

    /// <summary>The hub name of a model (<c>org/name</c>) when it comes from a hub, else its id.</summary>
    public static string HubName(ModelRecord model) =>
        model.SourceRepository is { } repo && repo.StartsWith("hf://", StringComparison.Ordinal) ? repo["hf://".Length..] : model.Id;

    private ModelRecord Decide(string id, string actor, string role, string action, string reason, IReadOnlyList<string> roles)
    {
        ModelWorkflow.RequireRole(action, role, roles);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new RegistryException($"Say why with --reason: every {action} is recorded with who, when and why.");
        }

        var model = Get(id);
        var to = ModelWorkflow.Require(action, model);
        var now = time.GetUtcNow();
        Update(model with { Status = to, Updated = now }, new ModelDecision(now, actor, role, action, model.Status, to, reason.Trim()));
        return Get(id);
    }

    private ModelRecord SignOff(ModelRecord signed, string actor, string role, string action, string reason)
    {
        var now = signed.Updated;
        if (signed.LicenseSignOff is not null && signed.SecuritySignOff is not null)
        {
            RequireVerdictStillHolds(signed);
            var approved = signed with { Status = ModelWorkflow.Require("approve", signed) };
            Update(approved, new ModelDecision(now, actor, role, "approve", ModelStatus.Scanned, ModelStatus.Approved,
                $"{action}: {Reason(reason, "signed")}; licence signed by {signed.LicenseSignOff.Actor}, scan signed by {signed.SecuritySignOff.Actor}"));
        }
        else
        {
            Update(signed, new ModelDecision(now, actor, role, action, ModelStatus.Scanned, ModelStatus.Scanned, Reason(reason, "signed")));
        }

        return Get(signed.Id);
    }

    /// <summary>
    /// The licence is judged again at the final sign-off: the profile, the catalog or a base's status may have changed
    /// since legal signed, and a model the policy forbids now must never become approved, nor one that needs a review
    /// legal did not give.
    /// </summary>
    private void RequireVerdictStillHolds(ModelRecord model)
    {
        var verdict = Check(model);
        var signed = model.LicenseSignOff!;
        if (verdict.Outcome == LicenseOutcome.Forbidden)
        {
            throw new RegistryException($"'{model.Id}' cannot be approved: the licence policy now forbids it (legal signed at {signed.At:yyyy-MM-ddTHH:mm:ssZ}; since then the organisation's profile, the catalog or a base model changed):{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", LicenseExplainer.Explain(verdict))
                + $"{Environment.NewLine}Reject it (`switchyard models reject {model.Id} --as legal --reason ...`), or correct registry.organisation if the profile is wrong.");
        }

        if (verdict.Outcome == LicenseOutcome.NeedsReview && signed.Verdict == "allowed")
        {
            throw new RegistryException($"'{model.Id}' cannot be approved yet: legal signed its licence when the policy allowed it outright, and it now needs review "
                + $"({string.Join(", ", verdict.ClausesWith(LicenseOutcome.NeedsReview).Select(c => c.Code).Distinct())}): legal signs it again with a reason "
                + $"(`switchyard models approve {model.Id} --as legal --reason ...`), then security.");
        }
    }

    private void Update(ModelRecord model, ModelDecision decision)
    {
        if (!Store.Update(model, decision))
        {
            throw new RegistryException($"Model '{model.Id}' was changed by somebody else meanwhile; look at it again (`switchyard models show {model.Id}`) and decide again.");
        }
    }

    private static string Reason(string reason, string fallback) => string.IsNullOrWhiteSpace(reason) ? fallback : reason.Trim();

    internal const string DisagreementPrefix = "licences disagree: ";

    /// <summary>The card's licence first (it is what the Hub shows), then the GGUF metadata, then the licence file; disagreements are problems.</summary>
    private (string? Id, string? Name) ChooseLicense(ModelFolder folder, List<string> problems)
    {
        var normalised = folder.DeclaredLicenses
            .Select(d => (d.Source, Id: Catalog.Normalise(d.License, d.LicenseName) ?? (d.LicenseName ?? d.License)?.Trim().ToLowerInvariant(), d))
            .Where(d => d.Id is not null)
            .ToList();
        if (normalised.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            problems.Add(DisagreementPrefix + string.Join("; ", normalised.Select(d => $"{d.Source} says {d.d.License}{(d.d.LicenseName is null ? "" : $" ({d.d.LicenseName})")}")));
        }

        if (normalised.Count == 0)
        {
            return (null, null);
        }

        var chosen = normalised.FirstOrDefault(d => d.Source == folder.Card?.File);
        if (chosen.Id is null)
        {
            chosen = normalised[0];
        }

        return (chosen.Id, Catalog.Resolve(chosen.d.License, chosen.d.LicenseName)?.Name ?? chosen.d.LicenseName);
    }

    private static ModelScan Summarise(ScanReport report, DateTimeOffset at)
    {
        var lines = new List<string>();
        foreach (var file in report.Files)
        {
            if (file.Error is not null)
            {
                lines.Add($"{file.Path}: error: {file.Error}");
            }

            lines.AddRange(file.Findings.Where(f => f.Severity > FindingSeverity.Info).Select(f => $"{f.File}: {f.Severity.ToString().ToLowerInvariant()}: {f.Reason}"));
        }

        lines.AddRange(report.Errors.Select(e => "error: " + e));
        var findings = report.Files.Sum(f => f.Findings.Count(x => x.Severity > FindingSeverity.Info));
        var verdict = report.ExitCode switch { 0 => "clean", 1 => "findings", _ => "error" };
        return new ModelScan(ScannerName, at, verdict, findings, [.. lines.Take(MaxSummaryLines)]);
    }

    private static string FormatWord(FileFormat format) => format switch
    {
        FileFormat.Unknown => "other",
        FileFormat.TensorFlowSavedModel => "saved-model",
        _ => format.ToString().ToLowerInvariant(),
    };

    /// <summary><c>hf://org/name@COMMIT</c> → (<c>org/name</c>, commit); a branch or tag is refused, since it can move.</summary>
    internal static (string? Repository, string? Revision) ParseSource(string? source)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            return (null, null);
        }

        var match = SourcePattern().Match(source.Trim());
        if (!match.Success)
        {
            throw new RegistryException($"--source '{source}' is not a pinned hub reference: write hf://ORG/NAME@COMMIT with the 40-hex commit (branches and tags move, so they are refused), or leave --source out for an internal model.", RegistryErrorKind.InvalidInput);
        }

        return (match.Groups["repo"].Value, match.Groups["rev"].Value.ToLowerInvariant());
    }

    private static string DefaultId(string? repository, string path)
    {
        var name = repository?.Split('/')[^1] ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        var id = IdCleaner().Replace(name.ToLowerInvariant(), "-").Trim('-');
        return id.Length == 0 ? "model" : id;
    }

    private static void ValidateId(string id)
    {
        if (!IdPattern().IsMatch(id))
        {
            throw new RegistryException($"The id '{id}' is not valid: use 1 to 100 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.", RegistryErrorKind.InvalidInput);
        }
    }

    [GeneratedRegex(@"^hf://(?<repo>[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)@(?<rev>[0-9a-fA-F]{40})$")]
    private static partial Regex SourcePattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"[^a-z0-9._-]+")]
    private static partial Regex IdCleaner();
}
