using System.Buffers;

namespace Switchyard.Gateway.Internal;

/// <summary>
/// A growable byte buffer on <see cref="ArrayPool{T}"/>: an <see cref="IBufferWriter{T}"/> for <c>Utf8JsonWriter</c> and raw
/// appends, whose front can be consumed (<see cref="Consume"/>) so it serves as the queue of a translating stream.
/// </summary>
internal sealed class PooledBufferWriter(int initialCapacity = 4096) : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    private int _start;
    private int _end;

    /// <summary>The bytes written and not yet consumed.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(_start, _end - _start);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(_start, _end - _start);

    public int Length => _end - _start;

    public void Advance(int count) => _end += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_end);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_end);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_end));
        _end += bytes.Length;
    }

    /// <summary>Drops the first <paramref name="count"/> unconsumed bytes.</summary>
    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    public void Clear() => _start = _end = 0;

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _end >= needed)
        {
            return;
        }

        var length = _end - _start;
        if (_start > 0 && _buffer.Length - length >= needed && length < _buffer.Length / 2)
        {
            // PERF: most of the buffer is consumed: move the rest to the front rather than grow.
            _buffer.AsSpan(_start, length).CopyTo(_buffer);
        }
        else
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, length + needed));
            _buffer.AsSpan(_start, length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        _start = 0;
        _end = length;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
