using System.Buffers.Binary;

namespace Switchyard.Registry.Scanning;

/// <summary>
/// Detects a file's format from its first bytes, and says which formats its extension promises, so that a mismatch
/// (a pickle named <c>.json</c>, a protocol-0 pickle named <c>.bin</c>) becomes a finding.
/// </summary>
internal static class FormatDetector
{
    /// <summary>How many leading bytes <see cref="Detect"/> needs.</summary>
    public const int HeadLength = 16;

    /// <summary>The safetensors reference rejects headers above this (<c>MAX_HEADER_SIZE</c> in safetensors' tensor.rs).</summary>
    public const long MaxSafetensorsHeader = 100_000_000;

    /// <summary>The .npy magic. Not a <c>u8</c> literal: <c>"\x93"u8</c> would encode U+0093 as two UTF-8 bytes.</summary>
    public static ReadOnlySpan<byte> NumpyMagic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    // Opcodes a protocol 0/1 pickle (no PROTO) starts with in practice: MARK, GLOBAL, EMPTY_DICT/LIST/TUPLE, and the scalars.
    private static ReadOnlySpan<byte> Protocol0Starts => "(c}])NIJKLMSVXUTGFil"u8;

    /// <summary>Detects the format from <paramref name="head"/> (up to <see cref="HeadLength"/> bytes) and the file length.</summary>
    public static FileFormat Detect(ReadOnlySpan<byte> head, long length)
    {
        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8))
        {
            return FileFormat.Zip;
        }
        if (head.StartsWith("GGUF"u8))
        {
            return FileFormat.Gguf;
        }
        if (head.StartsWith(NumpyMagic))
        {
            return FileFormat.Numpy;
        }
        if (head.Length >= 9)
        {
            var n = BinaryPrimitives.ReadUInt64LittleEndian(head);
            if (n >= 2 && n <= MaxSafetensorsHeader && (long)n <= length - 8 && head[8] == (byte)'{')
            {
                return FileFormat.Safetensors;
            }
        }
        if (head.Length >= 2 && head[0] == 0x80 && head[1] <= 5)
        {
            return FileFormat.Pickle;
        }
        if (head.Length >= 1 && Protocol0Starts.Contains(head[0]))
        {
            // SECURITY: CVE-2025-10155 hid a protocol-0/1 pickle (no 0x80 magic) under .bin; torch.load still runs it.
            return FileFormat.Pickle;
        }
        return FileFormat.Unknown;
    }

    /// <summary>
    /// The formats a file with this name may legitimately hold, or null when the extension promises nothing
    /// (then no mismatch is reported).
    /// </summary>
    public static FileFormat[]? Expected(string path)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".safetensors" => [FileFormat.Safetensors],
            ".gguf" => [FileFormat.Gguf],
            ".npy" => [FileFormat.Numpy],
            ".npz" or ".zip" or ".keras" => [FileFormat.Zip],
            ".pkl" or ".pickle" or ".joblib" or ".dill" or ".dat" or ".data" => [FileFormat.Pickle],
            // COMPAT: torch.save writes a zip since PyTorch 1.6 and a pickle stream before; both load under these names.
            ".bin" or ".pt" or ".pth" or ".ckpt" => [FileFormat.Zip, FileFormat.Pickle],
            ".json" or ".txt" or ".md" or ".jinja" or ".yaml" or ".yml" or ".py" or ".model" or ".tiktoken" or ".csv" => [FileFormat.Unknown],
            _ => null,
        };
    }
}
