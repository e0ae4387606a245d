using Switchyard.Registry.Scanning;
using Switchyard.Registry.Tests.Scanning.Gguf;
using Switchyard.Registry.Tests.Scanning.Pickle;
using Switchyard.Registry.Tests.Scanning.Safetensors;

namespace Switchyard.Registry.Tests.Scanning;

public sealed class ScanRulesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("switchyard-rules-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<FileScanResult> ScanAsync(string name, byte[] data)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, data);
        return await new WeightScanner().ScanFileAsync(path);
    }

    [Theory]
    [InlineData("os", "system", ScanRules.PickleDangerousGlobal)]
    [InlineData("mypackage", "Helper", ScanRules.PickleUnapprovedGlobal)]
    public async Task IdFor_PickleGlobals_NameTheCategory(string module, string name, string expected)
    {
        var result = await ScanAsync("x.pkl", new PickleWriter().Proto(2).Global(module, name).Unicode("id").Tuple1().Reduce().Stop().ToArray());

        Assert.Contains(result.Findings, f => f.Global == $"{module}.{name}" && ScanRules.IdFor(f, result.Format) == expected);
    }

    [Fact]
    public async Task IdFor_AnalyserFindings_CarryTheirOwnIds()
    {
        var truncated = await ScanAsync("t.pkl", PickleWriter.TorchStateDict(1)[..40]);
        var safetensors = await ScanAsync("s.safetensors", SafetensorsFile.Build("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,8]}}""", 4));
        var gguf = await ScanAsync("g.gguf", new GgufFile { Version = 1 }.Build());
        var mismatch = await ScanAsync("m.safetensors", PickleWriter.TorchStateDict(1));
        var text = await ScanAsync("notes.dat", "hello"u8.ToArray());

        Assert.Contains(truncated.Findings, f => f.RuleId == ScanRules.PickleMalformed);
        Assert.Contains(safetensors.Findings, f => f.RuleId == ScanRules.SafetensorsMalformed);
        Assert.Contains(gguf.Findings, f => f.RuleId == ScanRules.GgufMalformed);
        Assert.Contains(mismatch.Findings, f => f.RuleId == ScanRules.FileExtensionMismatch);
        Assert.Contains(text.Findings, f => f.RuleId == ScanRules.FileNotScanned);
    }

    [Fact]
    public void IdFor_NoRuleId_IsFormatAndSeverity()
    {
        var finding = new ScanFinding("f", -1, null, null, FindingSeverity.Medium, "x");

        Assert.Equal("gguf/medium", ScanRules.IdFor(finding, FileFormat.Gguf));
        Assert.Equal("gguf/malformed", ScanRules.IdFor(finding with { RuleId = "gguf/malformed" }, FileFormat.Gguf));
        Assert.Equal("Finding of the gguf medium kind.", ScanRules.Describe("gguf/medium"));
    }
}
