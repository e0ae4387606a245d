using System.Buffers.Binary;
using Switchyard.Registry.Scanning;
using Switchyard.Registry.Scanning.Safetensors;

namespace Switchyard.Registry.Tests.Scanning.Safetensors;

public class SafetensorsValidatorTests
{
    private static List<ScanFinding> Validate(byte[] file) => SafetensorsValidator.Validate(new MemoryStream(file), "m.safetensors");

    [Fact]
    public void Validate_Benign_HasNoFindings()
    {
        Assert.Empty(Validate(SafetensorsFile.Benign()));
    }

    [Fact]
    public void Validate_ScalarAndEmptyTensors_AreAllowed()
    {
        var file = SafetensorsFile.Build("""{"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"e":{"dtype":"F32","shape":[0,5],"data_offsets":[4,4]}}""", 4);

        Assert.Empty(Validate(file));
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"a":{"dtype":"F16","shape":[2],"data_offsets":[4,8]}}""", 8, "duplicate key")]
    [InlineData("""{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,4]}}""", 4, "unknown dtype")]
    [InlineData("""{"a":{"dtype":"F16","shape":[3],"data_offsets":[0,4]}}""", 4, "shape x dtype needs 6")]
    [InlineData("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[2,6]}}""", 6, "leaving a hole")]
    [InlineData("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"F16","shape":[2],"data_offsets":[2,6]}}""", 6, "overlapping")]
    [InlineData("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", 9, "unindexed trailing bytes")]
    [InlineData("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"F16","shape":[2],"data_offsets":[4,8]}}""", 6, "holds only 6")]
    [InlineData("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[4,0]}}""", 4, "end >= begin")]
    [InlineData("""{"a":{"dtype":"F16","shape":[-2],"data_offsets":[0,4]}}""", 4, "non-negative integer")]
    [InlineData("""{"a":{"dtype":"F16","shape":[2.5],"data_offsets":[0,4]}}""", 4, "non-negative integer")]
    [InlineData("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4],"extra":1}}""", 4, "unexpected field 'extra'")]
    [InlineData("""{"a":{"dtype":"F16","shape":[2]}}""", 0, "lacks dtype, shape or data_offsets")]
    [InlineData("""{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}""", 2, "does not fill whole bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}""", 4, "overflows")]
    [InlineData("""{"__metadata__":{"n":1},"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", 4, "is not a string")]
    [InlineData("""{"__metadata__":{"k":"a","k":"b"}}""", 0, "duplicate __metadata__ key")]
    [InlineData("""{"__metadata__":"x"}""", 0, "not an object of strings")]
    [InlineData("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}""", 4, "not well-formed JSON")]
    [InlineData("""{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}} x""", 4, "other than space padding")]
    [InlineData("""{"a":[1,2]}""", 0, "is not an object")]
    [InlineData(""" {"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", 4, "does not start with '{'")]
    public void Validate_MalformedHeader_IsAFinding(string header, int dataLength, string expected)
    {
        var findings = Validate(SafetensorsFile.Build(header, dataLength));

        Assert.Contains(findings, f => f.Severity == FindingSeverity.High && f.Reason.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_HeaderLengthBeyondFile_IsAFinding()
    {
        var file = SafetensorsFile.Benign();
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)file.Length);

        Assert.Contains(Validate(file), f => f.Reason.Contains("runs past the end", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_HeaderLengthBeyondLimit_IsAFindingWithoutAllocating()
    {
        var file = SafetensorsFile.Benign();
        BinaryPrimitives.WriteUInt64LittleEndian(file, ulong.MaxValue);

        Assert.Contains(Validate(file), f => f.Reason.Contains("exceeds the limit", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TooShort_IsAFinding()
    {
        Assert.Contains(Validate([1, 2, 3]), f => f.Reason.StartsWith("could not be parsed", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EveryTruncationAndRandomMutation_NeverThrows()
    {
        var full = SafetensorsFile.Benign();
        for (var n = 0; n < full.Length; n++)
        {
            Assert.NotEmpty(Validate(full[..n]));
        }
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var data = (byte[])full.Clone();
            data[random.Next(8, 8 + 160)] = (byte)random.Next(256);
            _ = Validate(data);
        }
    }
}
