using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>deployments.NAME.pricing</c>: API prices per million tokens, or a self-hosted deployment's hardware cost.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] PricingKeys = ["input", "output", "cached_input", "reasoning", "gpu_hour", "gpus", "monthly", "tokens_per_second", "utilisation", "basis", "window", "min_utilisation"];
    private static readonly (string Word, PricingBasis Value)[] PricingBases = [("capacity", PricingBasis.Capacity), ("measured", PricingBasis.Measured)];

    private const string PricingExample = "pricing: { input: 2.50, output: 10.00 } (dollars per million tokens), or for self-hosted pricing: { gpu_hour: 2.50, gpus: 1, tokens_per_second: 2500, utilisation: 0.6 }";

    /// <summary>Largest price accepted, in dollars per million tokens or per hour: beyond it is surely a unit mistake.</summary>
    private const double MaxPrice = 100_000;

    private PricingConfig? ReadPricing(Section deployment, Hosting hosting, ref bool ok)
    {
        var path = Join(deployment.Path, "pricing");
        if (Value(deployment, "pricing") is not { } node || IsNull(node))
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } word })
        {
            if (word.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                return new PricingConfig { None = true };
            }

            Error(node, path, $"expected a mapping or 'none' but found '{Truncate(word)}'. Write {PricingExample}.");
            ok = false;
            return null;
        }

        if (ReadSection(node, path, deployment.Entries["pricing"].Key.Start, PricingKeys, PricingExample) is not { } section)
        {
            ok = false;
            return null;
        }

        double input = -1, output = -1, cached = -1, reasoning = -1, gpuHour = -1, monthly = -1, rate = -1, utilisation = 1, minUtilisation = 0.05;
        var gpus = 1;
        var basis = PricingBasis.Capacity;
        var window = TimeSpan.FromHours(1);
        var good = TryReadNumber(section, "input", 0, MaxPrice, ref input)
            & TryReadNumber(section, "output", 0, MaxPrice, ref output)
            & TryReadNumber(section, "cached_input", 0, MaxPrice, ref cached)
            & TryReadNumber(section, "reasoning", 0, MaxPrice, ref reasoning)
            & TryReadNumber(section, "gpu_hour", 0, MaxPrice, ref gpuHour)
            & TryReadInt(section, "gpus", 1, 4096, "It is how many GPUs the deployment's server runs on.", ref gpus)
            & TryReadNumber(section, "monthly", 0, 100 * MaxPrice, ref monthly)
            & TryReadNumber(section, "tokens_per_second", 0.001, 1e9, ref rate)
            & TryReadRatio(section, "utilisation", ref utilisation)
            & TryReadChoice(section, "basis", PricingBases, ref basis)
            & TryReadDuration(section, "window", ref window)
            & TryReadRatio(section, "min_utilisation", ref minUtilisation);
        if (!good)
        {
            ok = false;
            return null;
        }

        var perToken = input >= 0 || output >= 0 || cached >= 0 || reasoning >= 0;
        var measuredKeys = Value(section, "basis") is not null || Value(section, "window") is not null || Value(section, "min_utilisation") is not null;
        var hardware = gpuHour >= 0 || monthly >= 0 || rate >= 0 || Value(section, "gpus") is not null || Value(section, "utilisation") is not null || measuredKeys;
        string? problem = null;
        if (perToken && hardware)
        {
            problem = "mixes prices per token (input, output, cached_input, reasoning) with a hardware cost (gpu_hour, gpus, monthly, tokens_per_second, utilisation). Use one or the other";
        }
        else if (perToken && (input < 0 || output < 0))
        {
            problem = $"needs both input and output prices (dollars per million tokens){(input < 0 ? ": input is missing" : ": output is missing")}";
        }
        else if (hardware && gpuHour >= 0 && monthly >= 0)
        {
            problem = "has both gpu_hour and monthly. Give the hardware's cost one way";
        }
        else if (hardware && (gpuHour < 0 && monthly < 0))
        {
            problem = "needs the hardware's cost: gpu_hour (dollars per GPU per hour, with gpus) or monthly (dollars per month)";
        }
        else if (hardware && rate < 0)
        {
            problem = basis == PricingBasis.Measured
                ? "needs tokens_per_second: the tokens the server serves per second at full load (with basis: measured, min_utilisation of it is the least throughput the price assumes)"
                : "needs tokens_per_second: the tokens the server serves per second at full load, over which its cost is spread";
        }
        else if (basis == PricingBasis.Measured && Value(section, "utilisation") is not null)
        {
            problem = "gives utilisation with basis: measured. The measured basis spreads the cost over the tokens really served; min_utilisation sets the least throughput it assumes. Remove utilisation, or use basis: capacity";
        }
        else if (basis == PricingBasis.Capacity && (Value(section, "window") is not null || Value(section, "min_utilisation") is not null))
        {
            problem = "gives window or min_utilisation, which only apply to basis: measured. Add basis: measured, or remove them";
        }
        else if (basis == PricingBasis.Measured && (window < TimeSpan.FromMinutes(5) || window > TimeSpan.FromHours(24) || window.Ticks % TimeSpan.TicksPerMinute != 0))
        {
            problem = $"has window {window}: the measured throughput is taken over whole minutes, from 5m to 24h. Write window: 1h";
        }
        else if (!perToken && !hardware)
        {
            problem = "is empty";
        }

        if (problem is not null)
        {
            Error(node, path, $"{problem}. Write {PricingExample}.");
            ok = false;
            return null;
        }

        if (hardware && hosting == Hosting.External)
        {
            Error(node, path, "gives a hardware cost, but the deployment is hosting: external (an API billed per token). Give input and output prices, or set hosting: self-hosted.");
            ok = false;
            return null;
        }

        return perToken
            ? new PricingConfig { Input = input, Output = output, CachedInput = cached >= 0 ? cached : null, Reasoning = reasoning >= 0 ? reasoning : null }
            : new PricingConfig
            {
                GpuHour = gpuHour >= 0 ? gpuHour : null,
                Gpus = gpus,
                Monthly = monthly >= 0 ? monthly : null,
                TokensPerSecond = rate,
                Utilisation = utilisation,
                Basis = basis,
                Window = window,
                MinUtilisation = minUtilisation,
            };
    }
}
