using System.Security.Cryptography;
using Switchyard.Registry.Models;
using Switchyard.Registry.Scanning;
using Switchyard.Registry.Scanning.Gguf;
using Switchyard.Registry.Tests.Scanning.Gguf;
using Switchyard.Registry.Tests.Scanning.Pickle;
using Switchyard.Registry.Tests.Scanning.Safetensors;

namespace Switchyard.Registry.Tests.Models;

public sealed class ModelFolderReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("switchyard-modelfolder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] data)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, data);
        return path;
    }

    private string Write(string name, string text) => Write(name, System.Text.Encoding.UTF8.GetBytes(text));

    private Task<ModelFolder> ReadAsync() => ModelFolderReader.ReadAsync(_dir, new WeightScanner(), CancellationToken.None);

    private static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Two shards: 6 + 4 elements, then 8x2 = 16 elements.</summary>
    private void WriteShardedSafetensors(string prefix = "model")
    {
        Write($"{prefix}-00001-of-00002.safetensors", SafetensorsFile.Benign());
        Write($"{prefix}-00002-of-00002.safetensors", SafetensorsFile.Build(
            """{"lm_head.weight":{"dtype":"F32","shape":[8,2],"data_offsets":[0,64]}}""", 64));
    }

    [Fact]
    public async Task ReadAsync_TransformersFolder_DescribesEverything()
    {
        var config = Write("config.json", ModelConfigReaderTests.Llama31Config);
        Write("README.md", ModelCards.Qwen25Instruct);
        Write("LICENSE", LicenseTextDetectorTests.Apache);
        WriteShardedSafetensors();
        Write("model.safetensors.index.json", """{"metadata": {"total_size": 84}, "weight_map": {"a.weight": "model-00001-of-00002.safetensors"}}""");
        Write("tokenizer_config.json", """{"bos_token": "<s>"}""");
        Write("original/params.json", """{"dim": 4096}""");
        Write(".git/HEAD", "ref: refs/heads/main\n");
        Write(".cache/huggingface/download/config.json.metadata", "abc\n");

        var folder = await ReadAsync();

        Assert.Equal(_dir, folder.Path);
        Assert.Equal(
            ["LICENSE", "README.md", "config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
             "model.safetensors.index.json", "original/params.json", "tokenizer_config.json"],
            folder.Files.Select(f => f.Path));
        var configFile = folder.Files.Single(f => f.Path == "config.json");
        Assert.Equal(Sha256(File.ReadAllBytes(config)), configFile.Sha256);
        Assert.Equal(new FileInfo(config).Length, configFile.Size);
        Assert.All(folder.Files, f => Assert.Equal(Sha256(File.ReadAllBytes(Path.Combine(_dir, f.Path))), f.Sha256));
        Assert.Equal(FileFormat.Safetensors, folder.Files.Single(f => f.Path == "model-00002-of-00002.safetensors").Format);
        Assert.Equal(folder.Files.Count, folder.Scan.Files.Count);

        Assert.Equal("apache-2.0", folder.Card!.License);
        Assert.Equal("LlamaForCausalLM", folder.Config!.Architecture);
        Assert.Empty(folder.Gguf);
        Assert.Equal(["safetensors"], folder.Formats);
        Assert.Equal(new ModelLicenseFile("LICENSE", Sha256(File.ReadAllBytes(Path.Combine(_dir, "LICENSE"))), "apache-2.0"), folder.LicenseFile);
        Assert.Equal(
            [new DeclaredLicense("README.md", "apache-2.0", null) { LicenseLink = "https://huggingface.co/Qwen/Qwen2.5-7B-Instruct/blob/main/LICENSE" },
             new DeclaredLicense("LICENSE", "apache-2.0", null)],
            folder.DeclaredLicenses);
        Assert.Equal(["Qwen/Qwen2.5-7B"], folder.BaseModels);
        Assert.Equal(6 + 4 + 16, folder.ParameterCount);
        Assert.False(folder.ParameterCountEstimated);
        Assert.Equal("safetensors", folder.ParameterCountSource);
        Assert.Empty(folder.Problems);
    }

    [Fact]
    public async Task ReadAsync_GgufQuantisations_CollectsEachFilesLicenceAndBaseModels()
    {
        Write("README.md", ModelCards.BartowskiMistralLarge);
        GgufFile Quant(uint fileType) => new GgufFile().String("general.architecture", "llama").String("general.license", "other")
            .String("general.license.name", "mrl").String("general.license.link", "https://mistral.ai/licenses/MRL-0.1.md")
            .U32("general.file_type", fileType).U32("general.base_model.count", 2)
            .String("general.base_model.0.name", "Mistral Large Instruct 2411").String("general.base_model.0.organization", "Mistralai")
            .String("general.base_model.0.repo_url", "https://huggingface.co/mistralai/Mistral-Large-Instruct-2411")
            .String("general.base_model.1.name", "Llama 3.1 8B").String("general.base_model.1.organization", "Meta Llama")
            .Tensor("token_embd.weight", [32, 2], fileType == 7 ? 8u : 0u, fileType == 7 ? 68u : 256u);
        Write("Mistral-Large-Instruct-2411-Q8_0.gguf", Quant(7).Build());
        Write("Mistral-Large-Instruct-2411-F32/Mistral-Large-Instruct-2411-F32-00001-of-00002.gguf", Quant(0).Build());
        Write("Mistral-Large-Instruct-2411-F32/Mistral-Large-Instruct-2411-F32-00002-of-00002.gguf", Quant(0).Build());

        var folder = await ReadAsync();

        Assert.Equal(3, folder.Gguf.Count);
        var q8 = folder.Gguf.Single(g => g.Path == "Mistral-Large-Instruct-2411-Q8_0.gguf");
        Assert.Equal(7u, q8.Info.FileType);
        Assert.Equal("mrl", q8.Info.LicenseName);
        Assert.Equal(["gguf"], folder.Formats);
        Assert.Equal(
            [new DeclaredLicense("README.md", "other", "mrl") { LicenseLink = "https://mistral.ai/licenses/MRL-0.1.md" },
             new DeclaredLicense("Mistral-Large-Instruct-2411-F32/Mistral-Large-Instruct-2411-F32-00001-of-00002.gguf", "other", "mrl") { LicenseLink = "https://mistral.ai/licenses/MRL-0.1.md" },
             new DeclaredLicense("Mistral-Large-Instruct-2411-F32/Mistral-Large-Instruct-2411-F32-00002-of-00002.gguf", "other", "mrl") { LicenseLink = "https://mistral.ai/licenses/MRL-0.1.md" },
             new DeclaredLicense("Mistral-Large-Instruct-2411-Q8_0.gguf", "other", "mrl") { LicenseLink = "https://mistral.ai/licenses/MRL-0.1.md" }],
            folder.DeclaredLicenses);
        // The card's base model and the GGUF repo URL are one model; the other GGUF base has only organisation and name.
        Assert.Equal(["mistralai/Mistral-Large-Instruct-2411", "Meta-Llama/Llama-3.1-8B"], folder.BaseModels);
        // Two shards of one model (64 + 64) against another quantisation (64): the model, not the sum of the files.
        Assert.Equal(128, folder.ParameterCount);
        Assert.Equal("gguf", folder.ParameterCountSource);
        Assert.Null(folder.LicenseFile);
        Assert.Empty(folder.Problems);
    }

    [Fact]
    public async Task ReadAsync_MaliciousPickleBin_ShowsTheScannersFinding()
    {
        Write("config.json", ModelConfigReaderTests.Llama31Config);
        Write("pytorch_model.bin", new PickleWriter().Proto(2).Global("os", "system").Unicode("id").Tuple1().Reduce().Stop().ToArray());

        var folder = await ReadAsync();

        var bin = folder.Scan.Files.Single(f => f.Path.EndsWith("pytorch_model.bin", StringComparison.Ordinal));
        Assert.Contains(bin.Findings, f => f.Global == "os.system" && f.Severity == FindingSeverity.Critical);
        Assert.False(folder.Scan.IsClean);
        Assert.Contains(folder.Files.Single(f => f.Path == "pytorch_model.bin").Findings, f => f.Severity == FindingSeverity.Critical);
        Assert.Equal(["pytorch-pickle"], folder.Formats);
        Assert.True(folder.ParameterCountEstimated);
        Assert.Equal("config.json estimate", folder.ParameterCountSource);
        Assert.Null(folder.Card);
        Assert.Contains(folder.Problems, p => p.StartsWith("no licence anywhere", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_EmptyFolder_ReportsNoWeightsAndNoLicence()
    {
        var folder = await ReadAsync();

        Assert.Empty(folder.Files);
        Assert.Null(folder.Card);
        Assert.Null(folder.Config);
        Assert.Null(folder.ParameterCount);
        Assert.Contains(folder.Problems, p => p.StartsWith("no weight files", StringComparison.Ordinal));
        Assert.Contains(folder.Problems, p => p.StartsWith("no licence anywhere", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_NotAFolder_ThrowsDirectoryNotFound()
    {
        var file = Write("model.safetensors", SafetensorsFile.Benign());

        var missing = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => ModelFolderReader.ReadAsync(Path.Combine(_dir, "nope"), new WeightScanner(), default));
        var notDir = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => ModelFolderReader.ReadAsync(file, new WeightScanner(), default));

        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
        Assert.Contains("is a file, not a folder", notDir.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_BrokenCardAndConfig_AreProblemsNotExceptions()
    {
        Write("README.md", "\uFEFF---\r\nlicense:\r\n- mit\r\n- apache-2.0\r\n---\r\n# x\r\n");
        Write("config.json", "{\"model_type\": \"llama\",\n\"hidden_size\": }");
        Write("model.safetensors", SafetensorsFile.Benign());

        var folder = await ReadAsync();

        Assert.Equal(["README.md line 3: license is a list; give one licence id"], folder.Card!.Errors);
        Assert.StartsWith("config.json line 2: not valid JSON", Assert.Single(folder.Config!.Errors), StringComparison.Ordinal);
        Assert.Contains("README.md line 3: license is a list; give one licence id", folder.Problems);
        Assert.Contains(folder.Problems, p => p.StartsWith("config.json line 2: not valid JSON", StringComparison.Ordinal));
        Assert.Contains(folder.Problems, p => p.StartsWith("no licence anywhere", StringComparison.Ordinal));
        Assert.Equal(10, folder.ParameterCount);
    }

    [Fact]
    public async Task ReadAsync_ConsolidatedAndShardedCopies_CountTheModelOnce()
    {
        // Mistral's repositories hold consolidated.safetensors next to the Transformers shards: one model, twice.
        WriteShardedSafetensors();
        Write("consolidated.safetensors", SafetensorsFile.Build(
            """{"tok_embeddings.weight":{"dtype":"F32","shape":[26],"data_offsets":[0,104]}}""", 104));
        Write("LICENSE.txt", "Mistral AI Research License\n\nIf You want to use a Mistral Model...");

        var folder = await ReadAsync();

        Assert.Equal(26, folder.ParameterCount);
        Assert.Equal(new DeclaredLicense("LICENSE.txt", "mrl", null), Assert.Single(folder.DeclaredLicenses));
        Assert.Equal("LICENSE.txt", folder.LicenseFile!.Path);
    }

    [Fact]
    public async Task ReadAsync_LicenceFiles_PreferThePlainName()
    {
        Write("LICENSE-MODEL", "DEEPSEEK LICENSE AGREEMENT\nVersion 1.0, 23 October 2023");
        Write("LICENSE", LicenseTextDetectorTests.Mit);
        Write("model.safetensors", SafetensorsFile.Benign());

        var folder = await ReadAsync();

        Assert.Equal(["LICENSE", "LICENSE-MODEL"], folder.LicenseFiles.Select(l => l.Path));
        Assert.Equal("mit", folder.LicenseFile!.DetectedLicense);
        Assert.Equal([("LICENSE", "mit"), ("LICENSE-MODEL", "deepseek")], folder.DeclaredLicenses.Select(d => (d.Source, d.License!)));
    }

    [Fact]
    public async Task ReadAsync_UnrecognisedLicenceAndMissingLink_AreProblems()
    {
        Write("README.md", "---\nlicense: other\nlicense_name: custom\nlicense_link: LICENSE.md\n---\n");
        Write("LICENSE", "You may do as you please, within reason.");
        Write("model.safetensors", SafetensorsFile.Benign());

        var folder = await ReadAsync();

        Assert.Equal(new ModelLicenseFile("LICENSE", folder.Files.Single(f => f.Path == "LICENSE").Sha256, null), folder.LicenseFile);
        Assert.Equal([new DeclaredLicense("README.md", "other", "custom") { LicenseLink = "LICENSE.md" }], folder.DeclaredLicenses);
        Assert.Contains("README.md: license_link 'LICENSE.md' names a file that is not in the folder", folder.Problems);
    }

    [Fact]
    public async Task ReadAsync_LicenceTextNobodyRecognises_SaysSo()
    {
        Write("LICENSE", "You may do as you please, within reason.");
        Write("model.safetensors", SafetensorsFile.Benign());

        var folder = await ReadAsync();

        Assert.Empty(folder.DeclaredLicenses);
        Assert.Contains(folder.Problems, p => p.StartsWith("the licence is not stated: LICENSE is not a licence", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_EmptyFile_GetsTheEmptyHash()
    {
        Write("model.safetensors", SafetensorsFile.Benign());
        Write("added_tokens.json", []);

        var folder = await ReadAsync();

        var empty = folder.Files.Single(f => f.Path == "added_tokens.json");
        Assert.Equal(0, empty.Size);
        Assert.Equal(Sha256([]), empty.Sha256);
    }

    [Fact]
    public async Task ReadAsync_BrokenSafetensors_IsAFindingAndAProblemNotACount()
    {
        Write("model.safetensors", SafetensorsFile.Build("""{"a":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]}""", 12));
        Write("config.json", ModelConfigReaderTests.Llama31Config);

        var folder = await ReadAsync();

        Assert.True(folder.Files.Single(f => f.Path == "model.safetensors").Findings.Count > 0);
        Assert.Contains(folder.Problems, p => p.StartsWith("model.safetensors: parameters not counted", StringComparison.Ordinal));
        Assert.Equal("config.json estimate", folder.ParameterCountSource);
    }

    [Fact]
    public async Task ReadAsync_SymlinkedFolder_IsAProblemNotFollowed()
    {
        Write("model.safetensors", SafetensorsFile.Benign());
        Directory.CreateSymbolicLink(Path.Combine(_dir, "loop"), _dir);

        var folder = await ReadAsync();

        Assert.Single(folder.Files);
        Assert.Contains("loop/: a symbolic link to a folder, not followed", folder.Problems);
    }

    [Theory]
    [InlineData("Qwen2.5 7B", "Qwen", "https://huggingface.co/Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-7B")]
    [InlineData("Qwen2.5 7B", "Qwen", "https://huggingface.co/TODO/Qwen2.5-7B", "Qwen/Qwen2.5-7B")]
    [InlineData(null, null, "https://hf.co/google/gemma-2-9b/tree/main", "google/gemma-2-9b")]
    [InlineData("Tiny Model", null, null, "Tiny-Model")]
    [InlineData(null, "Org", "https://example.com/x", null)]
    public void GgufBaseModelId_NormalisesToOrgSlashName(string? name, string? organization, string? repoUrl, string? expected)
    {
        Assert.Equal(expected, ModelFolderReader.GgufBaseModelId(name, organization, repoUrl));
    }
}
