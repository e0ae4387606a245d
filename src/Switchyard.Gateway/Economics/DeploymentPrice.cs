using System.Globalization;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Economics;

/// <summary>
/// What one deployment's tokens cost, in US dollars per million tokens, and where the figure comes from. A self-hosted
/// deployment's price is its hardware's cost spread over the tokens it serves:
/// <c>hourly cost / (tokens_per_second × utilisation × 3600) × 10^6</c>, the same for input and output tokens.
/// </summary>
/// <param name="Input">Dollars per million input tokens.</param>
/// <param name="Output">Dollars per million output tokens.</param>
/// <param name="CachedInput">Dollars per million input tokens read from a prompt cache.</param>
/// <param name="Reasoning">Dollars per million reasoning tokens (counted within the output tokens).</param>
/// <param name="Source">Where the price comes from, in words (<c>configured</c>, <c>catalog: gpt-4o list price, 2025-11-30</c>, the hardware formula).</param>
public sealed record DeploymentPrice(double Input, double Output, double CachedInput, double Reasoning, string Source)
{
    /// <summary>Hours in an average month (365.25 × 24 / 12).</summary>
    public const double HoursPerMonth = 730.5;

    /// <summary>The cost in dollars of one call's tokens.</summary>
    public double Cost(int inputTokens, int outputTokens, int cachedTokens = 0, int reasoningTokens = 0)
    {
        var cached = Math.Clamp(cachedTokens, 0, Math.Max(inputTokens, 0));
        var reasoning = Math.Clamp(reasoningTokens, 0, Math.Max(outputTokens, 0));
        return (((double)(inputTokens - cached) * Input) + (cached * CachedInput) + ((double)(outputTokens - reasoning) * Output) + (reasoning * Reasoning)) / 1e6;
    }

    /// <summary>The cost in dollars of the tokens in <paramref name="usage"/>.</summary>
    internal double Cost(Forwarding.Usage usage) => Cost(usage.PromptTokens, usage.CompletionTokens, usage.CachedTokens, usage.ReasoningTokens);

    /// <summary>The price a deployment's configuration gives it, or <see langword="null"/> when it is not costed.</summary>
    public static DeploymentPrice? For(DeploymentConfig deployment)
    {
        if (deployment.Pricing is { None: true })
        {
            return null;
        }

        if (deployment.Pricing is { IsPerToken: true } perToken)
        {
            var input = perToken.Input ?? 0;
            var output = perToken.Output ?? 0;
            return new DeploymentPrice(input, output, perToken.CachedInput ?? input, perToken.Reasoning ?? output, "configured");
        }

        if (deployment.Pricing is { TokensPerSecond: { } rate } hardware && (hardware.GpuHour is not null || hardware.Monthly is not null))
        {
            var hourly = hardware.Monthly is { } monthly ? monthly / HoursPerMonth : hardware.GpuHour!.Value * hardware.Gpus;
            var perMillion = hourly / (rate * hardware.Utilisation * 3600) * 1e6;
            var cost = hardware.Monthly is { } m
                ? string.Create(CultureInfo.InvariantCulture, $"${m:0.##} a month")
                : string.Create(CultureInfo.InvariantCulture, $"{hardware.Gpus} GPU × ${hardware.GpuHour:0.###} an hour");
            var source = string.Create(CultureInfo.InvariantCulture,
                $"{cost} over {rate:0.#} tokens/s at {hardware.Utilisation * 100:0.#}% utilisation = ${perMillion:0.####} per million tokens");
            return new DeploymentPrice(perMillion, perMillion, perMillion, perMillion, source);
        }

        if (deployment.Hosting == Hosting.External && PriceCatalog.TryFind(deployment.Model, out var entry))
        {
            return new DeploymentPrice(entry.Input, entry.Output, entry.CachedInput, entry.Output, $"catalog: {entry.Model} list price, {PriceCatalog.CheckedOn}");
        }

        return null;
    }
}
