namespace Switchyard.Storage;

/// <summary>
/// Changes other instances made to the shared store, as they commit: a key created or revoked, a registry decision. Raised
/// by PostgreSQL's listener (<c>LISTEN</c> on the schema's channel); a SQLite store has none, and its readers poll.
/// </summary>
/// <remarks>
/// The listener reconnects by itself; while it is down, <see cref="Listening"/> is false and readers keep their one-second
/// polls, which is the fallback either way. After a reconnect <see cref="Resynchronised"/> fires: notifications sent while
/// it was down are lost, so a reader drops what it cached.
/// </remarks>
public sealed class StoreChanges
{
    private const string KeyPrefix = "key:";
    private const string ModelPrefix = "model:";
    private int _listening;

    /// <summary>A change committed (by this instance or another). Handlers run on the listener's thread: keep them short.</summary>
    public event Action<StoreChange>? Changed;

    /// <summary>The listener (re)connected: anything may have changed while it was not listening.</summary>
    public event Action? Resynchronised;

    /// <summary>Whether the listener is connected and listening now.</summary>
    public bool Listening => Volatile.Read(ref _listening) != 0;

    /// <summary>How many notifications arrived since the start.</summary>
    public long Received { get; private set; }

    /// <summary>The notification payload of a change: <c>key:ID</c> or <c>model:ID</c>.</summary>
    internal static string Format(StoreChange change) => (change.Kind == StoreChangeKind.Key ? KeyPrefix : ModelPrefix) + change.Id;

    /// <summary>Reads a payload <see cref="Format"/> wrote; false for anything else.</summary>
    internal static bool TryParse(string payload, out StoreChange change)
    {
        change = default;
        if (payload.StartsWith(KeyPrefix, StringComparison.Ordinal) && payload.Length > KeyPrefix.Length)
        {
            change = new StoreChange(StoreChangeKind.Key, payload[KeyPrefix.Length..]);
            return true;
        }

        if (payload.StartsWith(ModelPrefix, StringComparison.Ordinal) && payload.Length > ModelPrefix.Length)
        {
            change = new StoreChange(StoreChangeKind.Model, payload[ModelPrefix.Length..]);
            return true;
        }

        return false;
    }

    internal void Raise(StoreChange change)
    {
        Received++;
        Changed?.Invoke(change);
    }

    internal void SetListening(bool listening, bool resynchronise)
    {
        Volatile.Write(ref _listening, listening ? 1 : 0);
        if (resynchronise)
        {
            Resynchronised?.Invoke();
        }
    }
}
