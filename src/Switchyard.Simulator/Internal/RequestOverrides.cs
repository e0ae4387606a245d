using System.Globalization;
using Microsoft.AspNetCore.Http;
using Switchyard.Simulator.Faults;
using Switchyard.Simulator.Generation;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Internal;

/// <summary>
/// Per-request controls sent as headers, so a test can shape one request without reconfiguring the host:
/// <c>x-sim-fault</c>, <c>x-sim-ttft-ms</c>, <c>x-sim-tokens-per-second</c>, <c>x-sim-fault-delay-ms</c>,
/// <c>x-sim-retry-after</c> and <c>x-sim-force-quality</c>.
/// </summary>
internal readonly record struct RequestOverrides(
    SimulatorFault Fault,
    double? TimeToFirstTokenMs,
    double? TokensPerSecond,
    double? FaultDelayMs,
    int? RetryAfterSeconds,
    QualityOverride Quality)
{
    public const string FaultHeader = "x-sim-fault";
    public const string TimeToFirstTokenHeader = "x-sim-ttft-ms";
    public const string TokensPerSecondHeader = "x-sim-tokens-per-second";
    public const string FaultDelayHeader = "x-sim-fault-delay-ms";
    public const string RetryAfterHeader = "x-sim-retry-after";
    public const string ForceQualityHeader = "x-sim-force-quality";

    public static bool TryParse(IHeaderDictionary headers, out RequestOverrides overrides, out RequestError error)
    {
        overrides = default;
        error = default;
        var fault = SimulatorFault.None;
        if (headers.TryGetValue(FaultHeader, out var faultValue) && !FaultNames.TryParse(faultValue.ToString(), out fault))
        {
            error = RequestError.InvalidValue(FaultHeader, $"Unknown simulator fault '{faultValue}' in header {FaultHeader}. Valid faults: {FaultNames.ValidNames}.");
            return false;
        }

        if (!TryNumber(headers, TimeToFirstTokenHeader, out var ttft, ref error)
            || !TryNumber(headers, TokensPerSecondHeader, out var tps, ref error)
            || !TryNumber(headers, FaultDelayHeader, out var delay, ref error)
            || !TryNumber(headers, RetryAfterHeader, out var retryAfter, ref error))
        {
            return false;
        }

        var quality = QualityOverride.None;
        if (headers.TryGetValue(ForceQualityHeader, out var qualityValue))
        {
            quality = qualityValue.ToString().Trim().ToLowerInvariant() switch
            {
                "good" => QualityOverride.Good,
                "bad" => QualityOverride.Bad,
                "bad:refusal" => QualityOverride.Refusal,
                "bad:truncated" => QualityOverride.Truncated,
                "bad:empty" => QualityOverride.Empty,
                "bad:invalid_json" => QualityOverride.InvalidJson,
                "bad:wrong" => QualityOverride.Wrong,
                _ => QualityOverride.None,
            };
            if (quality == QualityOverride.None)
            {
                error = RequestError.InvalidValue(ForceQualityHeader, $"Invalid value '{qualityValue}' in header {ForceQualityHeader}. Use good, bad, bad:refusal, bad:truncated, bad:empty, bad:invalid_json or bad:wrong.");
                return false;
            }
        }

        overrides = new RequestOverrides(fault, ttft, tps, delay, retryAfter is { } r ? (int)Math.Ceiling(r) : null, quality);
        return true;
    }

    private static bool TryNumber(IHeaderDictionary headers, string name, out double? value, ref RequestError error)
    {
        value = null;
        if (!headers.TryGetValue(name, out var raw))
        {
            return true;
        }

        var text = raw.ToString().Trim();
        if (text.Equals("inf", StringComparison.OrdinalIgnoreCase) || text.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = double.PositiveInfinity;
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= 0 && !double.IsNaN(number))
        {
            value = number;
            return true;
        }

        error = RequestError.InvalidValue(name, $"Invalid value '{text}' in header {name}: expected a number >= 0.");
        return false;
    }
}
