using System.Text;
using Switchyard.Registry.Scanning;
using Switchyard.Registry.Tests.Scanning.Pickle;
using Switchyard.Registry.Tests.Scanning.Safetensors;
using Switchyard.Registry.Tests.Scanning.Torch;

namespace Switchyard.Registry.Tests.Scanning;

public class FormatDetectorTests
{
    private static FileFormat Detect(byte[] data) => FormatDetector.Detect(data.AsSpan(0, Math.Min(data.Length, FormatDetector.HeadLength)), data.Length);

    [Fact]
    public void Detect_KnownFormats_AreRecognisedByContent()
    {
        Assert.Equal(FileFormat.Pickle, Detect(PickleWriter.TorchStateDict(1)));
        Assert.Equal(FileFormat.Pickle, Detect(Encoding.ASCII.GetBytes("cos\nsystem\n(S'id'\ntR.")));
        Assert.Equal(FileFormat.Pickle, Detect(Encoding.ASCII.GetBytes("(dp0\n.")));
        Assert.Equal(FileFormat.Zip, Detect(TorchZip.Benign()));
        Assert.Equal(FileFormat.Safetensors, Detect(SafetensorsFile.Benign()));
        Assert.Equal(FileFormat.Gguf, Detect("GGUF\x03\0\0\0"u8.ToArray()));
        Assert.Equal(FileFormat.Numpy, Detect([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]));
        Assert.Equal(FileFormat.Unknown, Detect("{\"a\": 1}"u8.ToArray()));
        Assert.Equal(FileFormat.Unknown, Detect([]));
    }

    [Theory]
    [InlineData("model.safetensors", FileFormat.Safetensors, true)]
    [InlineData("model.bin", FileFormat.Pickle, true)]
    [InlineData("model.bin", FileFormat.Zip, true)]
    [InlineData("model.safetensors", FileFormat.Pickle, false)]
    [InlineData("config.json", FileFormat.Pickle, false)]
    [InlineData("config.json", FileFormat.Unknown, true)]
    [InlineData("weights.npy", FileFormat.Zip, false)]
    [InlineData("weights.unknownext", FileFormat.Pickle, true)]
    public void Expected_ExtensionAgainstContent_MatchesOnlyWhatTheNamePromises(string path, FileFormat content, bool matches)
    {
        var expected = FormatDetector.Expected(path);

        Assert.Equal(matches, expected is null || expected.Contains(content));
    }
}
