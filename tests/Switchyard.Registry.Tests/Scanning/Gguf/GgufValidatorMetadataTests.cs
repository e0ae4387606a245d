using Switchyard.Registry.Scanning;
using Switchyard.Registry.Scanning.Gguf;

namespace Switchyard.Registry.Tests.Scanning.Gguf;

public class GgufValidatorMetadataTests
{
    private static (List<ScanFinding> Findings, GgufModelInfo? Info) Validate(GgufFile file)
    {
        var findings = GgufValidator.Validate(new MemoryStream(file.Build()), "m.gguf", out var info);
        return (findings, info);
    }

    /// <summary>The general.* keys convert_hf_to_gguf.py writes for a bartowski-style Qwen2.5 quantisation.</summary>
    private static GgufFile Quantisation() => new GgufFile()
        .String("general.architecture", "qwen2").String("general.type", "model").String("general.name", "Qwen2.5 7B Instruct")
        .String("general.finetune", "Instruct").String("general.basename", "Qwen2.5").String("general.size_label", "7B")
        .String("general.license", "apache-2.0").String("general.license.link", "https://huggingface.co/Qwen/Qwen2.5-7B-Instruct/blob/main/LICENSE")
        .U32("general.base_model.count", 1).String("general.base_model.0.name", "Qwen2.5 7B")
        .String("general.base_model.0.organization", "Qwen").String("general.base_model.0.repo_url", "https://huggingface.co/Qwen/Qwen2.5-7B")
        .StringArray("general.tags", ["chat", "text-generation"]).StringArray("general.languages", ["en"])
        .U32("qwen2.block_count", 28).U32("general.file_type", 15).String("general.quantized_by", "bartowski")
        .Tensor("token_embd.weight", [8, 4], 0, 128);

    [Fact]
    public void Validate_QuantisationMetadata_IsExtracted()
    {
        var (findings, info) = Validate(Quantisation());

        Assert.Empty(findings);
        Assert.NotNull(info);
        Assert.Equal("qwen2", info.Architecture);
        Assert.Equal("apache-2.0", info.License);
        Assert.Null(info.LicenseName);
        Assert.Equal("https://huggingface.co/Qwen/Qwen2.5-7B-Instruct/blob/main/LICENSE", info.LicenseLink);
        Assert.Equal("Qwen2.5", info.BaseName);
        Assert.Equal("7B", info.SizeLabel);
        Assert.Equal("Instruct", info.Finetune);
        Assert.Equal("bartowski", info.QuantizedBy);
        Assert.Equal(15u, info.FileType);
        Assert.Equal(1UL, info.BaseModelCount);
        Assert.Equal([new GgufBaseModel("Qwen2.5 7B", "Qwen", null, "https://huggingface.co/Qwen/Qwen2.5-7B")], info.BaseModels);
        Assert.Equal(32, info.ParameterCount);
    }

    [Fact]
    public void Validate_CustomLicenceAndSeveralBaseModels_AreExtractedInIndexOrder()
    {
        var file = new GgufFile().String("general.architecture", "llama").String("general.license", "other")
            .String("general.license.name", "mrl").String("general.license.link", "https://mistral.ai/licenses/MRL-0.1.md")
            .Raw("general.base_model.count", 10, w => w.Write(2UL))
            .String("general.base_model.1.name", "Zephyr 7B Beta").String("general.base_model.1.organization", "HuggingFaceH4")
            .String("general.base_model.0.name", "Mistral 7B v0.1").String("general.base_model.0.version", "v0.1")
            .String("general.base_model.0.organization", "Mistralai");

        var (findings, info) = Validate(file);

        Assert.Empty(findings);
        Assert.Equal("mrl", info!.LicenseName);
        Assert.Equal("https://mistral.ai/licenses/MRL-0.1.md", info.LicenseLink);
        Assert.Equal(
            [new GgufBaseModel("Mistral 7B v0.1", "Mistralai", "v0.1", null), new GgufBaseModel("Zephyr 7B Beta", "HuggingFaceH4", null, null)],
            info.BaseModels);
    }

    [Fact]
    public void Validate_BaseModelKeysPastTheCount_AreLeftOut()
    {
        var file = new GgufFile().U32("general.base_model.count", 1)
            .String("general.base_model.0.name", "A").String("general.base_model.3.name", "D");

        var info = Validate(file).Info!;

        Assert.Equal([new GgufBaseModel("A", null, null, null)], info.BaseModels);
    }

    [Fact]
    public void Validate_BaseModelsWithoutCount_AreEveryIndexGiven()
    {
        var file = new GgufFile().String("general.base_model.2.name", "C").String("general.base_model.0.name", "A")
            .String("general.base_model.0.doi", "10.1/x").String("general.base_model.9999.name", "far");

        var info = Validate(file).Info!;

        Assert.Null(info.BaseModelCount);
        Assert.Equal([new GgufBaseModel("A", null, null, null), new GgufBaseModel("C", null, null, null)], info.BaseModels);
    }

    [Fact]
    public void Validate_WrongTypes_AreSkippedNotKept()
    {
        var file = new GgufFile().Raw("general.file_type", 5, w => w.Write(7)).U32("general.license.name", 3)
            .U32("general.base_model.0.name", 1).String("general.base_model.count", "many");

        var (findings, info) = Validate(file);

        Assert.Empty(findings);
        Assert.Null(info!.FileType);
        Assert.Null(info.LicenseName);
        Assert.Empty(info.BaseModels);
        Assert.Null(info.BaseModelCount);
    }

    [Fact]
    public void Validate_HugeDescriptiveString_IsSkippedAndTheFileStillParses()
    {
        var file = new GgufFile().String("general.license.name", new string('x', GgufValidator.MaxDescriptiveString + 1))
            .String("general.basename", "Tiny");

        var (findings, info) = Validate(file);

        Assert.Empty(findings);
        Assert.Null(info!.LicenseName);
        Assert.Equal("Tiny", info.BaseName);
    }

    [Fact]
    public void Validate_LyingStringLengthInANewKey_IsAFinding()
    {
        var file = new GgufFile().Raw("general.license.name", 8, w => w.Write(1UL << 40));

        var (findings, info) = Validate(file);

        Assert.Null(info);
        Assert.Contains(findings, f => f.Severity == FindingSeverity.High && f.Reason.Contains("string length", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BigEndianQuantisation_ReadsTheSameMetadata()
    {
        var little = Validate(Quantisation()).Info;
        var g = Quantisation();
        g.BigEndian = true;

        var big = Validate(g).Info;

        Assert.Equal(little, big);
    }

    [Fact]
    public void Validate_TruncatedOrMutatedQuantisation_NeverThrows()
    {
        var full = Quantisation().Build();
        var random = new Random(1511);
        for (var i = 0; i < 1000; i++)
        {
            var data = (byte[])full.Clone();
            data[random.Next(data.Length)] = (byte)random.Next(256);
            _ = GgufValidator.Validate(new MemoryStream(data), "m.gguf", out _);
        }
        for (var n = 24; n < full.Length; n += 3)
        {
            Assert.Contains(GgufValidator.Validate(new MemoryStream(full[..n]), "m.gguf", out var info), f => f.Severity > FindingSeverity.Info);
            Assert.Null(info);
        }
    }
}
