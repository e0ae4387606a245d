namespace Switchyard.Gateway.Shadow;

/// <summary>
/// Which requests a route's shadow takes: a hash of the seed and the request id, read as a number in [0, 1), below the
/// share. Deterministic (a request id is shadowed or not whatever the process, the time or the other traffic), so a
/// retried request with its own id is decided alike and a test can know which ids are picked.
/// </summary>
internal static class ShadowSampler
{
    /// <summary>Whether the request <paramref name="requestId"/> is shadowed at <paramref name="share"/> with <paramref name="seed"/>.</summary>
    public static bool Picks(long seed, ReadOnlySpan<char> requestId, double share)
    {
        if (share >= 1)
        {
            return true;
        }

        // FNV-1a over the id's UTF-16 code units, then SplitMix64's finaliser with the seed: cheap, allocation-free, and
        // well spread even for ids that differ in one character (req_...0001, req_...0002).
        var hash = 0xCBF29CE484222325UL;
        foreach (var c in requestId)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }

        var z = hash ^ unchecked((ulong)seed * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53)) < share;
    }
}
