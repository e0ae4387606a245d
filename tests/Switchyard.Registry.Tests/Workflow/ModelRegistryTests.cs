using System.Text;
using Microsoft.Data.Sqlite;
using Switchyard.Registry.Licenses;
using Switchyard.Registry.Scanning;
using Switchyard.Registry.Workflow;
using Switchyard.Storage.Models;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Registry.Tests.Workflow;

/// <summary>The registry's workflow over a real SQLite file: registration, sign-offs, illegal transitions, the audit chain.</summary>
public sealed class ModelRegistryTests : IDisposable
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";
    private readonly string _dir = Directory.CreateTempSubdirectory("switchyard-registry-").FullName;
    private readonly string _db;
    private readonly ModelRegistry _registry;

    public ModelRegistryTests()
    {
        _db = Path.Combine(_dir, "r.db");
        _registry = Open(new OrganisationProfile { MonthlyActiveUsers = 50_000, Regions = ["US"] });
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A model folder: config.json, a card with the given front matter, a safetensors file, optional licence text and extra files.</summary>
    internal static string Folder(string root, string name, string frontMatter, string? licenseText = null, params (string Name, byte[] Bytes)[] extra)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, name)).FullName;
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":64,"num_hidden_layers":2,"vocab_size":100,"intermediate_size":128}""");
        File.WriteAllText(Path.Combine(dir, "README.md"), $"---\n{frontMatter}\n---\n# {name}\n");
        var header = Encoding.UTF8.GetBytes("""{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}""");
        File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. new byte[16]]);
        if (licenseText is not null)
        {
            File.WriteAllText(Path.Combine(dir, "LICENSE"), licenseText);
        }

        foreach (var (file, bytes) in extra)
        {
            File.WriteAllBytes(Path.Combine(dir, file), bytes);
        }

        return dir;
    }

    private ModelRegistry Open(OrganisationProfile profile) =>
        new(new SqliteModelStore(new SqliteStoreOptions { Path = _db }, TimeProvider.System), profile, TimeProvider.System);

    private Task<ModelRecord> Add(string folder, string? id = null, string? source = null, bool auto = false) =>
        _registry.AddFromFolderAsync(folder, new ModelRegistration { Actor = "cli:alice", Id = id, Source = source, AutoApprove = auto }, new WeightScanner());

    [Fact]
    public async Task Add_HashesScansAndReadsTheLicence_ThenBothSignOffsApprove_EachDecisionRecorded()
    {
        var model = await Add(Folder(_dir, "qwen", "license: apache-2.0", "Apache License\nVersion 2.0, January 2004\n"), source: $"hf://Qwen/Qwen2.5-7B-Instruct@{Commit}");

        Assert.Equal(("qwen2.5-7b-instruct", ModelStatus.Scanned, "clean", "apache-2.0"), (model.Id, model.Status, model.Scan!.Verdict, model.LicenseId));
        Assert.Equal(("hf://Qwen/Qwen2.5-7B-Instruct", Commit), (model.SourceRepository, model.SourceRevision));
        Assert.All(model.Files, f => Assert.Matches("^[0-9a-f]{64}$", f.Sha256));
        Assert.Contains(model.Files, f => f.Path == "model.safetensors" && f.Format == "safetensors");
        Assert.NotNull(model.LicenseTextSha256);
        Assert.Equal(LicenseOutcome.Allowed, _registry.Check(model).Outcome);

        Assert.Equal(ModelStatus.Scanned, _registry.SignLicense(model.Id, "cli:lena", "legal", "").Status);
        var approved = _registry.SignSecurity(model.Id, "cli:sam", "security", "", acceptFindings: false);

        Assert.Equal(ModelStatus.Approved, approved.Status);
        Assert.Equal(["propose", "scan", "sign-license", "approve"], _registry.Store.Decisions(model.Id).Select(d => d.Action));
        Assert.Equal("cli:sam", _registry.Store.Decisions(model.Id)[^1].Actor);
        var audit = _registry.Store.Trail.Verify();
        Assert.True(audit.Intact, string.Join("\n", audit.Problems));
        Assert.Equal(4, audit.Entries);
    }

    [Fact]
    public async Task SignLicense_ForbiddenByThePolicy_IsRefused_AndRejectIsFinal()
    {
        var model = await Add(Folder(_dir, "ministral", "license: other\nlicense_name: mrl"), id: "ministral");

        Assert.Equal(LicenseOutcome.Forbidden, _registry.Check(model).Outcome);
        var refused = Assert.Throws<RegistryException>(() => _registry.SignLicense("ministral", "cli:lena", "legal", "looks fine"));
        Assert.Contains("Mistral AI Research License", refused.Message);
        Assert.Contains("Reject it", refused.Message);

        Assert.Throws<RegistryException>(() => _registry.Reject("ministral", "cli:lena", "legal", " "));
        Assert.Equal(ModelStatus.Rejected, _registry.Reject("ministral", "cli:lena", "legal", "research-only licence").Status);
        Assert.Contains("final", Assert.Throws<RegistryException>(() => _registry.SignSecurity("ministral", "cli:sam", "security", "", false)).Message);
        Assert.Throws<RegistryException>(() => _registry.Revoke("ministral", "cli:lena", "legal", "again"));
        Assert.Throws<RegistryException>(() => _registry.Reject("ministral", "cli:lena", "legal", "again"));
    }

    [Fact]
    public async Task Roles_AreSeparated_AndScanFindingsNeedAnAcceptedReason()
    {
        var pickle = new byte[] { 0x80, 0x02, (byte)'c', (byte)'o', (byte)'s', (byte)'\n', (byte)'s', (byte)'y', (byte)'s', (byte)'t', (byte)'e', (byte)'m', (byte)'\n', (byte)'q', 0x00, (byte)'X', 0x02, 0, 0, 0, (byte)'i', (byte)'d', (byte)'\x85', (byte)'R', (byte)'.' };
        var model = await Add(Folder(_dir, "tainted", "license: mit", null, ("pytorch_model.bin", pickle)), id: "tainted");

        Assert.Equal("findings", model.Scan!.Verdict);
        Assert.Throws<RegistryException>(() => _registry.SignLicense("tainted", "cli:sam", "security", "ok"));
        Assert.Throws<RegistryException>(() => _registry.SignSecurity("tainted", "cli:lena", "legal", "ok", true));
        Assert.Contains("--accept-findings", Assert.Throws<RegistryException>(() => _registry.SignSecurity("tainted", "cli:sam", "security", "", false)).Message);
        Assert.Throws<RegistryException>(() => _registry.SignSecurity("tainted", "cli:sam", "security", "", true));

        var signed = _registry.SignSecurity("tainted", "cli:sam", "security", "the .bin is never loaded: served from safetensors", true);
        Assert.Equal("accepted", signed.SecuritySignOff!.Verdict);
    }

    [Fact]
    public async Task SignSecurity_ProfileTurnedCommercialSinceLegalSigned_TheForbiddenModelIsNeverApproved()
    {
        var research = Open(new OrganisationProfile { CommercialUse = false, IntendedUses = [IntendedUse.Research], Regions = ["US"] });
        var model = await research.AddFromFolderAsync(Folder(_dir, "ministral", "license: other\nlicense_name: mrl"), new ModelRegistration { Actor = "cli:alice", Id = "ministral" }, new WeightScanner());
        Assert.Equal(LicenseOutcome.NeedsReview, research.Check(model).Outcome);
        research.SignLicense("ministral", "cli:lena", "legal", "research use only, as the MRL allows");

        // The organisation's profile now says commercial production (registry.organisation changed) before security signs.
        var refused = Assert.Throws<RegistryException>(() => _registry.SignSecurity("ministral", "cli:sam", "security", "clean", acceptFindings: false));

        Assert.Contains("now forbids", refused.Message);
        Assert.Contains("Mistral AI Research License", refused.Message);
        Assert.Equal(ModelStatus.Scanned, _registry.Get("ministral").Status);
        Assert.DoesNotContain(_registry.Store.Decisions("ministral"), d => d.To == ModelStatus.Approved);
    }

    [Fact]
    public async Task SignSecurity_BaseRejectedSinceLegalSigned_IsRefused()
    {
        await Add(Folder(_dir, "llama", "license: llama3.1"), id: "llama");
        await Add(Folder(_dir, "adapter", "license: llama3.1\nbase_model: llama\nbase_model_relation: adapter"), id: "legal-lora");
        _registry.SignLicense("legal-lora", "cli:lena", "legal", "Llama 3.1 terms reviewed");
        _registry.Reject("llama", "cli:sam", "security", "tokenizer ships a pickle");

        var refused = Assert.Throws<RegistryException>(() => _registry.SignSecurity("legal-lora", "cli:sam", "security", "clean", acceptFindings: false));

        Assert.Contains("derives from llama, which is rejected", refused.Message);
        Assert.Equal(ModelStatus.Scanned, _registry.Get("legal-lora").Status);
    }

    [Fact]
    public async Task SignSecurity_VerdictWorsenedSinceAnOutrightLicenceSignOff_NeedsLegalToSignAgain()
    {
        await Add(Folder(_dir, "olmo", "license: apache-2.0"), id: "olmo");
        Assert.Equal("allowed", _registry.SignLicense("olmo", "cli:lena", "legal", "").LicenseSignOff!.Verdict);
        // The catalog now treats Apache-2.0 as a licence legal reviews (an override), before security signs.
        var apache = LicenseCatalog.Default.Get("apache-2.0")! with { Class = LicenseClass.CommunityCommercial };
        var stricter = new ModelRegistry(_registry.Store, _registry.Profile, TimeProvider.System, LicenseCatalog.Default.With([apache]));

        var refused = Assert.Throws<RegistryException>(() => stricter.SignSecurity("olmo", "cli:sam", "security", "clean", acceptFindings: false));
        Assert.Contains("signs it again", refused.Message);

        stricter.SignLicense("olmo", "cli:lena", "legal", "Apache-2.0 reviewed under the new rule");
        Assert.Equal(ModelStatus.Approved, stricter.SignSecurity("olmo", "cli:sam", "security", "clean", acceptFindings: false).Status);
    }

    [Fact]
    public async Task ApprovedModel_DeprecatesAndRevokes_ButNeverComesBack()
    {
        var model = await Add(Folder(_dir, "olmo", "license: apache-2.0"), id: "olmo", auto: true);
        Assert.Equal(ModelStatus.Approved, model.Status);
        Assert.Equal("license-policy", model.LicenseSignOff!.Actor);

        Assert.Throws<RegistryException>(() => _registry.Reject("olmo", "cli:lena", "legal", "no"));
        Assert.Equal(ModelStatus.Deprecated, _registry.Deprecate("olmo", "cli:ops", "admin", "OLMo 3 replaces it").Status);
        Assert.Equal(ModelStatus.Revoked, _registry.Revoke("olmo", "cli:sec", "security", "CVE in the tokenizer").Status);
        Assert.Throws<RegistryException>(() => _registry.SignLicense("olmo", "cli:lena", "legal", "again"));
        Assert.Throws<RegistryException>(() => _registry.Deprecate("olmo", "cli:ops", "admin", "again"));
    }

    [Fact]
    public async Task AutoApprove_NeedsAnAllowedLicence_NotACommunityOne()
    {
        var model = await Add(Folder(_dir, "llama", "license: llama3.1"), id: "llama", auto: true);

        Assert.Equal(ModelStatus.Scanned, model.Status);
        Assert.Equal(LicenseOutcome.NeedsReview, _registry.Check(model).Outcome);
        Assert.Contains("--reason", Assert.Throws<RegistryException>(() => _registry.SignLicense("llama", "cli:lena", "legal", "")).Message);
    }

    [Fact]
    public async Task Add_CardAndLicenceFileDisagree_IsAProblemAndNeedsReview()
    {
        var model = await Add(Folder(_dir, "mixed", "license: apache-2.0", "MISTRAL AI RESEARCH LICENSE\nMistral AI Research License\n"), id: "mixed");

        Assert.Contains(model.Problems, p => p.StartsWith("licences disagree", StringComparison.Ordinal));
        Assert.Contains(_registry.Check(model).Clauses, c => c.Code == LicenseCodes.LicenseMismatch);
        Assert.NotEqual(LicenseOutcome.Allowed, _registry.Check(model).Outcome);
    }

    [Fact]
    public async Task Add_CardAndGgufMetadataDisagree_IsFlaggedAsAMismatch()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "quant")).FullName;
        File.WriteAllText(Path.Combine(dir, "README.md"), "---\nlicense: apache-2.0\n---\n# A quantisation\n");
        File.WriteAllBytes(Path.Combine(dir, "model-Q4_K_M.gguf"), new Tests.Scanning.Gguf.GgufFile().String("general.architecture", "llama")
            .String("general.license", "llama3.1").Tensor("token_embd.weight", [32, 2], 0u, 256u).Build());

        var model = await Add(dir, id: "quant");

        Assert.Equal("apache-2.0", model.LicenseId);
        var problem = Assert.Single(model.Problems, p => p.StartsWith("licences disagree", StringComparison.Ordinal));
        Assert.Contains("README.md says apache-2.0", problem);
        Assert.Contains("model-Q4_K_M.gguf says llama3.1", problem);
        var verdict = _registry.Check(model);
        Assert.Contains(verdict.Clauses, c => c.Code == LicenseCodes.LicenseMismatch && c.Outcome == LicenseOutcome.NeedsReview);
        Assert.NotEqual(LicenseOutcome.Allowed, verdict.Outcome);
        Assert.Equal(ModelStatus.Scanned, (await Add(dir, id: "quant-auto", auto: true)).Status);
    }

    [Fact]
    public async Task Derivative_CarriesItsBasesLicence_AndAnUnregisteredBaseIsNeverAllowed()
    {
        await Add(Folder(_dir, "llama", "license: llama3.1"), id: "llama-3.1-8b", source: $"hf://meta-llama/Llama-3.1-8B-Instruct@{Commit}");
        var adapter = await Add(Folder(_dir, "adapter", "license: llama3.1\nbase_model: meta-llama/Llama-3.1-8B-Instruct\nbase_model_relation: adapter"), id: "support-lora");
        var orphan = await Add(Folder(_dir, "orphan", "license: apache-2.0\nbase_model: someone/unknown-base"), id: "orphan");

        Assert.Equal(["support-lora", "meta-llama/Llama-3.1-8B-Instruct"], Assert.Single(_registry.Paths(adapter)).Select(s => s.ModelId));
        Assert.Contains(_registry.Check(adapter).Obligations, o => o.LicenseId == "llama3.1");
        Assert.Equal("adapter", adapter.BaseRelation);
        Assert.NotEqual(LicenseOutcome.Allowed, _registry.Check(orphan).Outcome);
    }

    [Fact]
    public async Task Check_MergeWhoseSecondBaseIsNonCommercial_IsForbiddenForACommercialProfile_AndCarriesBothBasesDuties()
    {
        await Add(Folder(_dir, "qwen", "license: apache-2.0"), id: "qwen-base");
        await Add(Folder(_dir, "nc", "license: cc-by-nc-4.0"), id: "nc-base");
        var merge = await Add(Folder(_dir, "merge", "license: apache-2.0\nbase_model:\n- qwen-base\n- nc-base\nbase_model_relation: merge"), id: "merge");

        var verdict = _registry.Check(merge);

        Assert.Equal(["qwen-base", "nc-base"], merge.BaseModels);
        Assert.Equal([["merge", "qwen-base"], ["merge", "nc-base"]], _registry.Paths(merge).Select(p => p.Select(s => s.ModelId)));
        Assert.Equal(LicenseOutcome.Forbidden, verdict.Outcome);
        Assert.Contains(verdict.Clauses, c => c.Code == LicenseCodes.NonCommercial && c.ModelId == "nc-base");
        Assert.Contains(verdict.Obligations, o => o.LicenseId == "cc-by-nc-4.0");
        Assert.Single(verdict.Clauses, c => c.Code == LicenseCodes.PermissiveLicense && c.ModelId == "merge");
        Assert.Contains("forbids", Assert.Throws<RegistryException>(() => _registry.SignLicense("merge", "cli:lena", "legal", "merge of two")).Message);
    }

    [Fact]
    public async Task Check_GgufWithTwoBaseModels_CarriesTheLicenceOfEach()
    {
        await Add(Folder(_dir, "qwen", "license: apache-2.0"), id: "qwen", source: $"hf://Qwen/Qwen2.5-7B@{Commit}");
        await Add(Folder(_dir, "nc", "license: cc-by-nc-4.0"), id: "nc", source: $"hf://acme/nc-7b@{Commit}");
        var gguf = new Tests.Scanning.Gguf.GgufFile().String("general.architecture", "qwen2").String("general.license", "apache-2.0")
            .U32("general.base_model.count", 2)
            .String("general.base_model.0.name", "Qwen2.5 7B").String("general.base_model.0.repo_url", "https://huggingface.co/Qwen/Qwen2.5-7B")
            .String("general.base_model.1.name", "NC 7B").String("general.base_model.1.repo_url", "https://huggingface.co/acme/nc-7b")
            .Tensor("token_embd.weight", [32, 2], 0u, 256u).Build();
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "merged-gguf")).FullName;
        File.WriteAllBytes(Path.Combine(dir, "merged-Q8_0.gguf"), gguf);

        var model = await Add(dir, id: "merged-gguf");

        Assert.Equal(["Qwen/Qwen2.5-7B", "acme/nc-7b"], model.BaseModels);
        Assert.Equal(LicenseOutcome.Forbidden, _registry.Check(model).Outcome);
        Assert.Contains(_registry.Check(model).Clauses, c => c.Code == LicenseCodes.NonCommercial && c.ModelId == "acme/nc-7b");
    }

    [Fact]
    public async Task Add_BaseGraphWithACycle_IsRefusedWithThePath()
    {
        await Add(Folder(_dir, "a", "license: apache-2.0\nbase_model: acme/b"), id: "a");

        var error = await Assert.ThrowsAsync<RegistryException>(() => Add(Folder(_dir, "b", "license: apache-2.0\nbase_model: a"), id: "b", source: $"hf://acme/b@{Commit}"));

        Assert.Contains("cycle", error.Message);
        Assert.Contains("b -> a -> b", error.Message);
        Assert.Null(_registry.Store.Find("b"));
    }

    [Fact]
    public async Task Add_LlamaLicenceText_IsDocumentationNotAMalformedPickle_ButARealTextPickleStillIsFound()
    {
        // "LLAMA 3.1 ..." opens like a protocol-0 pickle ('L' is LONG): the scanner once called Meta's own LICENSE malformed.
        var clean = await Add(Folder(_dir, "llama", "license: llama3.1", "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024\n"), id: "llama");
        Assert.Equal("clean", clean.Scan!.Verdict);

        var tainted = await Add(Folder(_dir, "text-pickle", "license: mit", null, ("LICENSE", Encoding.ASCII.GetBytes("cos\nsystem\n(S'id'\ntR."))), id: "text-pickle");
        Assert.Equal("findings", tainted.Scan!.Verdict);
    }

    [Theory]
    [InlineData("hf://Qwen/Qwen2.5-7B-Instruct@main")]
    [InlineData("hf://Qwen/Qwen2.5-7B-Instruct")]
    [InlineData("https://huggingface.co/Qwen/Qwen2.5-7B-Instruct")]
    public async Task Add_UnpinnedSource_IsRefused(string source)
    {
        var error = await Assert.ThrowsAsync<RegistryException>(() => Add(Folder(_dir, "q", "license: mit"), source: source));
        Assert.Contains("40-hex commit", error.Message);
        Assert.Empty(_registry.Store.List());
    }

    [Fact]
    public async Task AuditTrail_EditedOrDeletedEntries_AreFoundAndNamed()
    {
        var model = await Add(Folder(_dir, "olmo", "license: apache-2.0"), id: "olmo");
        _registry.SignLicense("olmo", "cli:lena", "legal", "");
        _registry.SignSecurity("olmo", "cli:sam", "security", "", false);
        var head = _registry.Store.Trail.Verify().Head;
        Assert.True(_registry.Store.Trail.Verify(head).Intact);

        Execute("UPDATE admin_audit SET actor = 'cli:mallory' WHERE seq = 3;");
        var edited = _registry.Store.Trail.Verify();
        Assert.Contains(edited.Problems, p => p.StartsWith("entry 3 ", StringComparison.Ordinal) && p.Contains("edited"));

        Execute("DELETE FROM admin_audit WHERE seq = 2;");
        Assert.Contains(_registry.Store.Trail.Verify().Problems, p => p.Contains("entries 2 are missing") || p.Contains("deleted before entry 3"));

        Execute("DELETE FROM admin_audit WHERE seq = 4;");
        var cut = _registry.Store.Trail.Verify(head);
        Assert.Contains(cut.Problems, p => p.Contains("newest entries were deleted"));
        Assert.Contains(cut.Problems, p => p.Contains("is not in the trail"));
        Assert.Equal(ModelStatus.Approved, _registry.Get(model.Id).Status);
    }

    [Fact]
    public async Task Add_FolderWithItsOwnManifest_LeavesTheManifestOutOfTheFiles()
    {
        var folder = Folder(_dir, "olmo", "license: apache-2.0", null, ("switchyard-manifest.json", """{"manifest_version":1,"files":[]}"""u8.ToArray()));

        var model = await Add(folder, id: "olmo");

        Assert.DoesNotContain(model.Files, f => f.Path == "switchyard-manifest.json");
        Assert.Contains(model.Files, f => f.Path == "model.safetensors");
    }

    /// <summary>A record of the folder's files as an earlier registration (or an older scanner) left it, without the scan.</summary>
    private ModelRecord Recorded(string id, string folder, ModelStatus status, ModelScan? scan = null)
    {
        var now = DateTimeOffset.UtcNow;
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f =>
            new ModelFile(Path.GetRelativePath(folder, f).Replace('\\', '/'), new FileInfo(f).Length, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))), "other")).ToList();
        var model = new ModelRecord { Id = id, Name = id, LicenseId = "mit", Status = status, Files = files, Scan = scan, Created = now, Updated = now };
        Assert.True(_registry.Store.Add(model, new ModelDecision(now, "cli:alice", "registrant", "propose", status, status, "test")));
        return _registry.Get(id);
    }

    private static readonly byte[] OsSystemPickle = [0x80, 0x02, (byte)'c', (byte)'o', (byte)'s', (byte)'\n', (byte)'s', (byte)'y', (byte)'s', (byte)'t', (byte)'e', (byte)'m', (byte)'\n', (byte)'q', 0x00, (byte)'X', 0x02, 0, 0, 0, (byte)'i', (byte)'d', (byte)'\x85', (byte)'R', (byte)'.'];

    [Fact]
    public async Task Rescan_ProposedModel_MovesToScanned_WhereTheWorkflowHintPointed()
    {
        var folder = Folder(_dir, "stuck", "license: mit");
        Recorded("stuck", folder, ModelStatus.Proposed);
        var hint = Assert.Throws<RegistryException>(() => _registry.SignLicense("stuck", "cli:lena", "legal", "ok")).Message;
        Assert.Contains("`switchyard models scan stuck --dir PATH`", hint);

        var scanned = await _registry.RescanAsync("stuck", folder, "cli:sam", new WeightScanner());

        Assert.Equal((ModelStatus.Scanned, "clean"), (scanned.Status, scanned.Scan!.Verdict));
        Assert.Equal(("scan", ModelStatus.Proposed, ModelStatus.Scanned), _registry.Store.Decisions("stuck").Select(d => (d.Action, d.From, d.To)).Last());
        Assert.True(_registry.Store.Trail.Verify().Intact);
    }

    [Fact]
    public async Task Rescan_ApprovedModelAnOlderScannerPassed_RecordsTheNewFindings_AndAScannedOneLosesItsSecuritySignOff()
    {
        var clean = new ModelScan("switchyard-scan 0.1.0", DateTimeOffset.UnixEpoch, "clean", 0, []);
        var approvedFolder = Folder(_dir, "approved", "license: mit", null, ("pytorch_model.bin", OsSystemPickle));
        Recorded("approved", approvedFolder, ModelStatus.Approved, clean);
        var reviewFolder = Folder(_dir, "review", "license: mit", null, ("pytorch_model.bin", OsSystemPickle));
        var review = Recorded("review", reviewFolder, ModelStatus.Scanned, clean);
        Assert.True(_registry.Store.Update(review with { SecuritySignOff = new SignOff("cli:sam", DateTimeOffset.UnixEpoch, "clean", "clean") }, new ModelDecision(DateTimeOffset.UtcNow, "cli:sam", "security", "sign-security", ModelStatus.Scanned, ModelStatus.Scanned, "clean")));

        var approved = await _registry.RescanAsync("approved", approvedFolder, "cli:sam", new WeightScanner());
        var reviewed = await _registry.RescanAsync("review", reviewFolder, "cli:sam", new WeightScanner());

        Assert.Equal((ModelStatus.Approved, "findings"), (approved.Status, approved.Scan!.Verdict));
        Assert.Contains("was clean", _registry.Store.Decisions("approved")[^1].Reason);
        Assert.Equal("rescan", _registry.Store.Decisions("approved")[^1].Action);
        Assert.Null(reviewed.SecuritySignOff);
        Assert.Contains("--accept-findings", Assert.Throws<RegistryException>(() => _registry.SignSecurity("review", "cli:sam", "security", "", false)).Message);
    }

    [Fact]
    public async Task Rescan_FolderWithOtherFiles_OrAFinalModel_IsRefused()
    {
        var folder = Folder(_dir, "olmo", "license: apache-2.0");
        await Add(folder, id: "olmo");
        File.AppendAllText(Path.Combine(folder, "config.json"), " ");

        var changed = await Assert.ThrowsAsync<RegistryException>(() => _registry.RescanAsync("olmo", folder, "cli:sam", new WeightScanner()));
        Assert.Contains("config.json changed", changed.Message);

        _registry.Reject("olmo", "cli:lena", "legal", "no");
        Assert.Contains("final", (await Assert.ThrowsAsync<RegistryException>(() => _registry.RescanAsync("olmo", folder, "cli:sam", new WeightScanner()))).Message);
    }

    [Fact]
    public async Task BomModels_TakeTheTaskFromTheCardsPipelineTag_ElseFromACausalLmArchitecture()
    {
        await Add(Folder(_dir, "embed", "license: apache-2.0\npipeline_tag: feature-extraction"), id: "embed", auto: true);
        await Add(Folder(_dir, "olmo", "license: apache-2.0"), id: "olmo", auto: true);

        var bom = _registry.BomModels().ToDictionary(m => m.Id);

        Assert.Equal(("feature-extraction", "text-generation"), (bom["embed"].Task, bom["olmo"].Task));
    }

    [Fact]
    public async Task AuditVerify_StatusFlippedInTheTable_NamesTheModelAndTheStatus()
    {
        await Add(Folder(_dir, "llama", "license: llama3.1"), id: "llama");
        Assert.True(_registry.Store.Trail.Verify().Intact);

        Execute("UPDATE models SET status = 'approved' WHERE id = 'llama';");

        var verification = _registry.Store.Trail.Verify();
        var problem = Assert.Single(verification.Problems);
        Assert.Contains("model 'llama'", problem);
        Assert.Contains("status is approved, the audit trail last recorded scanned", problem);
        Assert.Contains("model.scan", problem);
    }

    [Fact]
    public async Task AuditVerify_HashOrLicenceSwappedInTheRecord_NamesWhatDiffers()
    {
        var model = await Add(Folder(_dir, "olmo", "license: apache-2.0"), id: "olmo", auto: true);
        var weights = model.Files.Single(f => f.Path == "model.safetensors").Sha256;

        Execute($"UPDATE models SET record = replace(record, '{weights}', '{new string('0', 64)}') WHERE id = 'olmo';");
        Assert.Contains(_registry.Store.Trail.Verify().Problems, p => p.Contains("model 'olmo'") && p.Contains("file hashes"));

        Execute($"UPDATE models SET record = replace(replace(record, '{new string('0', 64)}', '{weights}'), '\"license_id\":\"apache-2.0\"', '\"license_id\":\"mit\"') WHERE id = 'olmo';");
        var licence = Assert.Single(_registry.Store.Trail.Verify().Problems);
        Assert.Contains("licence", licence);
        Assert.DoesNotContain("file hashes", licence);

        Execute("DELETE FROM model_decisions WHERE model_id = 'olmo'; DELETE FROM models WHERE id = 'olmo';");
        Assert.Contains(_registry.Store.Trail.Verify().Problems, p => p.Contains("model 'olmo'") && p.Contains("deleted"));
    }

    [Fact]
    public async Task Standings_RecordEditedIntoSomethingUnreadable_WithholdsItAndEveryOtherModel()
    {
        await Add(Folder(_dir, "olmo", "license: apache-2.0"), id: "olmo", auto: true);
        await Add(Folder(_dir, "qwen", "license: apache-2.0"), id: "qwen", auto: true);
        Assert.All(ModelRegistry.Standings(_registry.Store).Values, s => Assert.True(s.Servable));

        Execute("UPDATE models SET record = '{ not json' WHERE id = 'olmo';");
        var standings = ModelRegistry.Standings(_registry.Store);

        Assert.Contains("does not match the audit trail", standings["olmo"].Withheld);
        Assert.Contains("cannot be read", standings["qwen"].Withheld);
        Assert.Contains(_registry.Store.Trail.Verify().Problems, p => p.Contains("model 'olmo'") && p.Contains("not a readable model record"));
    }

    [Fact]
    public void AuditVerify_ModelInsertedOutsideTheRegistry_IsNamed()
    {
        Execute("""INSERT INTO models (id, status, revision, updated_unix_ms, record) VALUES ('smuggled', 'approved', 1, 0, '{"id":"smuggled","name":"smuggled","status":"approved"}');""");

        Assert.Contains(_registry.Store.Trail.Verify().Problems, p => p.Contains("model 'smuggled'") && p.Contains("no entry in the audit trail"));
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_db}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
