using Switchyard.Registry.Scanning;
using Switchyard.Registry.Scanning.Numpy;
using Switchyard.Registry.Tests.Scanning.Pickle;

namespace Switchyard.Registry.Tests.Scanning.Numpy;

public class NpyScannerTests
{
    private static List<ScanFinding> Scan(byte[] file) => NpyScanner.Scan(new MemoryStream(file), "a.npy", []);

    [Fact]
    public void Scan_FloatArray_HasNoFindings()
    {
        Assert.Empty(Scan(NpyFile.Floats()));
    }

    [Theory]
    [InlineData("{'descr': '|b1', 'fortran_order': True, 'shape': (5,), }", 5, 1)]
    [InlineData("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", 24, 2)]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (), }", 8, 3)]
    [InlineData("{'descr': '<f2', 'fortran_order': False, 'shape': (0, 7), }", 0, 1)]
    public void Scan_OtherSimpleArrays_HaveNoFindings(string header, int dataLength, int major)
    {
        Assert.Empty(Scan(NpyFile.Build(header, new byte[dataLength], major)));
    }

    [Fact]
    public void Scan_ObjectArrayWithPayload_ScansThePickle()
    {
        var payload = new PickleWriter().Proto(3).Global("os", "system").Unicode("id").Tuple1().Reduce().Stop().ToArray();
        var findings = Scan(NpyFile.Build("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", payload));

        var f = Assert.Single(findings, x => x.Global == "os.system");
        Assert.Equal(FindingSeverity.Critical, f.Severity);
        Assert.True(f.Offset > 10);
        Assert.Contains(findings, x => x.Reason.Contains("object array", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_StructuredDtypeWithObjectField_ScansThePickle()
    {
        var payload = new PickleWriter().Proto(3).Global("subprocess", "Popen").Unicode("id").Tuple1().Reduce().Stop().ToArray();
        var findings = Scan(NpyFile.Build("{'descr': [('a', '<i4'), ('b', '|O')], 'fortran_order': False, 'shape': (1,), }", payload));

        Assert.Contains(findings, x => x.Global == "subprocess.Popen" && x.Severity == FindingSeverity.Critical);
    }

    [Theory]
    [InlineData(23, "only 23 follow the header")]
    [InlineData(30, "unindexed trailing bytes")]
    public void Scan_DataLengthNotShapeTimesItemsize_IsAFinding(int dataLength, string expected)
    {
        var findings = Scan(NpyFile.Build("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", new byte[dataLength]));

        Assert.Contains(findings, f => f.Severity == FindingSeverity.High && f.Reason.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_StructuredDtypeWithoutObjects_IsNotValidatedButFlagged()
    {
        var findings = Scan(NpyFile.Build("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]));

        Assert.Contains(findings, f => f.Severity == FindingSeverity.Medium);
    }

    [Fact]
    public void Scan_UnknownVersionAndLyingHeaderLength_AreFindings()
    {
        var v9 = NpyFile.Floats();
        v9[6] = 9;
        Assert.Contains(Scan(v9), f => f.Reason.Contains("unknown .npy format version", StringComparison.Ordinal));

        var lying = NpyFile.Floats();
        lying[8] = 0xff;
        lying[9] = 0xff;
        Assert.Contains(Scan(lying), f => f.Reason.Contains("exceeds the file", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_EveryTruncationAndRandomMutation_NeverThrows()
    {
        var full = NpyFile.Floats();
        for (var n = 0; n < full.Length; n++)
        {
            Assert.NotEmpty(Scan(full[..n]));
        }
        var random = new Random(3);
        for (var i = 0; i < 2000; i++)
        {
            var data = (byte[])full.Clone();
            data[random.Next(data.Length)] = (byte)random.Next(256);
            _ = Scan(data);
        }
    }
}
