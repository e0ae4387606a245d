using Switchyard.Registry.Bom.Internal;

namespace Switchyard.Registry.Tests.Bom.Internal;

public sealed class SpdxLicenseIdsTests
{
    [Theory]
    [InlineData("apache-2.0", "Apache-2.0")]
    [InlineData("MIT", "MIT")]
    [InlineData(" bsd-2-clause ", "BSD-2-Clause")]
    [InlineData("cc0-1.0", "CC0-1.0")]
    [InlineData("cc-by-nc-sa-4.0", "CC-BY-NC-SA-4.0")]
    [InlineData("gpl-3.0-only", "GPL-3.0-only")]
    [InlineData("ETALAB-2.0", "etalab-2.0")]
    [InlineData("odbl", "ODbL-1.0")]
    public void TryGetSpdxId_KnownId_ReturnsSpdxCase(string input, string expected)
    {
        Assert.True(SpdxLicenseIds.TryGetSpdxId(input, out var id));
        Assert.Equal(expected, id);
    }

    [Theory]
    [InlineData("llama3.1")]
    [InlineData("mrl")]
    [InlineData("gemma")]
    [InlineData("openrail")]
    [InlineData("gpl-3.0")]
    [InlineData("other")]
    [InlineData("")]
    [InlineData(null)]
    public void TryGetSpdxId_NotAnSpdxId_ReturnsFalse(string? input)
    {
        Assert.False(SpdxLicenseIds.TryGetSpdxId(input, out _));
    }
}
