using Switchyard.Bench.Load;

namespace Switchyard.Bench.Reporting;

/// <summary>One measured wrk run against one target, with what the target's process used meanwhile.</summary>
/// <param name="Connections">The connections wrk kept open.</param>
/// <param name="Wrk">What wrk reported; null when the run failed.</param>
/// <param name="CpuPercent">CPU time of the measured process over the run's wall time (100 = one core busy).</param>
/// <param name="PeakRssMb">The measured process's peak resident memory (VmHWM) right after the run.</param>
/// <param name="ForeignCpuPercent">CPU used meanwhile by processes this harness did not start, in % of one core.</param>
/// <param name="Error">Why there is no <paramref name="Wrk"/> result.</param>
internal sealed record LoadRun(int Connections, WrkResult? Wrk, double? CpuPercent, double? PeakRssMb, double? ForeignCpuPercent, string? Error);
