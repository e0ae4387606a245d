using System.Buffers.Binary;
using System.Text.Json;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Storage.Postgres.Internal;

/// <summary>
/// The request log's rows that PostgreSQL could not take, in a bounded, append-only local file, and a cursor saying how far
/// they have been written to the database since.
/// </summary>
/// <remarks>
/// <para>
/// Format: records of <c>[magic "SYSP" u32][payload length u32][rows u32][payload]</c> (little-endian), the payload one
/// batch as UTF-8 JSON (<see cref="SpillBatch"/>): each row with the key it keeps until it is in the database. The cursor
/// file (<c>PATH.done</c>) holds the offset of the first record not yet written to the database, as 8 bytes.
/// </para>
/// <para>
/// Durability: each appended batch is flushed to the disk (fsync) before <see cref="TryAppend"/> returns, so a batch the
/// writer counts as written survives a crash or a power cut. The cursor is not synced: if it is lost or stale, records are
/// written again, and the database keeps one row per key (exactly once). A torn record at the end (a crash mid-append)
/// is cut off when the file is opened. Once every record is in the database, both files are emptied.
/// </para>
/// <para>Not thread-safe: the store calls it under its lock.</para>
/// </remarks>
internal sealed class SpillFile : IDisposable
{
    private const uint Magic = 0x50535953; // "SYSP" little-endian
    private const int HeaderBytes = 12;

    private readonly FileStream _file;
    private readonly FileStream _cursor;
    private readonly long _maxBytes;
    private long _position;

    private SpillFile(FileStream file, FileStream cursor, long maxBytes)
    {
        _file = file;
        _cursor = cursor;
        _maxBytes = maxBytes;
    }

    /// <summary>The file's full path.</summary>
    public required string Path { get; init; }

    /// <summary>Rows in the file not yet written to the database.</summary>
    public long PendingRows { get; private set; }

    /// <summary>Bytes the file holds (written to the database or not) until it is emptied.</summary>
    public long Length => _file.Length;

    /// <summary>Whether any row waits.</summary>
    public bool HasPending => PendingRows > 0;

    /// <summary>Bytes of a torn record cut off when the file was opened.</summary>
    public long TornBytes { get; private init; }

    /// <summary>Opens (or creates) the file and its cursor, counting the rows that wait and cutting a torn tail.</summary>
    public static SpillFile Open(RequestLogSpillOptions options)
    {
        var path = System.IO.Path.GetFullPath(options.Path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        FileStream? cursor = null;
        try
        {
            cursor = new FileStream(path + ".done", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
            var position = ReadCursor(cursor, file.Length);
            var (end, rows) = Scan(file, position);
            var torn = file.Length - end;
            if (torn > 0)
            {
                file.SetLength(end);
                file.Flush(flushToDisk: true);
            }

            var spill = new SpillFile(file, cursor, options.MaxBytes) { Path = path, PendingRows = rows, TornBytes = torn, _position = position };
            if (rows == 0)
            {
                spill.Empty();
            }

            return spill;
        }
        catch
        {
            cursor?.Dispose();
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends a batch with its rows' keys and syncs it to the disk; false (nothing written) when it would grow the file
    /// beyond its bound.
    /// </summary>
    public bool TryAppend(IReadOnlyList<RequestLogEntry> batch, IReadOnlyList<Guid> keys)
    {
        var rows = new List<SpillRow>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            rows.Add(new SpillRow(keys[i], batch[i]));
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(new SpillBatch(rows), SpillJsonContext.Default.SpillBatch);
        if (_file.Length + HeaderBytes + payload.Length > _maxBytes)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], payload.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], batch.Count);
        var start = _file.Length;
        try
        {
            _file.Seek(0, SeekOrigin.End);
            _file.Write(header);
            _file.Write(payload);
            _file.Flush(flushToDisk: true);
        }
        catch
        {
            // A full disk mid-record: cut it off, so the file stays readable.
            _file.SetLength(start);
            throw;
        }

        PendingRows += batch.Count;
        return true;
    }

    /// <summary>The oldest batch not yet in the database and the offset after it, or <see langword="null"/> when none waits.</summary>
    public (List<SpillRow> Rows, long Next)? Peek()
    {
        if (!HasPending || _position >= _file.Length)
        {
            return null;
        }

        Span<byte> header = stackalloc byte[HeaderBytes];
        _file.Seek(_position, SeekOrigin.Begin);
        _file.ReadExactly(header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        var payload = new byte[length];
        _file.ReadExactly(payload);
        var batch = JsonSerializer.Deserialize(payload, SpillJsonContext.Default.SpillBatch)
            ?? throw new InvalidDataException($"The spill file {Path} holds an empty record at offset {_position}.");
        return (batch.Rows, _position + HeaderBytes + length);
    }

    /// <summary>Marks the batch <see cref="Peek"/> returned as written to the database; empties the files when it was the last.</summary>
    public void Advance(long next, int rows)
    {
        _position = next;
        PendingRows -= rows;
        if (_position >= _file.Length)
        {
            PendingRows = 0;
            Empty();
            return;
        }

        Span<byte> cursor = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(cursor, _position);
        _cursor.Seek(0, SeekOrigin.Begin);
        _cursor.Write(cursor);
        _cursor.Flush(flushToDisk: false);
    }

    public void Dispose()
    {
        _file.Dispose();
        _cursor.Dispose();
    }

    private void Empty()
    {
        _position = 0;
        _file.SetLength(0);
        _file.Flush(flushToDisk: true);
        _cursor.SetLength(0);
        _cursor.Flush(flushToDisk: false);
    }

    private static long ReadCursor(FileStream cursor, long length)
    {
        Span<byte> bytes = stackalloc byte[8];
        cursor.Seek(0, SeekOrigin.Begin);
        if (cursor.Length < 8 || cursor.ReadAtLeast(bytes, 8, throwOnEndOfStream: false) < 8)
        {
            return 0;
        }

        var position = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        // A cursor beyond the file (the file was replaced by hand) or negative means nothing is known: start over, and
        // let the keys keep the database from taking a row twice.
        return position >= 0 && position <= length ? position : 0;
    }

    // The end of the last whole record from position on, and how many rows the records there hold.
    private static (long End, long Rows) Scan(FileStream file, long position)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        var rows = 0L;
        var end = position;
        while (end + HeaderBytes <= file.Length)
        {
            file.Seek(end, SeekOrigin.Begin);
            file.ReadExactly(header);
            var length = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic || length < 0 || end + HeaderBytes + length > file.Length)
            {
                break;
            }

            rows += BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
            end += HeaderBytes + length;
        }

        return (end, rows);
    }
}
