using Switchyard.Bench.Streaming;
using Switchyard.Bench.Targets;

namespace Switchyard.Bench.Reporting;

/// <summary>Everything measured for one target in one run of the harness.</summary>
internal sealed class TargetResult(TargetKind kind)
{
    public TargetKind Kind { get; } = kind;

    /// <summary>Why the target could not be measured at all (it did not start, or did not answer).</summary>
    public string? StartError { get; set; }

    public List<LoadRun> Runs { get; } = [];

    public TtftResult? Ttft { get; set; }

    public string? TtftError { get; set; }

    /// <summary>Peak resident memory of the measured process after all its runs, streams included.</summary>
    public double? PeakRssMb { get; set; }

    /// <summary>Resident memory right after warm-up and after everything: a large rise hints at growth under load.</summary>
    public double? RssAfterWarmupMb { get; set; }

    public double? RssAtEndMb { get; set; }

    /// <summary>Things a reader must know to trust the numbers (workarounds, warm-up errors).</summary>
    public List<string> Notes { get; } = [];

    public LoadRun? Run(int connections) => Runs.Find(r => r.Connections == connections);
}
