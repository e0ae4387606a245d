using Switchyard.Simulator.Configuration;

namespace Switchyard.Simulator.Internal;

/// <summary>
/// The timing of one request, drawn once: time to first token and decoding speed (0 = instant), jitter applied, header
/// overrides taking precedence (and applied exactly, without jitter).
/// </summary>
internal readonly record struct LatencyPlan(TimeSpan TimeToFirstToken, double TokensPerSecond)
{
    public bool IsInstant => TimeToFirstToken <= TimeSpan.Zero && TokensPerSecond <= 0;

    public static LatencyPlan Create(ModelProfile model, in RequestOverrides overrides, SharedRandom random)
    {
        if (model.IsInstant && overrides.TimeToFirstTokenMs is null && overrides.TokensPerSecond is null)
        {
            return default;
        }

        var ttft = overrides.TimeToFirstTokenMs is { } ms
            ? TimeSpan.FromMilliseconds(ms)
            : model.TimeToFirstToken * random.JitterFactor(model.TimeToFirstTokenJitter);
        var tps = overrides.TokensPerSecond ?? model.TokensPerSecond * random.JitterFactor(model.TokensPerSecondJitter);
        if (double.IsPositiveInfinity(tps))
        {
            tps = 0;
        }

        return new LatencyPlan(ttft, tps);
    }

    /// <summary>The time to decode <paramref name="tokens"/> tokens.</summary>
    public TimeSpan ForTokens(int tokens) => TokensPerSecond <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(tokens / TokensPerSecond);
}
