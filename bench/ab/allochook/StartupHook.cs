using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Linq;
using System.Threading;
// Writes GC.GetTotalAllocatedBytes to $ALLOCHOOK_FILE every 50 ms (atomic rename). With ALLOCHOOK_TYPES=1, also samples
// allocations by type (GCAllocationTick, one per ~100 KB) and writes the table to $ALLOCHOOK_FILE.types; touching
// $ALLOCHOOK_FILE.reset clears the table.
internal static class StartupHook
{
    private static AllocListener? s_listener;
    public static void Initialize()
    {
        var path = System.Environment.GetEnvironmentVariable("ALLOCHOOK_FILE");
        if (string.IsNullOrEmpty(path)) return;
        if (System.Environment.GetEnvironmentVariable("ALLOCHOOK_TYPES") == "1") s_listener = new AllocListener();
        var t = new Thread(() =>
        {
            var tmp = path + ".tmp";
            var n = 0;
            while (true)
            {
                Thread.Sleep(50);
                System.IO.File.WriteAllText(tmp, $"{System.GC.GetTotalAllocatedBytes(false)} {System.GC.CollectionCount(0)} {System.GC.CollectionCount(2)}\n");
                System.IO.File.Move(tmp, path, true);
                if (s_listener is { } l)
                {
                    if (System.IO.File.Exists(path + ".reset")) { System.IO.File.Delete(path + ".reset"); l.Counts.Clear(); }
                    if (++n % 20 == 0)
                    {
                        var total = l.Counts.Values.Sum(v => v);
                        var lines = l.Counts.OrderByDescending(kv => kv.Value).Take(80).Select(kv => $"{kv.Value,14} {100.0 * kv.Value / total,6:0.0}% {kv.Key}");
                        System.IO.File.WriteAllLines(tmp, lines.Prepend($"{total,14} total sampled bytes"));
                        System.IO.File.Move(tmp, path + ".types", true);
                    }
                }
            }
        }) { IsBackground = true, Name = "allochook" };
        t.Start();
    }
}

internal sealed class AllocListener : EventListener
{
    public readonly ConcurrentDictionary<string, long> Counts = new();
    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }
    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick")) return;
        var i = e.PayloadNames!.IndexOf("TypeName");
        var j = e.PayloadNames!.IndexOf("AllocationAmount64");
        if (i < 0) return;
        var name = (string)e.Payload![i]!;
        long amount = j >= 0 ? System.Convert.ToInt64(e.Payload![j]) : 100_000;
        Counts.AddOrUpdate(name, amount, (_, v) => v + amount);
    }
}
