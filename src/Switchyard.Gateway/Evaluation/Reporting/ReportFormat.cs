using System.Globalization;
using Switchyard.Gateway.Evaluation.Statistics;

namespace Switchyard.Gateway.Evaluation.Reporting;

/// <summary>How the report's writers show numbers, so the table, Markdown and HTML read the same.</summary>
internal static class ReportFormat
{
    /// <summary><c>85.0% [71.2–93.1]</c>.</summary>
    public static string Percent(Interval interval)
        => string.Create(CultureInfo.InvariantCulture, $"{interval.Estimate * 100:0.0}% [{interval.Low * 100:0.0}–{interval.High * 100:0.0}]");

    /// <summary><c>0.850 [0.71–0.93]</c>.</summary>
    public static string Score(Interval interval)
        => string.Create(CultureInfo.InvariantCulture, $"{interval.Estimate:0.000} [{interval.Low:0.00}–{interval.High:0.00}]");

    public static string Milliseconds(double? ms) => ms is { } value ? value.ToString(value >= 100 ? "N0" : "0.0", CultureInfo.InvariantCulture) : "-";

    public static string Tokens(double? tokens) => tokens is { } value ? value.ToString("N0", CultureInfo.InvariantCulture) : "-";

    /// <summary>Dollars with enough places to tell small costs apart: <c>$1.23</c>, <c>$0.0042</c>; <c>-</c> when unknown.</summary>
    public static string Dollars(decimal? dollars, bool estimated = false)
    {
        if (dollars is not { } value)
        {
            return "-";
        }

        var text = value >= 1 || value == 0 ? value.ToString("N2", CultureInfo.InvariantCulture) : value.ToString("0.######", CultureInfo.InvariantCulture);
        return "$" + text + (estimated ? " (est.)" : "");
    }

    public static string Ratio(double? ratio) => ratio is { } r ? string.Create(CultureInfo.InvariantCulture, $"{(r >= 1 ? "+" : "")}{(r - 1) * 100:0}%") : "-";

    public static string PValue(double p) => p < 0.001 ? "<0.001" : p.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>What a run is in one line: its suite, size, when, and whether it is whole.</summary>
    public static string Describe(EvalReport report)
    {
        var run = report.Run;
        var partial = run.Partial
            ? string.Create(CultureInfo.InvariantCulture, $"; PARTIAL ({run.Status}): {report.Recorded} of {report.Expected} trials")
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"suite {run.SuiteName} (sha256 {run.SuiteHash[..12]}), {run.Cases} cases x {run.Models.Count} models x {run.Repeats} repeat{(run.Repeats == 1 ? "" : "s")}, started {run.Started.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC{(run.Target is null ? "" : " against " + run.Target)}{partial}");
    }

    public const string Method = "Pass rate: Wilson 95% interval over trials (errors count as failures). Mean score: Student's t 95% interval over the cases' means. Latency and time to first token over answered trials; cost per 1,000 cases from the gateway's x-switchyard-cost.";
}
