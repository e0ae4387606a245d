using System.IO.Compression;
using Switchyard.Registry.Tests.Scanning.Pickle;

namespace Switchyard.Registry.Tests.Scanning.Torch;

/// <summary>Builds zip archives laid out like <c>torch.save</c> output.</summary>
internal static class TorchZip
{
    public static byte[] Build(params (string Name, byte[] Data)[] members) => Build(CompressionLevel.NoCompression, members);

    public static byte[] Build(CompressionLevel level, params (string Name, byte[] Data)[] members)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in members)
            {
                var entry = zip.CreateEntry(name, level);
                using var s = entry.Open();
                s.Write(data);
            }
        }
        return ms.ToArray();
    }

    /// <summary>A benign checkpoint: archive/data.pkl, two storages, version and byteorder records.</summary>
    public static byte[] Benign(string root = "archive") => Build(
        ($"{root}/data.pkl", PickleWriter.TorchStateDict(2)),
        ($"{root}/byteorder", "little"u8.ToArray()),
        ($"{root}/data/0", [0x80, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
        ($"{root}/data/1", new byte[64]),
        ($"{root}/version", "3\n"u8.ToArray()),
        ($"{root}/.data/serialization_id", "1234567890"u8.ToArray()));
}
