using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Switchyard.Storage.Internal;

/// <summary>Tells store failures worth retrying from those that are not.</summary>
internal static class StoreErrors
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>
    /// Whether <paramref name="exception"/> is a lock held by someone else or a provider-declared transient fault, which a
    /// retry after a pause can cure. A full disk, an I/O error or a bug is not.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        // COMPAT: Microsoft.Data.Sqlite 6.0 does not override DbException.IsTransient; the result code says it.
        SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked } => true,
        DbException { IsTransient: true } => true,
        TimeoutException => true,
        _ => false,
    };
}
