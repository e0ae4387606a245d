using System.Buffers;
using System.Text.Json;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Internal;

/// <summary>
/// One reusable <see cref="Utf8JsonWriter"/> per thread. A caller takes it (the slot empties), may hold it across awaits, and
/// gives it back; a second caller on the same thread meanwhile gets a new one, so a writer is never shared.
/// </summary>
internal static class JsonWriterCache
{
    [ThreadStatic]
    private static Utf8JsonWriter? _cached;

    public static Utf8JsonWriter Rent(IBufferWriter<byte> output)
    {
        var writer = _cached;
        if (writer is null)
        {
            return new Utf8JsonWriter(output, JsonFormat.WriterOptions);
        }

        _cached = null;
        writer.Reset(output);
        return writer;
    }

    public static void Return(Utf8JsonWriter writer)
    {
        writer.Reset(NullBufferWriter.Instance);
        _cached = writer;
    }

    /// <summary>Lets a returned writer drop its reference to the last output.</summary>
    private sealed class NullBufferWriter : IBufferWriter<byte>
    {
        public static readonly NullBufferWriter Instance = new();

        public void Advance(int count)
        {
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => new byte[Math.Max(sizeHint, 1)];

        public Span<byte> GetSpan(int sizeHint = 0) => new byte[Math.Max(sizeHint, 1)];
    }
}
