namespace Switchyard.Gateway.Economics.Tco;

/// <summary>What an API charges, in dollars per million tokens, for prompt (input) and completion (output) tokens.</summary>
/// <param name="InputPerMillion">Dollars per million input tokens.</param>
/// <param name="OutputPerMillion">Dollars per million output tokens.</param>
internal sealed record ApiPricing(decimal InputPerMillion, decimal OutputPerMillion)
{
    private const decimal Million = 1_000_000m;

    /// <summary>One price for every token, as the seed analyses quote it ("$5 per million tokens").</summary>
    public static ApiPricing Blended(decimal perMillion) => new(perMillion, perMillion);

    /// <summary>Whether input and output tokens cost the same, so the input share does not matter.</summary>
    public bool IsBlended => InputPerMillion == OutputPerMillion;

    /// <summary>Dollars per token of a mix whose fraction <paramref name="inputShare"/> is input tokens.</summary>
    public decimal PerToken(decimal inputShare)
        => ((inputShare * InputPerMillion) + ((1 - inputShare) * OutputPerMillion)) / Million;

    /// <summary>Dollars for the given token counts.</summary>
    public decimal CostOf(decimal inputTokens, decimal outputTokens)
        => ((inputTokens * InputPerMillion) + (outputTokens * OutputPerMillion)) / Million;
}
