using System.Buffers;
using System.Security.Cryptography;

namespace Switchyard.Registry.Internal;

/// <summary>Streams a file through SHA-256 with a pooled buffer; memory stays at one buffer whatever the file size.</summary>
internal static class FileHasher
{
    // PERF: 1 MiB reads; the research notes measured ~1.2 GB/s for .NET SHA-256 with this buffer size on this machine class.
    private const int BufferSize = 1 << 20;

    /// <summary>The lowercase hex SHA-256 of the file at <paramref name="path"/>.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
