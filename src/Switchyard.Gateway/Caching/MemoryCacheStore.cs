namespace Switchyard.Gateway.Caching;

/// <summary>
/// Cached answers in this process, bounded by bytes: when a new answer does not fit, the least recently used ones go
/// first; expired ones go when they are next looked up or reached by an eviction. Under one lock: it guards a few
/// pointer moves, and only requests on caching routes take it.
/// </summary>
internal sealed class MemoryCacheStore(long maxBytes, TimeProvider time) : ICacheStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private long _bytes;
    private long _evictions;

    public string Kind => "memory";

    /// <summary>The bytes all answers take together (at most the bound).</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>The answers kept.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Answers dropped to make room for newer ones.</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    public ValueTask<CachedAnswer?> GetAsync(string key)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return ValueTask.FromResult<CachedAnswer?>(null);
            }

            if (node.Value.Expires <= now)
            {
                Remove(node);
                return ValueTask.FromResult<CachedAnswer?>(null);
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return ValueTask.FromResult<CachedAnswer?>(node.Value.Answer);
        }
    }

    public ValueTask SetAsync(string key, CachedAnswer answer, TimeSpan ttl)
    {
        var size = answer.Size + (key.Length * 2);
        if (size > maxBytes)
        {
            return ValueTask.CompletedTask;
        }

        var entry = new Entry(key, answer, time.GetUtcNow() + ttl, size);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                Remove(existing);
            }

            while (_bytes + size > maxBytes && _recency.Last is { } oldest)
            {
                Remove(oldest);
                Interlocked.Increment(ref _evictions);
            }

            _entries[key] = _recency.AddFirst(entry);
            _bytes += size;
        }

        return ValueTask.CompletedTask;
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
        _bytes -= node.Value.Size;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed record Entry(string Key, CachedAnswer Answer, DateTimeOffset Expires, long Size);
}
