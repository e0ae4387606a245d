using System.Globalization;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Economics;

/// <summary>
/// What one deployment's tokens cost, in US dollars per million tokens, and where the figure comes from. A self-hosted
/// deployment's price is its hardware's cost spread over the tokens it serves: at its configured capacity,
/// <c>hourly cost / (tokens_per_second × utilisation × 3600) × 10^6</c>, or at the throughput it was measured to serve
/// (<see cref="Measured"/>); the same for input and output tokens.
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

    /// <summary>What a self-hosted deployment's hardware costs an hour: <c>monthly</c> over <see cref="HoursPerMonth"/>, or <c>gpu_hour</c> × <c>gpus</c>.</summary>
    public static double Hourly(PricingConfig hardware)
        => hardware.Monthly is { } monthly ? monthly / HoursPerMonth : (hardware.GpuHour ?? 0) * hardware.Gpus;

    /// <summary>The hardware in words: <c>1 GPU × $2.5 an hour</c>, <c>$1800 a month</c>.</summary>
    public static string Hardware(PricingConfig hardware) => hardware.Monthly is { } monthly
        ? string.Create(CultureInfo.InvariantCulture, $"${monthly:0.##} a month")
        : string.Create(CultureInfo.InvariantCulture, $"{hardware.Gpus} GPU × ${hardware.GpuHour:0.###} an hour");

    /// <summary>
    /// The price of a self-hosted deployment on the measured basis (<c>basis: measured</c>), when it served
    /// <paramref name="tokens"/> tokens (input and output, every call) in the trailing <c>window</c>:
    /// <c>hourly cost / (3600 × max(tokens / window seconds, tokens_per_second × min_utilisation)) × 10^6</c> per million
    /// tokens, the same for every kind of token. The floor keeps an idle deployment's price finite: at most
    /// 1 / <c>min_utilisation</c> times its price at full load.
    /// </summary>
    public static DeploymentPrice Measured(PricingConfig hardware, long tokens)
    {
        var served = tokens / hardware.Window.TotalSeconds;
        var floor = hardware.TokensPerSecond!.Value * hardware.MinUtilisation;
        var perMillion = Hourly(hardware) / (Math.Max(served, floor) * 3600) * 1e6;
        var window = hardware.Window.TotalMinutes % 60 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hardware.Window.TotalHours:0.#} h")
            : string.Create(CultureInfo.InvariantCulture, $"{hardware.Window.TotalMinutes:0} min");
        var source = served >= floor
            ? string.Create(CultureInfo.InvariantCulture, $"measured: {Hardware(hardware)} over the {tokens:N0} tokens served in the last {window} ({served:0.###} tokens/s) = ${perMillion:0.####} per million tokens")
            : string.Create(CultureInfo.InvariantCulture, $"measured: {Hardware(hardware)}; {tokens:N0} tokens served in the last {window} ({served:0.###} tokens/s) is below the floor of {floor:0.###} tokens/s ({hardware.MinUtilisation * 100:0.#}% of {hardware.TokensPerSecond:0.#}) = ${perMillion:0.####} per million tokens");
        return new DeploymentPrice(perMillion, perMillion, perMillion, perMillion, source);
    }

    /// <summary>
    /// The price a deployment's configuration gives it, or <see langword="null"/> when it is not costed: its own
    /// <c>pricing:</c>; for an external deployment without one, its model's price in <paramref name="prices"/> (the
    /// configuration's <c>prices:</c>) or else in the built-in catalog.
    /// </summary>
    public static DeploymentPrice? For(DeploymentConfig deployment, IReadOnlyList<ModelPriceConfig>? prices = null)
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
            if (hardware.Basis == PricingBasis.Measured)
            {
                // Until traffic is measured, the price at the least throughput it assumes: the dearest it can be.
                return Measured(hardware, 0);
            }

            var perMillion = Hourly(hardware) / (rate * hardware.Utilisation * 3600) * 1e6;
            var source = string.Create(CultureInfo.InvariantCulture,
                $"{Hardware(hardware)} over {rate:0.#} tokens/s at {hardware.Utilisation * 100:0.#}% utilisation = ${perMillion:0.####} per million tokens");
            return new DeploymentPrice(perMillion, perMillion, perMillion, perMillion, source);
        }

        return deployment.Hosting == Hosting.External ? Listed(deployment.Model, prices) : null;
    }

    /// <summary>
    /// The price of a model by name: the configuration's <c>prices:</c> entry for it when there is one, else the built-in
    /// catalog's dated list price; names match after <see cref="PriceCatalog.Normalise"/>.
    /// </summary>
    public static DeploymentPrice? Listed(string model, IReadOnlyList<ModelPriceConfig>? prices)
    {
        var name = PriceCatalog.Normalise(model);
        foreach (var price in prices ?? [])
        {
            if (PriceCatalog.Normalise(price.Model) == name)
            {
                var source = $"prices: {price.Model} in the configuration" + (price.Checked is { } on ? $", checked {on:yyyy-MM-dd}" : "");
                return new DeploymentPrice(price.Input, price.Output, price.CachedInput ?? price.Input, price.Reasoning ?? price.Output, source);
            }
        }

        return PriceCatalog.TryFind(model, out var entry)
            ? new DeploymentPrice(entry.Input, entry.Output, entry.CachedInput, entry.Output, $"catalog: {entry.Model} list price, checked {entry.CheckedOn:yyyy-MM-dd}")
            : null;
    }
}
