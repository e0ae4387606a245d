using System.Collections.Concurrent;
using System.Diagnostics;

namespace Switchyard.Bench.Processes;

/// <summary>
/// Every process the harness started and has not yet stopped, so that a failure, Ctrl-C or an unexpected exit still
/// ends them. Only these processes are ever signalled: never anything found by name.
/// </summary>
internal static class ProcessTracker
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();

    public static void Add(Process process) => Live[process.Id] = process;

    public static void Remove(Process process) => Live.TryRemove(process.Id, out _);

    /// <summary>Kills every tracked process and its descendants (nginx's worker, for one) at once.</summary>
    public static void KillAll()
    {
        foreach (var (id, process) in Live)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Exited in the meantime.
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Exited in the meantime, or gone already.
            }

            Live.TryRemove(id, out _);
        }
    }
}
