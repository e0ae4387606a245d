using System.CommandLine;
using Switchyard.Cli.Internal;
using System.Globalization;
using Switchyard.Gateway.Configuration;
using Switchyard.Registry.Bom;
using Switchyard.Registry.Licenses;
using Switchyard.Registry.Scanning;
using Switchyard.Registry.Scanning.Manifest;
using Switchyard.Registry.Workflow;
using Switchyard.Storage.Models;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard models add | scan | list | show | check | approve | reject | deprecate | revoke | bom | verify</c>: the model registry in
/// the gateway's database. Licences are judged against <c>registry.organisation</c> of the configuration given with
/// <c>--config</c> (a commercial production profile without one).
/// </summary>
internal static class ModelsCommand
{
    public static Command Create() => Create(TimeProvider.System);

    internal static Command Create(TimeProvider time) => new("models", "The model registry: register model folders, judge their licences, approve, revoke, export the ML-BOM.")
    {
        Add(time), Scan(time), List(time), Show(time), Check(time),
        Decide(time, "approve", "Sign off a model: --as legal signs its licence, --as security its scan; both together approve it."),
        Decide(time, "reject", "Reject a model under review (legal or security)."),
        Decide(time, "deprecate", "Mark an approved model as on its way out: still served, with a warning."),
        Decide(time, "revoke", "Withdraw a model: every gateway stops routing to it within a second."),
        Bom(time),
        Verify(time),
    };

    private static Command Verify(TimeProvider time)
    {
        var db = Store();
        var id = new Argument<string>("id") { Description = "The model's registry id." };
        var dir = new Option<string?>("--dir") { Description = $"The folder a model server loads the weights from: every file is hashed again, and a {ScanManifest.DefaultFileName} found there is compared too." };
        var manifest = new Option<string?>("--manifest") { Description = "A manifest of the served files (switchyard scan --manifest, or what the server's pipeline wrote): its hashes against the approved ones, without reading the weights." };
        var command = db.AddTo(new Command("verify", "Check the files a model server loads (its folder, or a manifest of it) against the hashes the registry approved: exit 0 all match, 1 changed, missing or unexpected files, 2 an error.") { id, dir, manifest });
        command.Validators.Add(result =>
        {
            if (result.GetValue(dir) is null && result.GetValue(manifest) is null)
            {
                result.AddError("Give --dir PATH (the folder the server loads), --manifest FILE (a manifest of it), or both.");
            }
        });
        command.SetAction(async (pr, ct) =>
        {
            var (output, error) = (pr.InvocationConfiguration.Output, pr.InvocationConfiguration.Error);
            if (await OpenAsync(db, pr, time, error, ct) is not var (opened, registry, _))
            {
                return 2;
            }

            await using var storeScope = opened;

            ModelRecord model;
            try
            {
                model = registry.Get(pr.GetValue(id)!);
            }
            catch (RegistryException e)
            {
                error.WriteLine(e.Message);
                return 2;
            }

            var checks = new List<ApprovedFilesCheck>();
            if (pr.GetValue(dir) is { } folder)
            {
                checks.AddRange(await ApprovedFiles.VerifyFolderAsync(model, folder, ct));
            }

            if (pr.GetValue(manifest) is { } file)
            {
                checks.Add(ApprovedFiles.VerifyManifest(model, file));
            }

            foreach (var check in checks)
            {
                var (found, result) = (check.Subject, check.Result);
                if (result.Differences.Count == 0 && result.Errors.Count == 0)
                {
                    output.WriteLine($"{model.Id}: {found}: all {result.Checked} files match the registry ({ModelStatusWords.Word(model.Status)}).");
                    continue;
                }

                foreach (var problem in result.Errors)
                {
                    error.WriteLine($"{model.Id}: {found}: {problem}");
                }

                if (result.Differences.Count > 0)
                {
                    output.WriteLine($"{model.Id}: {result.Differences.Count} difference(s) between {found} and the registry:");
                    foreach (var d in result.Differences)
                    {
                        output.WriteLine($"  {d.KindWord}: {d.Path}: {d.Detail}");
                    }
                }
            }

            return ApprovedFiles.ExitCode(checks);
        });
        return command;
    }

    /// <summary>
    /// The --db and --config of a registry command: --config is the gateway's configuration, whose storage: holds the
    /// registry (without --db) and whose registry.organisation (and auto_approve) apply; without it, a commercial
    /// production profile.
    /// </summary>
    private static StoreSelection Store() => new("the model registry");

    private static Command Add(TimeProvider time)
    {
        var db = Store();
        var from = new Option<string>("--from-dir") { Description = "The model folder (Hugging Face layout: config.json, README.md, weights, LICENSE).", Required = true };
        var id = new Option<string?>("--id") { Description = "The registry id deployments will name (default: from the source or folder name)." };
        var source = new Option<string?>("--source") { Description = "Where it comes from: hf://ORG/NAME@COMMIT (40-hex commit). Leave out for an internal model." };
        var version = new Option<string?>("--version") { Description = "An internal model's version." };
        var owner = new Option<string?>("--owner") { Description = "Who answers for it." };
        var use = new Option<string?>("--intended-use") { Description = "What it is for, in words." };
        var baseModel = new Option<string[]>("--base") { Description = "A registry id or hub name it derives from (repeatable), when the folder does not say." };
        var command = db.AddTo(new Command("add", "Register a model folder: hash and scan every file, read its licences, and record it as scanned.") { from, id, source, version, owner, use, baseModel });
        command.SetAction(async (pr, ct) =>
        {
            var (output, error) = (pr.InvocationConfiguration.Output, pr.InvocationConfiguration.Error);
            if (await OpenAsync(db, pr, time, error, ct) is not var (opened, registry, settings))
            {
                return 2;
            }

            await using var storeScope = opened;

            try
            {
                var model = await registry.AddFromFolderAsync(pr.GetValue(from)!, new ModelRegistration
                {
                    Actor = Actor(null),
                    Id = pr.GetValue(id),
                    Source = pr.GetValue(source),
                    Version = pr.GetValue(version),
                    Owner = pr.GetValue(owner),
                    IntendedUse = pr.GetValue(use),
                    BaseModels = pr.GetValue(baseModel) ?? [],
                    AutoApprove = settings.AutoApprove == RegistryAutoApprove.PermissiveClean,
                }, new WeightScanner(), ct);
                output.WriteLine($"Registered {model.Id}: {ModelStatusWords.Word(model.Status)}; {model.Files.Count} files hashed; scan {model.Scan?.Verdict}; licence {model.LicenseId ?? "none found"}.");
                foreach (var problem in model.Problems)
                {
                    output.WriteLine("  ! " + problem);
                }

                WriteVerdict(output, registry.Check(model));
                if (model.Status != ModelStatus.Approved)
                {
                    output.WriteLine($"Next: `switchyard models approve {model.Id} --as legal --reason ...` and `--as security`.");
                }

                return model.Scan?.Verdict == "clean" ? 0 : 1;
            }
            catch (Exception e) when (e is RegistryException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine(e.Message);
                return 2;
            }
        });
        return command;
    }

    private static Command Scan(TimeProvider time)
    {
        var db = Store();
        var id = new Argument<string>("id") { Description = "The model's registry id." };
        var dir = new Option<string>("--dir") { Description = "The model's folder: it must hold exactly the files registered.", Required = true };
        var by = new Option<string?>("--by") { Description = "Who you are (default: cli:$USER)." };
        var command = db.AddTo(new Command("scan", "Scan a registered model's folder again: a proposed model becomes scanned; a newer scan of a scanned or approved one is recorded. Exit 0 clean, 1 findings, 2 an error.") { id, dir, by });
        command.SetAction(async (pr, ct) =>
        {
            var (output, error) = (pr.InvocationConfiguration.Output, pr.InvocationConfiguration.Error);
            if (await OpenAsync(db, pr, time, error, ct) is not var (opened, registry, _))
            {
                return 2;
            }

            await using var storeScope = opened;

            try
            {
                var before = registry.Get(pr.GetValue(id)!);
                var model = await registry.RescanAsync(before.Id, pr.GetValue(dir)!, Actor(pr.GetValue(by)), new WeightScanner(), ct);
                var scan = model.Scan!;
                output.WriteLine($"{model.Id}: {ModelStatusWords.Word(model.Status)}; scan {scan.Verdict} ({scan.Findings} findings) by {scan.Scanner}.");
                foreach (var line in scan.Summary)
                {
                    output.WriteLine("  " + line);
                }

                if (before.SecuritySignOff is not null && model.SecuritySignOff is null)
                {
                    output.WriteLine($"The scan differs from the one security signed: the sign-off is cleared. Next: `switchyard models approve {model.Id} --as security`.");
                }
                else if (model.Status is ModelStatus.Approved or ModelStatus.Deprecated && scan.Verdict != "clean" && scan.Summary.Except(before.Scan?.Summary ?? []).Any())
                {
                    output.WriteLine($"The approved model has findings its security sign-off did not see: revoke it (`switchyard models revoke {model.Id} --as security --reason ...`) unless they are acceptable.");
                }
                else if (model.Status == ModelStatus.Scanned && model.SecuritySignOff is null)
                {
                    output.WriteLine($"Next: `switchyard models approve {model.Id} --as legal --reason ...` and `--as security`.");
                }

                return scan.Verdict switch { "clean" => 0, "findings" => 1, _ => 2 };
            }
            catch (Exception e) when (e is RegistryException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine(e.Message);
                return 2;
            }
        });
        return command;
    }

    private static Command List(TimeProvider time)
    {
        var db = Store();
        var status = new Option<string?>("--status") { Description = "Only models in this status." };
        status.AcceptOnlyFromAmong("proposed", "scanned", "approved", "rejected", "deprecated", "revoked");
        var command = db.AddTo(new Command("list", "List the registry's models.") { status });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            if (await OpenAsync(db, pr, time, pr.InvocationConfiguration.Error, ct) is not var (opened, registry, _))
            {
                return 2;
            }

            await using var storeScope = opened;

            var output = pr.InvocationConfiguration.Output;
            var filter = pr.GetValue(status) is { } word ? Enum.Parse<ModelStatus>(word, ignoreCase: true) : (ModelStatus?)null;
            var models = registry.Store.List(filter);
            output.WriteLine($"{"ID",-32} {"STATUS",-10} {"LICENCE",-18} {"PARAMS",8} {"FILES",5}  SOURCE");
            foreach (var m in models)
            {
                var parameters = m.ParameterCount is { } p ? (p / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + "B" : "-";
                output.WriteLine($"{m.Id,-32} {ModelStatusWords.Word(m.Status),-10} {m.LicenseId ?? "-",-18} {parameters,8} {m.Files.Count,5}  {(m.SourceRepository is null ? "internal" : m.SourceRepository + "@" + m.SourceRevision?[..Math.Min(12, m.SourceRevision.Length)])}");
            }

            output.WriteLine($"{models.Count} model(s).");
            return 0;
        });
        return command;
    }

    private static Command Show(TimeProvider time)
    {
        var db = Store();
        var id = new Argument<string>("id") { Description = "The model's registry id." };
        var command = db.AddTo(new Command("show", "Show a model: its files and hashes, licences, scan, sign-offs and every decision.") { id });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (output, error) = (pr.InvocationConfiguration.Output, pr.InvocationConfiguration.Error);
            if (await OpenAsync(db, pr, time, error, ct) is not var (opened, registry, _))
            {
                return 2;
            }

            await using var storeScope = opened;

            try
            {
                var m = registry.Get(pr.GetValue(id)!);
                output.WriteLine($"{m.Id} ({m.Name}): {ModelStatusWords.Word(m.Status)}");
                if (ModelRegistry.Standings(registry.Store).TryGetValue(m.Id, out var standing) && standing.Withheld is { } withheld)
                {
                    output.WriteLine($"  NOT SERVED: {m.Id} {withheld}.");
                }

                output.WriteLine($"  family {m.Family ?? "-"}, architecture {m.Architecture ?? "-"}, parameters {m.ParameterCount?.ToString("N0", CultureInfo.InvariantCulture) ?? "-"}{(m.ParameterCountEstimated ? " (estimated)" : "")}, multimodal {(m.Multimodal ? "yes" : "no")}");
                output.WriteLine($"  source {m.SourceRepository ?? "internal"}{(m.SourceRevision is null ? "" : "@" + m.SourceRevision)}; owner {m.Owner ?? "-"}; intended use {m.IntendedUse ?? "-"}");
                output.WriteLine($"  base {(m.BaseModels.Count == 0 ? "-" : string.Join(", ", m.BaseModels))}{(m.BaseRelation is null ? "" : $" ({m.BaseRelation})")}");
                output.WriteLine($"  licence {m.LicenseId ?? "none"}{(m.LicenseName is null ? "" : $" ({m.LicenseName})")}; text SHA-256 {m.LicenseTextSha256 ?? "-"}");
                foreach (var d in m.DeclaredLicenses)
                {
                    output.WriteLine($"    {d.Source}: {d.License}{(d.LicenseName is null ? "" : $" / {d.LicenseName}")}");
                }

                output.WriteLine($"  scan {m.Scan?.Verdict ?? "-"} by {m.Scan?.Scanner} ({m.Scan?.Findings} findings)");
                foreach (var line in m.Scan?.Summary ?? [])
                {
                    output.WriteLine("    " + line);
                }

                output.WriteLine($"  licence sign-off: {SignOffText(m.LicenseSignOff)}; security sign-off: {SignOffText(m.SecuritySignOff)}");
                output.WriteLine("  files:");
                foreach (var f in m.Files)
                {
                    output.WriteLine($"    {f.Sha256}  {f.Size,14:N0}  {f.Format,-12} {f.Path}");
                }

                output.WriteLine("  decisions:");
                foreach (var d in registry.Store.Decisions(m.Id))
                {
                    output.WriteLine($"    {d.At:yyyy-MM-ddTHH:mm:ssZ}  {d.Actor} ({d.Role}) {d.Action}: {ModelStatusWords.Word(d.From)} -> {ModelStatusWords.Word(d.To)}: {d.Reason}");
                }

                return 0;
            }
            catch (RegistryException e)
            {
                error.WriteLine(e.Message);
                return 2;
            }
        });
        return command;
    }

    private static Command Check(TimeProvider time)
    {
        var db = Store();
        var id = new Argument<string>("id") { Description = "The model's registry id." };
        var command = db.AddTo(new Command("check", "Explain the licence verdict for a model and its base chain against the organisation's profile. Exit 0 allowed, 1 needs review, 3 forbidden.") { id });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (output, error) = (pr.InvocationConfiguration.Output, pr.InvocationConfiguration.Error);
            if (await OpenAsync(db, pr, time, error, ct) is not var (opened, registry, _))
            {
                return 2;
            }

            await using var storeScope = opened;

            try
            {
                var model = registry.Get(pr.GetValue(id)!);
                foreach (var path in registry.Paths(model))
                {
                    output.WriteLine($"{model.Id}: derives {string.Join(" <- ", path.Select(s => $"{s.ModelId} [{s.LicenseId ?? "unknown"}]"))}");
                }

                var verdict = registry.Check(model);
                WriteVerdict(output, verdict);
                return verdict.Outcome switch { LicenseOutcome.Allowed => 0, LicenseOutcome.NeedsReview => 1, _ => 3 };
            }
            catch (RegistryException e)
            {
                error.WriteLine(e.Message);
                return 2;
            }
        });
        return command;
    }

    private static Command Decide(TimeProvider time, string action, string description)
    {
        var db = Store();
        var id = new Argument<string>("id") { Description = "The model's registry id." };
        var role = new Option<string>("--as") { Description = "The role you act in: legal, security or admin.", Required = true };
        role.AcceptOnlyFromAmong("legal", "security", "admin");
        var by = new Option<string?>("--by") { Description = "Who you are (default: cli:$USER)." };
        var reason = new Option<string?>("--reason") { Description = "Why: recorded with the decision and in the audit trail." };
        var accept = new Option<bool>("--accept-findings") { Description = "Security: accept the scan's findings (say why with --reason)." };
        var command = db.AddTo(new Command(action, description) { id, role, by, reason });
        if (action == "approve")
        {
            command.Options.Add(accept);
        }

        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (output, error) = (pr.InvocationConfiguration.Output, pr.InvocationConfiguration.Error);
            if (await OpenAsync(db, pr, time, error, ct) is not var (opened, registry, _))
            {
                return 2;
            }

            await using var storeScope = opened;

            var (modelId, asRole, actor, why) = (pr.GetValue(id)!, pr.GetValue(role)!, Actor(pr.GetValue(by)), pr.GetValue(reason) ?? "");
            try
            {
                var model = action switch
                {
                    "approve" when asRole == "legal" => registry.SignLicense(modelId, actor, asRole, why),
                    "approve" => registry.SignSecurity(modelId, actor, asRole, why, pr.GetValue(accept)),
                    "reject" => registry.Reject(modelId, actor, asRole, why),
                    "deprecate" => registry.Deprecate(modelId, actor, asRole, why),
                    _ => registry.Revoke(modelId, actor, asRole, why),
                };
                output.WriteLine($"{model.Id}: {ModelStatusWords.Word(model.Status)} (licence sign-off: {SignOffText(model.LicenseSignOff)}; security sign-off: {SignOffText(model.SecuritySignOff)}).");
                return 0;
            }
            catch (RegistryException e)
            {
                error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }

    private static Command Bom(TimeProvider time)
    {
        var db = Store();
        var output = new Option<string?>("--output", "-o") { Description = "Write the BOM to FILE (default: stdout)." };
        var command = db.AddTo(new Command("bom", "Export a CycloneDX 1.6 ML-BOM (JSON) of the approved (and deprecated) models: files and hashes, licences, base models, scans, approvals.") { output });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var error = pr.InvocationConfiguration.Error;
            if (await OpenAsync(db, pr, time, error, ct) is not var (opened, registry, _))
            {
                return 2;
            }

            await using var storeScope = opened;

            var bom = registry.BomModels();
            var text = CycloneDxWriter.WriteToString(bom, time.GetUtcNow(), Guid.NewGuid(), typeof(ModelsCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
            if (pr.GetValue(output) is { } file)
            {
                File.WriteAllText(file, text);
                pr.InvocationConfiguration.Output.WriteLine($"Wrote {file}: {bom.Count} model(s).");
            }
            else
            {
                pr.InvocationConfiguration.Output.Write(text);
            }

            return 0;
        });
        return command;
    }

    private static void WriteVerdict(TextWriter output, LicenseVerdict verdict)
    {
        output.WriteLine($"Licence verdict: {LicenseExplainer.Word(verdict.Outcome)}");
        foreach (var line in LicenseExplainer.Explain(verdict))
        {
            output.WriteLine("  " + line);
        }
    }

    private static string SignOffText(SignOff? signOff) => signOff is null ? "none" : $"{signOff.Verdict} by {signOff.Actor} at {signOff.At:yyyy-MM-ddTHH:mm:ssZ}: {signOff.Reason}";

    private static string Actor(string? by) => string.IsNullOrWhiteSpace(by) ? "cli:" + Environment.UserName : by.Trim();

    /// <summary>The registry of the store, judged with the configuration's profile; <see langword="null"/> after saying why not.</summary>
    private static async Task<(CliStores.Opened<IModelStore> Opened, ModelRegistry Registry, RegistryConfig Settings)?> OpenAsync(StoreSelection store, ParseResult pr, TimeProvider time, TextWriter error, CancellationToken ct)
    {
        var settings = RegistryConfig.Default;
        GatewayConfig? loaded = null;
        if (pr.GetValue(store.Config) is { } configPath)
        {
            var result = ConfigLoader.Load(configPath);
            if (!result.Succeeded)
            {
                error.WriteLine($"{configPath} has {result.Errors.Length} error(s):");
                foreach (var e in result.Errors)
                {
                    error.WriteLine("  " + e);
                }

                return null;
            }

            loaded = result.Config!;
            settings = loaded.Registry;
        }

        if (CliStores.Resolve(pr.GetValue(store.Db), null, error, loaded) is not { } options
            || await CliStores.OpenAsync(options, time, error, s => s.Models, null, ct) is not { } opened)
        {
            return null;
        }

        return (opened, new ModelRegistry(opened.Store, settings.Organisation, time), settings);
    }
}
