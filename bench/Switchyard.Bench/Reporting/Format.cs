using System.Globalization;

namespace Switchyard.Bench.Reporting;

/// <summary>How the report writes numbers: enough digits to compare sub-millisecond latencies, no more.</summary>
internal static class Format
{
    public const string Missing = "-";

    public static string Milliseconds(double? ms) => ms switch
    {
        null => Missing,
        double.NaN => Missing,
        < 10 => ms.Value.ToString("0.000", CultureInfo.InvariantCulture),
        < 100 => ms.Value.ToString("0.00", CultureInfo.InvariantCulture),
        _ => ms.Value.ToString("0.0", CultureInfo.InvariantCulture),
    };

    /// <summary>A difference in milliseconds, always signed.</summary>
    public static string Added(double? ms) => ms is null || double.IsNaN(ms.Value)
        ? Missing
        : (ms.Value < 0 ? "-" : "+") + Milliseconds(Math.Abs(ms.Value));

    public static string Rate(double? perSecond) => perSecond is null ? Missing : perSecond.Value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Megabytes(double? mb) => mb is null ? Missing : mb.Value.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Percent(double? percent) => percent is null ? Missing : percent.Value.ToString("0", CultureInfo.InvariantCulture);

    public static string Ratio(double? ratio) => ratio is null or double.NaN ? Missing : ratio.Value.ToString("0.00", CultureInfo.InvariantCulture) + "x";

    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);
}
