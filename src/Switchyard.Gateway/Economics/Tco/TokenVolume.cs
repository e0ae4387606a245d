namespace Switchyard.Gateway.Economics.Tco;

/// <summary>
/// How many tokens the workload uses, kept per year so that both "per day × 365" and "per month × 12" stay exact, and
/// which fraction of them are input (prompt) tokens.
/// </summary>
internal sealed record TokenVolume
{
    private TokenVolume(decimal tokensPerYear, decimal inputShare, decimal? tokensPerCall)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokensPerYear);
        if (inputShare is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(inputShare), inputShare, "The input share is a fraction between 0 and 1.");
        }

        TokensPerYear = tokensPerYear;
        InputShare = inputShare;
        TokensPerCall = tokensPerCall;
    }

    /// <summary>Input and output tokens in a year.</summary>
    public decimal TokensPerYear { get; }

    /// <summary>The fraction of the tokens that are input tokens, in [0, 1].</summary>
    public decimal InputShare { get; }

    /// <summary>Tokens per call when the volume was given as calls, otherwise <see langword="null"/>.</summary>
    public decimal? TokensPerCall { get; }

    /// <summary>Tokens a day: <see cref="TokensPerYear"/> / 365.</summary>
    public decimal TokensPerDay => TokensPerYear / TcoCalculator.DaysPerYear;

    /// <summary>Input tokens in a year.</summary>
    public decimal InputTokensPerYear => TokensPerYear * InputShare;

    /// <summary>Output tokens in a year.</summary>
    public decimal OutputTokensPerYear => TokensPerYear - InputTokensPerYear;

    /// <summary>Calls a month when the volume was given as calls, otherwise <see langword="null"/>.</summary>
    public decimal? CallsPerMonth => TokensPerCall is { } perCall && perCall > 0 ? TokensPerYear / TcoCalculator.MonthsPerYear / perCall : null;

    /// <summary>A volume of <paramref name="tokensPerDay"/> tokens a day, every day of the year.</summary>
    public static TokenVolume PerDay(decimal tokensPerDay, decimal inputShare)
        => new(tokensPerDay * TcoCalculator.DaysPerYear, inputShare, tokensPerCall: null);

    /// <summary>A volume of calls a month, each using <paramref name="tokensPerCall"/> tokens.</summary>
    public static TokenVolume FromCalls(decimal callsPerMonth, decimal tokensPerCall, decimal inputShare)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(callsPerMonth);
        ArgumentOutOfRangeException.ThrowIfNegative(tokensPerCall);
        return new(callsPerMonth * tokensPerCall * TcoCalculator.MonthsPerYear, inputShare, tokensPerCall);
    }
}
