using System.Buffers.Binary;
using System.Text;

namespace Switchyard.Registry.Tests.Scanning.Safetensors;

/// <summary>Builds safetensors files in the real byte format: u64 LE header length, JSON header, data buffer.</summary>
internal static class SafetensorsFile
{
    public static byte[] Build(string headerJson, int dataLength, bool pad = true)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var padded = pad ? (header.Length + 7) / 8 * 8 : header.Length;
        var bytes = new byte[8 + padded + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        header.CopyTo(bytes, 8);
        bytes.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        for (var i = 8 + padded; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 31);
        }
        return bytes;
    }

    /// <summary>Two F16 tensors of 2x3 and 4 elements, plus metadata: 12 + 8 = 20 data bytes.</summary>
    public static byte[] Benign() => Build(
        """{"__metadata__":{"format":"pt"},"a.weight":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]},"b.bias":{"dtype":"BF16","shape":[4],"data_offsets":[12,20]}}""",
        20);
}
