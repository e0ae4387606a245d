using System.Runtime.CompilerServices;
using Switchyard.Gateway.Caching;

namespace Switchyard.Gateway.Tests.Caching;

/// <summary>
/// A cache store in front of a real one whose writes land late, as a slow link to Redis makes them: a write is held
/// until a lookup through any store of its <see cref="Pair"/> has been answered, or for <c>hold</c> when none comes. So a
/// gateway that stores an answer after the client has it always lets the client's repeat miss, whatever the timing.
/// </summary>
internal sealed class LateWriteCacheStore : ICacheStore
{
    private readonly ICacheStore _inner;
    private readonly TimeSpan _hold;
    private readonly StrongBox<TaskCompletionSource?> _waiting;
    private int _writes;

    private LateWriteCacheStore(ICacheStore inner, TimeSpan hold, StrongBox<TaskCompletionSource?> waiting)
    {
        _inner = inner;
        _hold = hold;
        _waiting = waiting;
    }

    public string Kind => _inner.Kind;

    /// <summary>Writes that reached the store behind.</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Two stores (one per instance) whose held writes are let go by a lookup through either.</summary>
    public static (LateWriteCacheStore A, LateWriteCacheStore B) Pair(ICacheStore a, ICacheStore b, TimeSpan hold)
    {
        var waiting = new StrongBox<TaskCompletionSource?>();
        return (new LateWriteCacheStore(a, hold, waiting), new LateWriteCacheStore(b, hold, waiting));
    }

    public async ValueTask<CachedAnswer?> GetAsync(string key)
    {
        var answer = await _inner.GetAsync(key);
        // Answered before the held write lands: now it may.
        Interlocked.Exchange(ref _waiting.Value, null)?.TrySetResult();
        return answer;
    }

    public async ValueTask SetAsync(string key, CachedAnswer answer, TimeSpan ttl)
    {
        var lookedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _waiting.Value, lookedUp);
        try
        {
            await lookedUp.Task.WaitAsync(_hold);
        }
        catch (TimeoutException)
        {
            // Nobody asked in the meantime: a write that is only slow.
        }

        await _inner.SetAsync(key, answer, ttl);
        Interlocked.Increment(ref _writes);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
