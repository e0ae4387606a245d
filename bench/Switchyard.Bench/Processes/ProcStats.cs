using System.Globalization;

namespace Switchyard.Bench.Processes;

/// <summary>Reads a process's memory and CPU time from <c>/proc</c>.</summary>
internal static class ProcStats
{
    private static readonly Lazy<int> Ticks = new(ReadTicksPerSecond);

    /// <summary>The unit of the CPU times in <c>/proc</c> (USER_HZ).</summary>
    public static int TicksPerSecond => Ticks.Value;

    /// <summary>Peak resident set size (<c>VmHWM</c>) in MiB, or null once the process is gone.</summary>
    public static double? PeakRssMb(int pid) => ReadStatusKb(pid, "VmHWM:") / 1024.0;

    /// <summary>Current resident set size (<c>VmRSS</c>) in MiB, or null once the process is gone.</summary>
    public static double? RssMb(int pid) => ReadStatusKb(pid, "VmRSS:") / 1024.0;

    /// <summary>User plus system CPU time the process has used, or null once it is gone.</summary>
    public static TimeSpan? CpuTime(int pid)
    {
        var stat = TryRead($"/proc/{pid}/stat");
        if (stat is null)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((utime + stime) / (double)TicksPerSecond);
    }

    /// <summary>This process's effective user id (0 for root).</summary>
    public static int EffectiveUid()
    {
        foreach (var line in (TryRead("/proc/self/status") ?? "").Split('\n'))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                return int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    /// <summary>When the process started, in clock ticks after boot: with the PID, it names one process for good.</summary>
    public static long? StartTicks(int pid)
    {
        var stat = TryRead($"/proc/{pid}/stat");
        return stat is null ? null : long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture);
    }

    /// <summary>The processes whose parent is <paramref name="parentPid"/> (nginx's master has its worker there).</summary>
    public static List<int> Children(int parentPid)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            var stat = TryRead($"/proc/{pid}/stat");
            if (stat is null)
            {
                continue;
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) && ppid == parentPid)
            {
                children.Add(pid);
            }
        }

        return children;
    }

    private static long? ReadStatusKb(int pid, string key)
    {
        var status = TryRead($"/proc/{pid}/status");
        if (status is null)
        {
            return null;
        }

        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                var value = line[key.Length..].Trim();
                return long.Parse(value[..value.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int ReadTicksPerSecond()
    {
        // USER_HZ is 100 on every Linux architecture we run on; ask getconf in case it is not.
        var text = Tool.TryRunForOutput("getconf", ["CLK_TCK"]);
        return int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks > 0 ? ticks : 100;
    }
}
