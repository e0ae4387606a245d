using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Simulator.Internal;

/// <summary>Reads a whole request body into one pooled, contiguous buffer, so the JSON reader can slice it freely.</summary>
internal static class RequestBody
{
    public static async Task<PooledByteBuffer> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new PooledByteBuffer((int)Math.Clamp(request.ContentLength ?? 4096, 256, 1 << 20));
        try
        {
            var reader = request.BodyReader;
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var sequence = result.Buffer;
                if (result.IsCompleted || result.IsCanceled)
                {
                    Copy(sequence, buffer);
                    reader.AdvanceTo(sequence.End);
                    return buffer;
                }

                // Consume as we go so Kestrel can reuse its segments; the copy keeps the body contiguous.
                Copy(sequence, buffer);
                reader.AdvanceTo(sequence.End);
            }
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private static void Copy(in ReadOnlySequence<byte> sequence, PooledByteBuffer buffer)
    {
        foreach (var segment in sequence)
        {
            buffer.Write(segment.Span);
        }
    }
}
