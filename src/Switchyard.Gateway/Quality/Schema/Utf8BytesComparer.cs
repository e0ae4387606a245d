namespace Switchyard.Gateway.Quality.Schema;

/// <summary>
/// Compares UTF-8 names by their bytes, and lets a dictionary keyed by <c>byte[]</c> be searched with a
/// <see cref="ReadOnlySpan{T}"/> straight out of the answer's JSON (no string per property).
/// </summary>
internal sealed class Utf8BytesComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    /// <summary>The one instance (the comparer holds no state).</summary>
    public static readonly Utf8BytesComparer Instance = new();

    private Utf8BytesComparer()
    {
    }

    /// <inheritdoc/>
    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    /// <inheritdoc/>
    public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

    /// <inheritdoc/>
    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    /// <inheritdoc/>
    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        var hash = default(HashCode);
        hash.AddBytes(alternate);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
