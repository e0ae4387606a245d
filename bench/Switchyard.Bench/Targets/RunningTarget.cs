using System.Collections.Immutable;
using Switchyard.Bench.Processes;

namespace Switchyard.Bench.Targets;

/// <summary>A target that answers requests: how to call it, which process to measure, and what to stop afterwards.</summary>
/// <param name="Kind">Which target this is.</param>
/// <param name="Endpoint">How clients call it.</param>
/// <param name="MeasuredPid">The process whose memory and CPU are reported: the server itself, nginx's worker, node.</param>
/// <param name="Owned">The process to stop when done; null for the upstream measured directly, which outlives it.</param>
/// <param name="Logs">Files the target writes its warnings and errors to: lines added while it is measured are reported.</param>
internal sealed record RunningTarget(TargetKind Kind, TargetEndpoint Endpoint, int MeasuredPid, ChildProcess? Owned, ImmutableArray<string> Logs)
    : IAsyncDisposable
{
    /// <summary>How many lines each log holds now.</summary>
    public int[] LogLineCounts() => [.. Logs.Select(CountLines)];

    /// <summary>The lines added to the logs since <paramref name="before"/> was taken: how many, and the first of them.</summary>
    public (int Added, string? First) LogLinesSince(int[] before)
    {
        var added = 0;
        string? first = null;
        for (var i = 0; i < Logs.Length; i++)
        {
            var lines = ReadLines(Logs[i]);
            if (lines.Length > before[i])
            {
                added += lines.Length - before[i];
                first ??= lines[before[i]];
            }
        }

        return (added, first);
    }

    public async ValueTask DisposeAsync()
    {
        if (Owned is not null)
        {
            await Owned.DisposeAsync();
        }
    }

    private static int CountLines(string path) => ReadLines(path).Length;

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return [];
        }
    }
}
