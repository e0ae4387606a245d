namespace Switchyard.Registry.Bom;

/// <summary>The weight scan a model's approval rests on.</summary>
/// <param name="Scanner">The scanner's name, e.g. <c>switchyard</c> or <c>modelaudit</c>.</param>
/// <param name="ScannerVersion">The scanner's version: a re-scan is due when it changes.</param>
/// <param name="At">When the scan ran.</param>
/// <param name="Verdict">The outcome, e.g. <c>clean</c>, <c>accepted</c> or <c>blocked</c>.</param>
/// <param name="Findings">How many findings the scan reported.</param>
/// <param name="AcceptedReason">Why the findings were accepted, when they were.</param>
public sealed record BomScan(string Scanner, string ScannerVersion, DateTimeOffset At, string Verdict, int Findings, string? AcceptedReason);
