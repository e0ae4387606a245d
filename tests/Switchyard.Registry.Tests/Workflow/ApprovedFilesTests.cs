using System.Security.Cryptography;
using Switchyard.Registry.Scanning.Manifest;
using Switchyard.Registry.Workflow;
using Switchyard.Storage.Models;

namespace Switchyard.Registry.Tests.Workflow;

/// <summary>What a model server loads (its folder, or a manifest of it) against the files the registry approved.</summary>
public sealed class ApprovedFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("switchyard-approved-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ModelRecord Approved(params (string Path, byte[] Bytes)[] files) => new()
    {
        Id = "llama",
        Name = "llama",
        Status = ModelStatus.Approved,
        Files = [.. files.Select(f => new ModelFile(f.Path, f.Bytes.Length, Convert.ToHexStringLower(SHA256.HashData(f.Bytes)), "other"))],
    };

    private static readonly byte[] Weights = [1, 2, 3, 4];
    private static readonly byte[] Config = "{}"u8.ToArray();

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public void Compare_ManifestThatDisagrees_NamesChangedResizedMissingAndExtraFiles()
    {
        var model = Approved(("model.safetensors", Weights), ("config.json", Config), ("tokenizer.json", Config));
        var manifest = new ScanManifest("1", DateTimeOffset.UnixEpoch,
        [
            new ManifestEntry("config.json", 2, Sha([9, 9])),
            new ManifestEntry("extra.bin", 1, Sha([0])),
            new ManifestEntry("model.safetensors", 5, Sha([1, 2, 3, 4, 5])),
        ]);

        var result = ApprovedFiles.Compare(model, manifest);

        Assert.Equal(
            [("config.json", ManifestDifferenceKind.HashChanged), ("extra.bin", ManifestDifferenceKind.Unexpected), ("model.safetensors", ManifestDifferenceKind.SizeChanged), ("tokenizer.json", ManifestDifferenceKind.Missing)],
            result.Differences.Select(d => (d.Path, d.Kind)));
        Assert.Contains("the registry approved " + Sha(Config), result.Differences[0].Detail);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void Compare_ManifestOfTheApprovedFiles_Matches()
    {
        var model = Approved(("model.safetensors", Weights), ("config.json", Config));
        var manifest = new ScanManifest("1", DateTimeOffset.UnixEpoch, [new ManifestEntry("config.json", 2, Sha(Config)), new ManifestEntry("model.safetensors", 4, Sha(Weights))]);

        var result = ApprovedFiles.Compare(model, manifest);

        Assert.Empty(result.Differences);
        Assert.Equal((2, 0), (result.Checked, result.ExitCode));
    }

    [Fact]
    public async Task VerifyFolder_FilesMatchButTheManifestNextToThemDisagrees_ReportsTheManifest()
    {
        File.WriteAllBytes(Path.Combine(_dir, "model.safetensors"), Weights);
        File.WriteAllBytes(Path.Combine(_dir, "config.json"), Config);
        new ScanManifest("1", DateTimeOffset.UnixEpoch, [new ManifestEntry("config.json", 2, Sha(Config)), new ManifestEntry("model.safetensors", 4, Sha([4, 3, 2, 1]))])
            .Write(Path.Combine(_dir, ScanManifest.DefaultFileName));
        var model = Approved(("model.safetensors", Weights), ("config.json", Config));

        var checks = await ApprovedFiles.VerifyFolderAsync(model, _dir);

        Assert.Equal(2, checks.Count);
        Assert.StartsWith("the folder ", checks[0].Subject);
        Assert.Empty(checks[0].Result.Differences);
        Assert.StartsWith("the manifest ", checks[1].Subject);
        var changed = Assert.Single(checks[1].Result.Differences);
        Assert.Equal(("model.safetensors", ManifestDifferenceKind.HashChanged), (changed.Path, changed.Kind));
        Assert.Equal(1, ApprovedFiles.ExitCode(checks));
    }

    [Fact]
    public async Task VerifyFolder_ChangedAndExtraFiles_AreNamedInTheRegistrysWords_GitIgnored()
    {
        File.WriteAllBytes(Path.Combine(_dir, "model.safetensors"), [4, 3, 2, 1]);
        File.WriteAllBytes(Path.Combine(_dir, "extra.py"), Config);
        Directory.CreateDirectory(Path.Combine(_dir, ".git"));
        File.WriteAllBytes(Path.Combine(_dir, ".git", "HEAD"), Config);
        var model = Approved(("model.safetensors", Weights), ("config.json", Config));

        var check = Assert.Single(await ApprovedFiles.VerifyFolderAsync(model, _dir));

        Assert.Equal(
            [("config.json", "approved, not on disk"), ("extra.py", "on disk, not among the approved files"), ("model.safetensors", $"sha256 {Sha([4, 3, 2, 1])}, the registry approved {Sha(Weights)}")],
            check.Result.Differences.Select(d => (d.Path, d.Detail)));
    }

    [Fact]
    public void VerifyManifest_Malformed_IsAnErrorNamingTheFile()
    {
        var path = Path.Combine(_dir, "served.json");
        File.WriteAllText(path, """{"manifest_version": 1, "files": [{"path": "/etc/passwd", "size": 1, "sha256": "x"}]}""");

        var check = ApprovedFiles.VerifyManifest(Approved(("model.safetensors", Weights)), path);

        Assert.Contains("served.json", Assert.Single(check.Result.Errors));
        Assert.Equal(2, ApprovedFiles.ExitCode([check]));
    }
}
