namespace Switchyard.Cli.Internal;

/// <summary>
/// Socket continuations run on the epoll threads (one per core) instead of each being handed to the thread pool: one
/// thread hop fewer per socket event (docs/decisions/0004). Only the commands that serve and never block a socket thread
/// turn them on: <c>serve</c> on SQLite, <c>demo</c>, <c>simulate</c>.
/// </summary>
/// <remarks>
/// Everything on PostgreSQL stays on the thread pool. Its stores answer synchronously after awaiting the database (a
/// store command after the migrations, a gateway's key read and admin API): a synchronous Npgsql call on a socket that
/// async calls made non-blocking waits for the epoll engine to report it readable, and on an epoll thread that is a
/// wait for itself. <c>keys create --config</c> on PostgreSQL hung for ever, and three gateways on one database hung or
/// answered 500.
/// </remarks>
internal static class InlineCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Turns them on unless the operator set the variable (their setting wins). .NET reads it once, when the process makes
    /// its first socket: call this before anything connects or listens.
    /// </summary>
    public static void TurnOn()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }

    /// <summary>Whether the operator turned them on themselves (the variable is <c>1</c> before any command set it).</summary>
    public static bool ForcedOn => Environment.GetEnvironmentVariable(Variable) == "1";
}
