using System.Buffers.Binary;
using System.Numerics;

namespace Switchyard.Simulator.Generation;

/// <summary>
/// A 64-bit hash that is the same in every process and on every machine (unlike <see cref="string.GetHashCode()"/>), so
/// that answers are reproducible across runs. Not cryptographic.
/// </summary>
internal static class StableHash
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;

    /// <summary>Hashes bytes, starting from <paramref name="seed"/>.</summary>
    public static ulong Hash(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        var h = seed ^ ((ulong)data.Length * Prime1);
        while (data.Length >= 8)
        {
            h ^= Mix(BinaryPrimitives.ReadUInt64LittleEndian(data));
            h = (BitOperations.RotateLeft(h, 27) * Prime1) + Prime2;
            data = data[8..];
        }

        if (data.Length > 0)
        {
            ulong tail = 0xFF;
            for (var i = 0; i < data.Length; i++)
            {
                tail = (tail << 8) | data[i];
            }

            h ^= Mix(tail);
            h = (BitOperations.RotateLeft(h, 27) * Prime1) + Prime2;
        }

        return Mix(h);
    }

    /// <summary>Folds <paramref name="value"/> into <paramref name="hash"/>; the order of folding matters.</summary>
    public static ulong Combine(ulong hash, ulong value) => Mix((BitOperations.RotateLeft(hash, 31) * Prime1) ^ (value + Prime2));

    /// <summary>The SplitMix64 finalizer: spreads every input bit over the output.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Maps a hash to [0, 1).</summary>
    public static double Unit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));
}
