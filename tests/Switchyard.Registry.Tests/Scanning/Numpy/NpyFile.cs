using System.Buffers.Binary;
using System.Text;

namespace Switchyard.Registry.Tests.Scanning.Numpy;

/// <summary>Builds .npy files in the real byte format: magic, version, header length, padded dict header, data.</summary>
internal static class NpyFile
{
    public static byte[] Build(string header, byte[] data, int major = 1)
    {
        var preamble = major == 1 ? 10 : 12;
        var text = header + " ";
        var total = preamble + Encoding.Latin1.GetByteCount(text) + 1;
        text += new string(' ', (64 - (total % 64)) % 64) + "\n";
        var headerBytes = Encoding.Latin1.GetBytes(text);
        var bytes = new byte[preamble + headerBytes.Length + data.Length];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' }.CopyTo(bytes, 0);
        bytes[6] = (byte)major;
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)headerBytes.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)headerBytes.Length);
        }
        headerBytes.CopyTo(bytes, preamble);
        data.CopyTo(bytes, preamble + headerBytes.Length);
        return bytes;
    }

    public static byte[] Floats() => Build("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", new byte[24]);
}
