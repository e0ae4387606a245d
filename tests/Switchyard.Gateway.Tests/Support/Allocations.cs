namespace Switchyard.Gateway.Tests.Support;

/// <summary>
/// Measures what a piece of code allocates once it is warm. The runtime may allocate on the calling thread the first
/// times a method runs (tiered compilation, on-stack replacement, type initialisers), once and at a moment nobody
/// controls; so the code runs a warm-up, then several rounds, and the figure is the round that allocated least. Code
/// that allocates on every call allocates in every round, so the minimum still catches it.
/// </summary>
internal static class Allocations
{
    /// <summary>Bytes allocated by <paramref name="calls"/> calls of <paramref name="action"/> in the quietest of the rounds.</summary>
    public static long Steady(Action action, int calls = 100, int rounds = 5)
    {
        for (var i = 0; i < calls * 2; i++)
        {
            action();
        }

        var least = long.MaxValue;
        for (var round = 0; round < rounds; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < calls; i++)
            {
                action();
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
