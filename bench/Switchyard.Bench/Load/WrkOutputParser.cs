using System.Globalization;
using System.Text.RegularExpressions;

namespace Switchyard.Bench.Load;

/// <summary>
/// Reads the report of <c>wrk --latency</c> (4.x). Durations come as <c>812.00us</c>, <c>1.23ms</c>, <c>2.01s</c>,
/// <c>1.50m</c> or <c>1.00h</c>: each is converted to milliseconds.
/// </summary>
internal static partial class WrkOutputParser
{
    /// <summary>Parses one report, or says what is missing from it.</summary>
    public static WrkResult Parse(int connections, string output)
    {
        var requests = Match(RequestsLine(), output, "the 'N requests in T' line");
        var rps = Match(RequestsPerSecondLine(), output, "the 'Requests/sec' line");
        var p50 = Match(PercentileLine("50"), output, "the 50% latency (was --latency passed?)");
        var p99 = Match(PercentileLine("99"), output, "the 99% latency (was --latency passed?)");

        long connect = 0, read = 0, write = 0, timeout = 0;
        var socket = SocketErrorsLine().Match(output);
        if (socket.Success)
        {
            connect = Long(socket.Groups["connect"].Value);
            read = Long(socket.Groups["read"].Value);
            write = Long(socket.Groups["write"].Value);
            timeout = Long(socket.Groups["timeout"].Value);
        }

        var non2xx = Non2xxLine().Match(output);
        return new WrkResult(
            connections,
            Long(requests.Groups[1].Value),
            double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture),
            ToMilliseconds(p50.Groups[1].Value, p50.Groups[2].Value),
            ToMilliseconds(p99.Groups[1].Value, p99.Groups[2].Value),
            non2xx.Success ? Long(non2xx.Groups[1].Value) : 0,
            connect,
            read,
            write,
            timeout);
    }

    /// <summary>A wrk duration in milliseconds.</summary>
    public static double ToMilliseconds(string number, string unit)
    {
        var value = double.Parse(number, CultureInfo.InvariantCulture);
        return unit switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            "m" => value * 60_000,
            "h" => value * 3_600_000,
            _ => throw new FormatException($"wrk printed a duration in an unknown unit: {number}{unit}"),
        };
    }

    private static Match Match(Regex regex, string output, string what)
    {
        var match = regex.Match(output);
        return match.Success ? match : throw new FormatException($"wrk's output lacks {what}:\n{output}");
    }

    private static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);

    private static Regex PercentileLine(string percent) => percent == "50" ? P50Line() : P99Line();

    [GeneratedRegex(@"^\s*(\d+) requests in ", RegexOptions.Multiline)]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"^Requests/sec:\s*([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RequestsPerSecondLine();

    [GeneratedRegex(@"^\s*50(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", RegexOptions.Multiline)]
    private static partial Regex P50Line();

    [GeneratedRegex(@"^\s*99(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", RegexOptions.Multiline)]
    private static partial Regex P99Line();

    [GeneratedRegex(@"Socket errors: connect (?<connect>\d+), read (?<read>\d+), write (?<write>\d+), timeout (?<timeout>\d+)")]
    private static partial Regex SocketErrorsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xxLine();
}
