using Switchyard.Simulator.Generation;

namespace Switchyard.Simulator.Internal;

/// <summary>
/// The host's seeded random source for timing jitter and fault rates: lock-free (one atomic add per draw) and reproducible for
/// a given seed and order of requests.
/// </summary>
internal sealed class SharedRandom(ulong seed)
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;
    private long _state = unchecked((long)StableHash.Mix(seed));

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble()
    {
        var state = unchecked((ulong)Interlocked.Add(ref _state, unchecked((long)Gamma)));
        return StableHash.Unit(StableHash.Mix(state));
    }

    /// <summary>Uniform in [1 - <paramref name="jitter"/>, 1 + <paramref name="jitter"/>).</summary>
    public double JitterFactor(double jitter) => jitter <= 0 ? 1.0 : 1.0 + (jitter * ((2.0 * NextDouble()) - 1.0));
}
