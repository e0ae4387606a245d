using System.Globalization;

namespace Switchyard.Bench.Processes;

/// <summary>
/// CPU used during a run by processes the harness did not start (a build or test run of someone else on the same
/// machine): such a run's figures are disturbed, and the report says so rather than leaving it to be guessed.
/// </summary>
/// <remarks>
/// A snapshot holds every process's CPU ticks; the difference between two, over processes alive at both and neither
/// the harness nor a descendant of it, is the foreign load. Processes that start and end between two snapshots are not
/// seen, so this is a lower bound.
/// </remarks>
internal sealed class ForeignLoad
{
    private readonly Dictionary<(int Pid, long Started), (int Parent, long Ticks)> _processes;

    private ForeignLoad(Dictionary<(int Pid, long Started), (int Parent, long Ticks)> processes, DateTime taken)
    {
        _processes = processes;
        Taken = taken;
    }

    public DateTime Taken { get; }

    public static ForeignLoad Take()
    {
        var processes = new Dictionary<(int Pid, long Started), (int Parent, long Ticks)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            processes[(pid, long.Parse(fields[19], CultureInfo.InvariantCulture))] = (parent, ticks);
        }

        return new ForeignLoad(processes, DateTime.UtcNow);
    }

    /// <summary>CPU used by other processes between <paramref name="before"/> and this snapshot, in % of one core.</summary>
    public double PercentSince(ForeignLoad before)
    {
        var parents = _processes.ToDictionary(p => p.Key.Pid, p => p.Value.Parent);
        var self = Environment.ProcessId;
        long ticks = 0;
        foreach (var (key, now) in _processes)
        {
            if (before._processes.TryGetValue(key, out var then) && !IsOurs(key.Pid, self, parents))
            {
                ticks += now.Ticks - then.Ticks;
            }
        }

        var seconds = (Taken - before.Taken).TotalSeconds;
        return seconds <= 0 ? 0 : ticks / (double)ProcStats.TicksPerSecond / seconds * 100;
    }

    private static bool IsOurs(int pid, int self, Dictionary<int, int> parents)
    {
        for (var depth = 0; depth < 64 && pid > 1; depth++)
        {
            if (pid == self)
            {
                return true;
            }

            if (!parents.TryGetValue(pid, out pid))
            {
                return false;
            }
        }

        return false;
    }
}
