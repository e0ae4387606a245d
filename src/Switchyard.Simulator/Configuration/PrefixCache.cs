using System.Collections.Concurrent;

namespace Switchyard.Simulator.Configuration;

/// <summary>
/// A model's prompt cache: the prefixes of chat prompts it has seen, one per leading run of whole messages (hashed as
/// the parser hashes them: role and text, not the seed or the sampling parameters, as a real prefix cache ignores them).
/// Bounded: when it holds <see cref="Capacity"/> prefixes it is emptied and starts again, like a cache under memory
/// pressure (simple rather than LRU: the simulator need not model eviction order).
/// </summary>
internal sealed class PrefixCache(int blockTokens)
{
    /// <summary>Prefixes held before the cache is emptied.</summary>
    public const int Capacity = 100_000;

    private readonly ConcurrentDictionary<ulong, byte> _seen = new();

    /// <summary>Tokens per cache block: cached tokens are whole blocks.</summary>
    public int BlockTokens { get; } = blockTokens;

    /// <summary>
    /// The cached tokens of a prompt of <paramref name="promptTokens"/> tokens whose message prefixes are
    /// <paramref name="prefixes"/> (shortest first: hash and tokens so far): the longest one seen before, in whole blocks,
    /// at most the prompt less one token (the last is always computed). Then every prefix is remembered.
    /// </summary>
    public int Lookup(ReadOnlySpan<(ulong Hash, int Tokens)> prefixes, int promptTokens)
    {
        var cached = 0;
        for (var i = prefixes.Length - 1; i >= 0; i--)
        {
            if (_seen.ContainsKey(prefixes[i].Hash))
            {
                cached = prefixes[i].Tokens;
                break;
            }
        }

        if (_seen.Count + prefixes.Length > Capacity)
        {
            _seen.Clear();
        }

        foreach (var (hash, _) in prefixes)
        {
            _seen.TryAdd(hash, 0);
        }

        var whole = Math.Min(cached, promptTokens - 1) / BlockTokens * BlockTokens;
        return Math.Max(0, whole);
    }
}
