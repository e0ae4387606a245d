using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switchyard.Registry.Bom;
using static Switchyard.Registry.Tests.Bom.BomFixtures;

namespace Switchyard.Registry.Tests.Bom;

public sealed class CycloneDxWriterTests
{
    private static string Bom(params BomModel[] models) => CycloneDxWriter.WriteToString(models, Timestamp, Serial, ToolVersion);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static JsonElement ValidBom(params BomModel[] models)
    {
        var root = Parse(Bom(models));
        var errors = CycloneDx16Checker.Check(root);
        Assert.True(errors.Count == 0, "The BOM breaks CycloneDX 1.6:\n" + string.Join("\n", errors));
        return root;
    }

    private static JsonElement Component(JsonElement root, string bomRef) =>
        root.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("bom-ref").GetString() == bomRef);

    private static string? Property(JsonElement element, string name) =>
        element.TryGetProperty("properties", out var properties)
            ? properties.EnumerateArray().Where(p => p.GetProperty("name").GetString() == name).Select(p => p.GetProperty("value").GetString()).SingleOrDefault()
            : null;

    private static string[] Properties(JsonElement element, string name) =>
        [.. element.GetProperty("properties").EnumerateArray().Where(p => p.GetProperty("name").GetString() == name).Select(p => p.GetProperty("value").GetString()!)];

    private static JsonElement Dependency(JsonElement root, string bomRef) =>
        root.GetProperty("dependencies").EnumerateArray().Single(d => d.GetProperty("ref").GetString() == bomRef);

    private static string[] DependsOn(JsonElement root, string bomRef) =>
        Dependency(root, bomRef).TryGetProperty("dependsOn", out var list) ? [.. list.EnumerateArray().Select(e => e.GetString()!)] : [];

    [Fact]
    public void Write_ThreeModelChain_IsValidCycloneDx16()
    {
        var root = ValidBom(Chain());

        Assert.Equal("CycloneDX", root.GetProperty("bomFormat").GetString());
        Assert.Equal("1.6", root.GetProperty("specVersion").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        // Sorted by id, whatever order the registry passed them in.
        Assert.Equal(
            ["model:llama-3.1-8b-instruct", "model:support-llama-8b", "model:support-llama-8b-q4km"],
            root.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("bom-ref").GetString()));
        Assert.All(root.GetProperty("components").EnumerateArray(), c => Assert.Equal("machine-learning-model", c.GetProperty("type").GetString()));
    }

    [Fact]
    public void Write_HubModel_HasPurlGroupAndSourceReferences()
    {
        var model = Component(ValidBom(Base()), "model:llama-3.1-8b-instruct");

        // Namespace and name keep their case (the purl type is case sensitive there); the commit is lower-cased.
        Assert.Equal("pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct@" + BaseCommit.ToLowerInvariant(), model.GetProperty("purl").GetString());
        Assert.Equal("meta-llama", model.GetProperty("group").GetString());
        Assert.Equal("Llama 3.1 8B Instruct", model.GetProperty("name").GetString());
        Assert.Equal(BaseCommit, model.GetProperty("version").GetString());
        var references = model.GetProperty("externalReferences").EnumerateArray().Select(r => (r.GetProperty("type").GetString(), r.GetProperty("url").GetString())).ToList();
        Assert.Equal(
            [("distribution", "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct"), ("vcs", "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct")],
            references);
        Assert.Equal("hf://meta-llama/Llama-3.1-8B-Instruct", Property(model, "switchyard:source"));
    }

    [Fact]
    public void Write_HubModelWithoutCommit_HasNoPurl()
    {
        var model = Component(ValidBom(Base() with { Version = "main" }), "model:llama-3.1-8b-instruct");

        Assert.False(model.TryGetProperty("purl", out _));
        Assert.Equal("main", model.GetProperty("version").GetString());
    }

    [Fact]
    public void Write_CommitInSourceRepository_IsUsedForThePurl()
    {
        var commit = new string('c', 40);
        var model = Component(ValidBom(Base() with { Version = null, SourceRepository = "hf://gpt2@" + commit }), "model:llama-3.1-8b-instruct");

        Assert.Equal("pkg:huggingface/gpt2@" + commit, model.GetProperty("purl").GetString());
        Assert.False(model.TryGetProperty("group", out _));
    }

    [Fact]
    public void Write_Files_AreNestedFileComponentsWithSha256()
    {
        var model = Component(ValidBom(Base()), "model:llama-3.1-8b-instruct");

        Assert.False(model.TryGetProperty("hashes", out _));
        var files = model.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal(
            ["file:llama-3.1-8b-instruct/model-00001-of-00002.safetensors", "file:llama-3.1-8b-instruct/model-00002-of-00002.safetensors", "file:llama-3.1-8b-instruct/tokenizer.json"],
            files.Select(f => f.GetProperty("bom-ref").GetString()));
        var first = files[0];
        Assert.Equal("file", first.GetProperty("type").GetString());
        Assert.Equal("model-00001-of-00002.safetensors", first.GetProperty("name").GetString());
        var hash = Assert.Single(first.GetProperty("hashes").EnumerateArray());
        Assert.Equal("SHA-256", hash.GetProperty("alg").GetString());
        Assert.Equal(Sha('1'), hash.GetProperty("content").GetString());
        Assert.Equal("4976698672", Property(first, "switchyard:file:size"));
        Assert.Equal("safetensors", Property(first, "switchyard:file:format"));
    }

    [Fact]
    public void Write_UpperCaseHash_IsWrittenLowerCase()
    {
        var model = Component(ValidBom(Base() with { Files = [new("w.bin", 1, new string('F', 64), "pickle")] }), "model:llama-3.1-8b-instruct");

        var file = Assert.Single(model.GetProperty("components").EnumerateArray());
        Assert.Equal(new string('f', 64), file.GetProperty("hashes")[0].GetProperty("content").GetString());
    }

    [Fact]
    public void Write_Chain_PedigreeLinksEachModelToItsBaseByBomLink()
    {
        var root = ValidBom(Chain());

        var fineTune = Component(root, "model:support-llama-8b");
        var ancestor = Assert.Single(fineTune.GetProperty("pedigree").GetProperty("ancestors").EnumerateArray());
        Assert.Equal("machine-learning-model", ancestor.GetProperty("type").GetString());
        Assert.Equal("Llama 3.1 8B Instruct", ancestor.GetProperty("name").GetString());
        Assert.Equal("pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct@" + BaseCommit.ToLowerInvariant(), ancestor.GetProperty("purl").GetString());
        // An ancestor is a component of its own: it may not repeat the base's bom-ref, so it links to it.
        Assert.False(ancestor.TryGetProperty("bom-ref", out _));
        var link = Assert.Single(ancestor.GetProperty("externalReferences").EnumerateArray());
        Assert.Equal("bom", link.GetProperty("type").GetString());
        Assert.Equal($"urn:cdx:{Serial:D}/1#model:llama-3.1-8b-instruct", link.GetProperty("url").GetString());
        Assert.Equal("finetune", Property(fineTune, "switchyard:base-model-relation"));

        var quantised = Component(root, "model:support-llama-8b-q4km");
        var quantisedAncestor = Assert.Single(quantised.GetProperty("pedigree").GetProperty("ancestors").EnumerateArray());
        Assert.Equal("Support Llama 8B", quantisedAncestor.GetProperty("name").GetString());
        Assert.Equal("2025.03.1", quantisedAncestor.GetProperty("version").GetString());
        Assert.Equal($"urn:cdx:{Serial:D}/1#model:support-llama-8b", quantisedAncestor.GetProperty("externalReferences")[0].GetProperty("url").GetString());
    }

    [Fact]
    public void Write_Chain_FineTuneAndQuantisationHaveNoRuntimeDependency()
    {
        var root = ValidBom(Chain());

        Assert.Equal(["model:llama-3.1-8b-instruct", "model:support-llama-8b", "model:support-llama-8b-q4km"], DependsOn(root, CycloneDxWriter.RegistryRef));
        Assert.Equal(CycloneDxWriter.RegistryRef, root.GetProperty("metadata").GetProperty("component").GetProperty("bom-ref").GetString());
        // Listed with no dependsOn: "no dependencies", as opposed to a missing entry, which reads as "unknown".
        Assert.Empty(DependsOn(root, "model:support-llama-8b"));
        Assert.Empty(DependsOn(root, "model:support-llama-8b-q4km"));
        Assert.Empty(DependsOn(root, "model:llama-3.1-8b-instruct"));
    }

    [Fact]
    public void Write_AdapterOfModelInBom_DependsOnIt()
    {
        var adapter = new BomModel
        {
            Id = "support-lora",
            Name = "Support LoRA",
            Status = "approved",
            BaseModels = ["llama-3.1-8b-instruct"],
            BaseModelRelation = "adapter",
            Files = [new("adapter_model.safetensors", 167_832_240, Sha('6'), "safetensors")],
        };

        var root = ValidBom(Base(), adapter);

        Assert.Equal(["model:llama-3.1-8b-instruct"], DependsOn(root, "model:support-lora"));
        Assert.Equal(2, root.GetProperty("components").GetArrayLength());
    }

    [Fact]
    public void Write_AdapterOfExternalModel_AddsOneStubComponentForTheDependency()
    {
        var commit = new string('b', 40);
        BomModel Adapter(string id) => new()
        {
            Id = id,
            Name = id,
            Status = "approved",
            BaseModels = ["hf://mistralai/Mistral-7B-v0.1@" + commit],
            BaseModelRelation = "Adapter",
        };

        var root = ValidBom(Adapter("lora-a"), Adapter("lora-b"));

        var stubRef = "external-model:hf://mistralai/Mistral-7B-v0.1@" + commit;
        var stub = Component(root, stubRef);
        Assert.Equal("Mistral-7B-v0.1", stub.GetProperty("name").GetString());
        Assert.Equal("mistralai", stub.GetProperty("group").GetString());
        Assert.Equal("pkg:huggingface/mistralai/Mistral-7B-v0.1@" + commit, stub.GetProperty("purl").GetString());
        Assert.Equal("false", Property(stub, "switchyard:in-registry"));
        Assert.Equal(3, root.GetProperty("components").GetArrayLength());
        Assert.Equal([stubRef], DependsOn(root, "model:lora-a"));
        Assert.Equal([stubRef], DependsOn(root, "model:lora-b"));
        // The stub is not one of the registry's models.
        Assert.DoesNotContain(stubRef, DependsOn(root, CycloneDxWriter.RegistryRef));
    }

    [Fact]
    public void Write_FineTuneOfExternalModel_HasAncestorButNoStub()
    {
        var model = FineTune() with { BaseModels = ["hf://Qwen/Qwen2.5-7B", "some internal checkpoint"] };

        var root = ValidBom(model);

        Assert.Single(root.GetProperty("components").EnumerateArray());
        var ancestors = Component(root, "model:support-llama-8b").GetProperty("pedigree").GetProperty("ancestors").EnumerateArray().ToList();
        Assert.Equal(2, ancestors.Count);
        Assert.Equal("Qwen", ancestors[0].GetProperty("group").GetString());
        Assert.Equal("Qwen2.5-7B", ancestors[0].GetProperty("name").GetString());
        Assert.False(ancestors[0].TryGetProperty("purl", out _)); // no pinned commit
        Assert.Equal("https://huggingface.co/Qwen/Qwen2.5-7B", ancestors[0].GetProperty("externalReferences")[0].GetProperty("url").GetString());
        Assert.Equal("some internal checkpoint", ancestors[1].GetProperty("name").GetString());
        Assert.Equal(1, ancestors[1].EnumerateObject().Count(p => p.Name != "type"));
    }

    [Theory]
    [InlineData("apache-2.0", "Apache-2.0")]
    [InlineData("mit", "MIT")]
    [InlineData("bsd-3-clause", "BSD-3-Clause")]
    [InlineData("cc-by-nc-4.0", "CC-BY-NC-4.0")]
    [InlineData("CC-BY-SA-4.0", "CC-BY-SA-4.0")]
    [InlineData("odc-by", "ODC-By-1.0")]
    public void Write_SpdxLicence_UsesIdInSpdxCaseAndNoName(string registryId, string spdxId)
    {
        var model = Component(ValidBom(Base() with { LicenseId = registryId, LicenseName = "Some Display Name" }), "model:llama-3.1-8b-instruct");

        var license = Assert.Single(model.GetProperty("licenses").EnumerateArray()).GetProperty("license");
        Assert.Equal(spdxId, license.GetProperty("id").GetString());
        Assert.False(license.TryGetProperty("name", out _));
        Assert.Null(Property(license, "switchyard:license-id"));
        Assert.Equal(Sha('a'), Property(license, "switchyard:license-text-sha256"));
    }

    [Fact]
    public void Write_NonSpdxLicence_UsesNameAndKeepsTheRegistryId()
    {
        var model = Component(ValidBom(Base()), "model:llama-3.1-8b-instruct");

        var license = Assert.Single(model.GetProperty("licenses").EnumerateArray()).GetProperty("license");
        Assert.False(license.TryGetProperty("id", out _));
        Assert.Equal("Llama 3.1 Community License", license.GetProperty("name").GetString());
        Assert.Equal("llama3.1", Property(license, "switchyard:license-id"));
        Assert.Equal(Sha('a'), Property(license, "switchyard:license-text-sha256"));
        Assert.Equal("concluded", license.GetProperty("acknowledgement").GetString()); // a legal approval exists
    }

    [Fact]
    public void Write_NonSpdxLicenceWithoutName_UsesTheIdAsName()
    {
        var model = Component(ValidBom(FineTune() with { LicenseId = "mrl", LicenseName = null }), "model:support-llama-8b");

        var license = model.GetProperty("licenses")[0].GetProperty("license");
        Assert.Equal("mrl", license.GetProperty("name").GetString());
        Assert.False(license.TryGetProperty("properties", out _));
        Assert.Equal("declared", license.GetProperty("acknowledgement").GetString()); // no legal approval
    }

    [Fact]
    public void Write_AmbiguousGnuId_IsANamedLicenceNotAnSpdxId()
    {
        var model = Component(ValidBom(FineTune() with { LicenseId = "gpl-3.0", LicenseName = null }), "model:support-llama-8b");

        Assert.Equal("gpl-3.0", model.GetProperty("licenses")[0].GetProperty("license").GetProperty("name").GetString());
    }

    [Fact]
    public void Write_NoLicence_HasNoLicensesButKeepsTheTextHash()
    {
        var model = Component(ValidBom(Base() with { LicenseId = null, LicenseName = null }), "model:llama-3.1-8b-instruct");

        Assert.False(model.TryGetProperty("licenses", out _));
        Assert.Equal(Sha('a'), Property(model, "switchyard:license-text-sha256"));
    }

    [Fact]
    public void Write_InternalModel_HasNoPurlGroupOrReferences()
    {
        var root = ValidBom(FineTune() with { BaseModels = [], BaseModelRelation = null });

        var model = Component(root, "model:support-llama-8b");
        Assert.False(model.TryGetProperty("purl", out _));
        Assert.False(model.TryGetProperty("group", out _));
        Assert.False(model.TryGetProperty("externalReferences", out _));
        Assert.False(model.TryGetProperty("pedigree", out _));
        Assert.Null(Property(model, "switchyard:source"));
        Assert.Equal("2025.03.1", model.GetProperty("version").GetString());
    }

    [Fact]
    public void Write_NonHubSourceUrl_IsADistributionReference()
    {
        var model = Component(
            ValidBom(FineTune() with { SourceRepository = "s3://models/support", SourceUrl = "https://models.example.com/support" }),
            "model:support-llama-8b");

        Assert.Equal("distribution", Assert.Single(model.GetProperty("externalReferences").EnumerateArray()).GetProperty("type").GetString());
        Assert.Equal("s3://models/support", Property(model, "switchyard:source"));
    }

    [Fact]
    public void Write_ModelCard_CarriesParametersUseCasesAndRegistryFacts()
    {
        var card = Component(ValidBom(Base()), "model:llama-3.1-8b-instruct").GetProperty("modelCard");

        var parameters = card.GetProperty("modelParameters");
        Assert.Equal("text-generation", parameters.GetProperty("task").GetString());
        Assert.Equal("llama", parameters.GetProperty("architectureFamily").GetString());
        Assert.Equal("LlamaForCausalLM", parameters.GetProperty("modelArchitecture").GetString());
        Assert.False(parameters.TryGetProperty("approach", out _));
        Assert.Equal(["Internal chat assistants"], card.GetProperty("considerations").GetProperty("useCases").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal("8030261248", Property(card, "switchyard:parameter-count"));
        Assert.Equal("approved", Property(card, "switchyard:status"));
        Assert.Equal("ml-platform", Property(card, "switchyard:owner"));
    }

    [Fact]
    public void Write_MinimalModel_StillHasAModelCardWithItsStatus()
    {
        var root = ValidBom(new BomModel { Id = "m", Name = "m", Status = "approved" });

        var card = Component(root, "model:m").GetProperty("modelCard");
        Assert.False(card.TryGetProperty("modelParameters", out _));
        Assert.False(card.TryGetProperty("considerations", out _));
        Assert.Equal("approved", Property(card, "switchyard:status"));
    }

    [Fact]
    public void Write_ScanApprovalsAndObligations_AreProperties()
    {
        var root = ValidBom(Base(), Quantised() with { BaseModels = [] });

        var model = Component(root, "model:llama-3.1-8b-instruct");
        Assert.Equal("switchyard", Property(model, "switchyard:scan:scanner"));
        Assert.Equal("0.9.0", Property(model, "switchyard:scan:scanner-version"));
        Assert.Equal("2025-03-01T09:00:00Z", Property(model, "switchyard:scan:at"));
        Assert.Equal("clean", Property(model, "switchyard:scan:verdict"));
        Assert.Equal("0", Property(model, "switchyard:scan:findings"));
        Assert.Null(Property(model, "switchyard:scan:accepted-reason"));
        Assert.Equal("sam at 2025-03-01T12:00:00Z: Clean scan", Property(model, "switchyard:approval:security"));
        Assert.Equal("dana at 2025-03-02T09:30:00Z: Llama 3.1 licence accepted for internal use", Property(model, "switchyard:approval:legal"));
        Assert.Equal(["Display \"Built with Llama\"", "Include the licence with copies"], Properties(model, "switchyard:obligation"));
        Assert.Equal("llama-3.1-8b-instruct", Property(model, "switchyard:id"));
        // Oldest approval first, whatever the input order.
        var names = model.GetProperty("properties").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.True(names.IndexOf("switchyard:approval:security") < names.IndexOf("switchyard:approval:legal"));

        var quantised = Component(root, "model:support-llama-8b-q4km");
        Assert.Equal("accepted", Property(quantised, "switchyard:scan:verdict"));
        Assert.Equal("2", Property(quantised, "switchyard:scan:findings"));
        Assert.Equal("Findings are template warnings", Property(quantised, "switchyard:scan:accepted-reason"));
        Assert.Equal("2025-03-05T08:00:00.123Z", Property(quantised, "switchyard:scan:at"));
    }

    [Fact]
    public void Write_Metadata_HasTimestampToolAndDescribedComponent()
    {
        var offsetTime = new DateTimeOffset(2025, 3, 14, 17, 9, 26, TimeSpan.FromHours(2));
        var root = Parse(CycloneDxWriter.WriteToString(Chain(), offsetTime, Serial, ToolVersion));
        Assert.Empty(CycloneDx16Checker.Check(root));

        var metadata = root.GetProperty("metadata");
        Assert.Equal("2025-03-14T15:09:26Z", metadata.GetProperty("timestamp").GetString());
        var tool = Assert.Single(metadata.GetProperty("tools").GetProperty("components").EnumerateArray());
        Assert.Equal("application", tool.GetProperty("type").GetString());
        Assert.Equal("switchyard", tool.GetProperty("name").GetString());
        Assert.Equal(ToolVersion, tool.GetProperty("version").GetString());
        Assert.Equal("application", metadata.GetProperty("component").GetProperty("type").GetString());
        Assert.Equal("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", root.GetProperty("serialNumber").GetString());
    }

    [Fact]
    public void Write_NewGuid_SerialNumberIsAnRfc4122Urn()
    {
        var root = Parse(CycloneDxWriter.WriteToString(Chain(), Timestamp, Guid.NewGuid(), ToolVersion));

        // Stricter than the schema's pattern: version nibble 1-5, variant 8/9/a/b.
        Assert.Matches(
            new Regex("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"),
            root.GetProperty("serialNumber").GetString());
    }

    [Fact]
    public void Write_NoModels_IsAValidEmptyBom()
    {
        var root = ValidBom();

        Assert.Equal(0, root.GetProperty("components").GetArrayLength());
        Assert.Empty(DependsOn(root, CycloneDxWriter.RegistryRef));
    }

    [Fact]
    public void Write_OddCharacters_AreEscapedAndRoundTrip()
    {
        const string name = "Quote \" backslash \\ slash / newline \n tab \t bell \u0007 nul \0 <script>&amp; é 漢字 🦙 \u2028";
        const string path = "dir with space/ünïcødé \"weights\".safetensors";
        var model = Base() with
        {
            Name = name,
            IntendedUse = "Use \"carefully\"\r\nline two",
            Obligations = ["Keep \u001b[31m escapes out"],
            Files = [new(path, 1, Sha('7'), "safetensors")],
        };

        var json = Bom(model);
        var root = Parse(json);
        Assert.Empty(CycloneDx16Checker.Check(root));

        var component = Component(root, "model:llama-3.1-8b-instruct");
        Assert.Equal(name, component.GetProperty("name").GetString());
        Assert.Equal("Use \"carefully\"\r\nline two", component.GetProperty("modelCard").GetProperty("considerations").GetProperty("useCases")[0].GetString());
        Assert.Equal(["Keep \u001b[31m escapes out"], Properties(component, "switchyard:obligation"));
        var file = Assert.Single(component.GetProperty("components").EnumerateArray());
        Assert.Equal(path, file.GetProperty("name").GetString());
        Assert.Equal("file:llama-3.1-8b-instruct/" + path, file.GetProperty("bom-ref").GetString());
        // No raw control characters in the output; the readable characters stay readable.
        Assert.DoesNotContain(json, c => c < 0x20 && c != '\n');
        Assert.Contains("\\u0007", json, StringComparison.Ordinal);
        Assert.Contains("\\u0000", json, StringComparison.Ordinal);
        Assert.Contains("é 漢字", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_OddModelId_BomLinkFragmentIsPercentEncoded()
    {
        var odd = new BomModel { Id = "base #1 50%", Name = "Odd base", Status = "approved" };
        var child = new BomModel { Id = "child", Name = "Child", Status = "approved", BaseModels = ["base #1 50%"], BaseModelRelation = "finetune" };

        var root = ValidBom(odd, child);

        var url = Component(root, "model:child").GetProperty("pedigree").GetProperty("ancestors")[0].GetProperty("externalReferences")[0].GetProperty("url").GetString();
        Assert.Equal($"urn:cdx:{Serial:D}/1#model:base%20%231%2050%25", url);
    }

    [Fact]
    public void Write_SameInput_SameBytes()
    {
        var first = Bom(Chain());
        var second = Bom(Chain());
        var reordered = Bom([FineTune(), Quantised(), Base()]);

        Assert.Equal(first, second);
        Assert.Equal(first, reordered);
    }

    [Fact]
    public void Write_Stream_IsUtf8WithoutBomEndingInNewline()
    {
        using var stream = new MemoryStream();
        CycloneDxWriter.Write(stream, Chain(), Timestamp, Serial, ToolVersion);
        var bytes = stream.ToArray();

        Assert.Equal((byte)'{', bytes[0]);
        Assert.Equal((byte)'\n', bytes[^1]);
        Assert.DoesNotContain((byte)'\r', bytes);
        Assert.Equal(Bom(Chain()), Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Write_InvalidModels_ReportsEveryProblemAndWritesNothing()
    {
        var models = new[]
        {
            Base() with { Files = [new("a.safetensors", 1, "not-a-hash", "safetensors"), new("a.safetensors", -1, Sha('1'), "safetensors")] },
            Base() with { Name = "duplicate id" },
            FineTune() with { BaseModels = ["support-llama-8b"], LicenseTextSha256 = "abc" },
            Quantised() with { SourceRepository = "hf://not a repo", SourceUrl = "not a url" },
            new BomModel { Id = " ", Name = "no id", Status = "approved" },
        };
        using var stream = new MemoryStream();

        var error = Assert.Throws<ArgumentException>(() => CycloneDxWriter.Write(stream, models, Timestamp, Serial, ToolVersion));

        Assert.Equal(0, stream.Length);
        Assert.Equal("models", error.ParamName);
        Assert.Contains("file 'a.safetensors' has SHA-256 'not-a-hash'", error.Message, StringComparison.Ordinal);
        Assert.Contains("file 'a.safetensors' is listed twice", error.Message, StringComparison.Ordinal);
        Assert.Contains("negative size", error.Message, StringComparison.Ordinal);
        Assert.Contains("model 'llama-3.1-8b-instruct': the id is used by two models", error.Message, StringComparison.Ordinal);
        Assert.Contains("model 'support-llama-8b': lists itself", error.Message, StringComparison.Ordinal);
        Assert.Contains("LicenseTextSha256 'abc'", error.Message, StringComparison.Ordinal);
        Assert.Contains("SourceRepository 'hf://not a repo'", error.Message, StringComparison.Ordinal);
        Assert.Contains("SourceUrl 'not a url'", error.Message, StringComparison.Ordinal);
        Assert.Contains("models[4]: Id is empty", error.Message, StringComparison.Ordinal);
        Assert.Contains("9 problem(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_VersionAndSourceRevisionDisagree_IsAnError()
    {
        var model = Base() with { SourceRepository = "hf://meta-llama/Llama-3.1-8B-Instruct@" + new string('d', 40) };

        var error = Assert.Throws<ArgumentException>(() => Bom(model));

        Assert.Contains("are different commits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_IdsAndPathsThatMakeTheSameFileRef_IsAnError()
    {
        var a = new BomModel { Id = "a", Name = "a", Status = "approved", Files = [new("b/c", 1, Sha('1'), "json")] };
        var ab = new BomModel { Id = "a/b", Name = "ab", Status = "approved", Files = [new("c", 1, Sha('2'), "json")] };

        var error = Assert.Throws<ArgumentException>(() => Bom(a, ab));

        Assert.Contains("bom-ref 'file:a/b/c' would appear twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_EmptyToolVersion_Throws()
    {
        Assert.Throws<ArgumentException>(() => CycloneDxWriter.WriteToString(Chain(), Timestamp, Serial, ""));
    }
}
