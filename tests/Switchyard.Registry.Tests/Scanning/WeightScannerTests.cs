using Switchyard.Registry.Scanning;
using Switchyard.Registry.Scanning.Gguf;
using Switchyard.Registry.Tests.Scanning.Gguf;
using Switchyard.Registry.Tests.Scanning.Pickle;
using Switchyard.Registry.Tests.Scanning.Safetensors;
using Switchyard.Registry.Tests.Scanning.Torch;

namespace Switchyard.Registry.Tests.Scanning;

public sealed class WeightScannerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("switchyard-scan-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] data)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, data);
        return path;
    }

    private static byte[] Malicious() =>
        new PickleWriter().Proto(2).Global("os", "system").Unicode("id").Tuple1().Reduce().Stop().ToArray();

    [Fact]
    public async Task ScanAsync_BenignFolder_IsCleanWithHashes()
    {
        Write("model.safetensors", SafetensorsFile.Benign());
        Write("sub/pytorch_model.bin", TorchZip.Benign());
        var pkl = Write("sub/state.pkl", PickleWriter.TorchStateDict(1));

        var report = await new WeightScanner().ScanAsync([_dir]);

        Assert.True(report.IsClean, string.Join("; ", report.Files.SelectMany(f => f.Findings).Select(f => f.Reason)));
        Assert.Equal(0, report.ExitCode);
        Assert.Equal(3, report.Files.Count);
        var p = report.Files.Single(f => f.Path == pkl);
        Assert.Equal(FileFormat.Pickle, p.Format);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(pkl))), p.Sha256);
        Assert.Equal(new FileInfo(pkl).Length, p.Size);
    }

    [Fact]
    public async Task ScanFileAsync_BenignGguf_IsCleanWithItsModel()
    {
        var path = Write("tiny-Q8_0.gguf", GgufFile.Benign().Build());

        var result = await new WeightScanner().ScanFileAsync(path);

        Assert.True(result.IsClean, string.Join("; ", result.Findings.Select(f => f.Reason)));
        Assert.Equal(FileFormat.Gguf, result.Format);
        Assert.Equal(new GgufModelInfo("llama", "Tiny", 99, "MIT"), result.Model);
    }

    [Fact]
    public async Task ScanFileAsync_GgufWithInjectedTemplate_IsCritical()
    {
        var path = Write("evil.gguf", GgufFile.Benign("{{ ''.__class__.__mro__[1].__subclasses__() }}").Build());

        var result = await new WeightScanner().ScanFileAsync(path);

        Assert.Equal(FindingSeverity.Critical, result.WorstSeverity);
    }

    [Fact]
    public async Task ScanFileAsync_TemplateFiles_AreScanned()
    {
        var jinja = Write("chat_template.jinja", "{% for m in messages %}{{ m['content'] }}{% endfor %}"u8.ToArray());
        var config = Write("tokenizer_config.json", """{"chat_template": "{{ lipsum.__globals__.os.popen('id') }}"}"""u8.ToArray());

        Assert.True((await new WeightScanner().ScanFileAsync(jinja)).IsClean);
        Assert.Equal(FindingSeverity.Critical, (await new WeightScanner().ScanFileAsync(config)).WorstSeverity);
    }

    [Fact]
    public async Task ScanAsync_Protocol0PickleNamedBin_IsFound()
    {
        // CVE-2025-10155: a plain pickle renamed .bin, which torch.load still runs.
        var path = Write("pytorch_model.bin", "cposix\nsystem\n(S'id'\ntR."u8.ToArray());

        var result = await new WeightScanner().ScanFileAsync(path);

        Assert.Equal(FileFormat.Pickle, result.Format);
        Assert.Contains(result.Findings, f => f.Global == "posix.system" && f.Severity == FindingSeverity.Critical);
        Assert.False(result.IsClean);
    }

    [Fact]
    public async Task ScanAsync_PickleNamedSafetensors_IsAMismatchFinding()
    {
        var path = Write("model.safetensors", Malicious());

        var result = await new WeightScanner().ScanFileAsync(path);

        Assert.Contains(result.Findings, f => f.Reason.Contains("does not match the content", StringComparison.Ordinal));
        Assert.Contains(result.Findings, f => f.Global == "os.system");
    }

    [Fact]
    public async Task ScanAsync_MissingPathAndMaliciousFile_ExitCodeIsOneAndBothAreReported()
    {
        Write("bad.pkl", Malicious());

        var report = await new WeightScanner().ScanAsync([_dir, Path.Combine(_dir, "missing")]);

        Assert.Single(report.Errors);
        Assert.Equal(1, report.ExitCode);
        Assert.False(report.IsClean);
    }

    [Fact]
    public async Task ScanAsync_OnlyAMissingPath_ExitCodeIsTwo()
    {
        var report = await new WeightScanner().ScanAsync([Path.Combine(_dir, "missing")]);

        Assert.Equal(2, report.ExitCode);
    }

    [Fact]
    public async Task ScanAsync_UnparsableAndUnknownFiles_AreNeverClean()
    {
        Write("truncated.pkl", PickleWriter.TorchStateDict(1)[..20]);
        Write("empty.bin", []);
        Write("model.gguf", "GGUF\x03\0\0\0"u8.ToArray());

        var report = await new WeightScanner().ScanAsync([_dir]);

        Assert.All(report.Files, f => Assert.False(f.IsClean));
        Assert.Equal(1, report.ExitCode);
    }

    [Fact]
    public async Task ScanAsync_FolderWithAFifo_DoesNotHangAndIsNotClean()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/mkfifo"))
        {
            return;
        }
        var fifo = Path.Combine(_dir, "weights.bin");
        using (var mkfifo = System.Diagnostics.Process.Start("/usr/bin/mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
        }

        var scan = new WeightScanner().ScanAsync([_dir]);
        var finished = await Task.WhenAny(scan, Task.Delay(TimeSpan.FromSeconds(20)));

        Assert.Same(scan, finished);
        var result = Assert.Single((await scan).Files);
        Assert.False(result.IsClean);
    }

    [Fact]
    public async Task ScanAsync_SymlinkedFolderLoop_IsReportedNotFollowed()
    {
        Write("a/state.pkl", PickleWriter.TorchStateDict(1));
        Directory.CreateSymbolicLink(Path.Combine(_dir, "a", "up"), "..");

        var report = await new WeightScanner().ScanAsync([_dir]);

        Assert.Single(report.Files);
        Assert.Contains(report.Errors, e => e.Contains("symbolic link to a folder", StringComparison.Ordinal));
        Assert.Equal(2, report.ExitCode);
    }
}
