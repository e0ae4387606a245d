using System.Collections.Immutable;

namespace Switchyard.Gateway.Economics.Tco;

/// <summary>
/// The total cost of ownership of an API strategy against a self-hosted one: annual costs, savings and the break-even
/// volume. Pure functions of their inputs; every formula is written out in this folder's README.md.
/// </summary>
internal static class TcoCalculator
{
    /// <summary>Days in the year every annual figure counts (leap days ignored, as the seed analyses do).</summary>
    public const decimal DaysPerYear = 365;

    /// <summary>A month is a twelfth of a year, so that monthly × 12 is exactly the annual figure.</summary>
    public const decimal MonthsPerYear = 12;

    /// <summary>The name of the all-API strategy in reports.</summary>
    public const string ApiStrategy = "API";

    /// <summary>The name of the self-hosted strategy in reports.</summary>
    public const string SelfHostedStrategy = "Self-hosted";

    /// <summary>Both strategies at the volume (when there is one) and the break-even volume.</summary>
    public static TcoResult Calculate(TcoInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        StrategyCost? api = null;
        StrategyCost? selfHosted = null;
        if (inputs.Volume is { } volume)
        {
            api = Strategy(ApiStrategy, ApiInference(inputs.Api, volume), inputs.ApiOverheads);
            var sets = inputs.SelfHosted.SetsFor(volume.TokensPerDay);
            selfHosted = Strategy(SelfHostedStrategy, sets * inputs.SelfHosted.CostPerSetPerYear, inputs.SelfHostedOverheads, sets);
        }

        return new TcoResult
        {
            Inputs = inputs,
            Api = api,
            SelfHosted = selfHosted,
            BreakEvenTokensPerDay = BreakEvenTokensPerDay(inputs),
        };
    }

    /// <summary>The comparison table from inference costs given as annual amounts rather than derived from a volume.</summary>
    public static (StrategyCost Api, StrategyCost SelfHosted) Compare(decimal apiInference, AnnualOverheads apiOverheads, decimal selfHostedInference, AnnualOverheads selfHostedOverheads)
        => (Strategy(ApiStrategy, apiInference, apiOverheads), Strategy(SelfHostedStrategy, selfHostedInference, selfHostedOverheads));

    /// <summary>API fees a year: input tokens × input price + output tokens × output price.</summary>
    public static decimal ApiInference(ApiPricing pricing, TokenVolume volume)
        => pricing.CostOf(volume.InputTokensPerYear, volume.OutputTokensPerYear);

    /// <summary>The API's total a year at a daily volume: 365 × volume × price per token + its overheads.</summary>
    public static decimal ApiAnnualCost(TcoInputs inputs, decimal tokensPerDay)
        => (DaysPerYear * tokensPerDay * inputs.Api.PerToken(inputs.EffectiveInputShare)) + inputs.ApiOverheads.Total;

    /// <summary>Self-hosting's total a year at a daily volume: GPU sets × cost per set + its overheads.</summary>
    public static decimal SelfHostedAnnualCost(TcoInputs inputs, decimal tokensPerDay)
        => inputs.SelfHosted.AnnualCost(tokensPerDay) + inputs.SelfHostedOverheads.Total;

    /// <summary>
    /// The smallest daily volume V at which self-hosting costs no more than the API, or <see langword="null"/> when no
    /// volume does. Solved in closed form, one GPU-set step at a time: see README.md, "Break-even".
    /// </summary>
    public static decimal? BreakEvenTokensPerDay(TcoInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        // API(V) = a·V + A with a = 365 · price per token; self(V) = k·S + B on the k-th step ((k-1)·C, k·C].
        var a = DaysPerYear * inputs.Api.PerToken(inputs.EffectiveInputShare);
        var fixedApi = inputs.ApiOverheads.Total;
        var fixedSelf = inputs.SelfHostedOverheads.Total;
        var perSet = inputs.SelfHosted.CostPerSetPerYear;

        if (perSet + fixedSelf <= fixedApi)
        {
            return 0;
        }

        if (a <= 0)
        {
            // A free API is never beaten by a self-hosted model that costs anything.
            return null;
        }

        if (inputs.SelfHosted.CapacityPerSetPerDay is not { } capacity)
        {
            // One set serves every volume: self-hosting is flat, the API a line; they cross once.
            return (perSet + fixedSelf - fixedApi) / a;
        }

        // On step k self-hosting costs k·S + B; it can meet the API by the step's end (V = k·C) only if
        // k·S + B <= a·k·C + A, that is k·(a·C - S) >= B - A.
        long step;
        if (perSet + fixedSelf <= (a * capacity) + fixedApi)
        {
            step = 1;
        }
        else
        {
            var marginPerSet = (a * capacity) - perSet;
            if (marginPerSet <= 0)
            {
                // Each set costs at least what the API charges for the tokens it serves: the gap never closes.
                return null;
            }

            step = (long)decimal.Ceiling((fixedSelf - fixedApi) / marginPerSet);
        }

        var crossing = ((step * perSet) + fixedSelf - fixedApi) / a;
        // On step k >= 2 self-hosting costs more than on step k-1, which lost at its end, so the crossing is past the start.
        var stepStart = (step - 1) * capacity;
        return Math.Max(crossing, stepStart);
    }

    /// <summary>
    /// Both strategies' annual cost from no volume to <paramref name="maxTokensPerDay"/>: the API as a line, self-hosting as
    /// steps (two points at each volume where a set is added), with at most <paramref name="maxSteps"/> steps drawn exactly.
    /// </summary>
    public static ImmutableArray<CostCurve> Curves(TcoInputs inputs, decimal maxTokensPerDay, int maxSteps = 200)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokensPerDay);
        var api = ImmutableArray.Create(
            new CostPoint(0, ApiAnnualCost(inputs, 0)),
            new CostPoint(maxTokensPerDay, ApiAnnualCost(inputs, maxTokensPerDay)));

        var self = ImmutableArray.CreateBuilder<CostPoint>();
        var capacity = inputs.SelfHosted.CapacityPerSetPerDay;
        var steps = inputs.SelfHosted.SetsFor(maxTokensPerDay);
        if (capacity is not { } perSet || steps > maxSteps)
        {
            // Flat, or too many steps to tell apart on a chart: sample evenly instead.
            var samples = capacity is null ? 1 : maxSteps * 2;
            for (var i = 0; i <= samples; i++)
            {
                var volume = maxTokensPerDay * i / samples;
                self.Add(new CostPoint(volume, SelfHostedAnnualCost(inputs, volume)));
            }
        }
        else
        {
            for (long k = 1; k <= steps; k++)
            {
                var cost = (k * inputs.SelfHosted.CostPerSetPerYear) + inputs.SelfHostedOverheads.Total;
                self.Add(new CostPoint((k - 1) * perSet, cost));
                self.Add(new CostPoint(Math.Min(k * perSet, maxTokensPerDay), cost));
            }
        }

        return [new CostCurve(ApiStrategy, api), new CostCurve(SelfHostedStrategy, self.ToImmutable())];
    }

    private static StrategyCost Strategy(string name, decimal inference, AnnualOverheads overheads, long? sets = null)
        => new(name, inference, overheads.FineTuning, overheads.Engineering, sets);
}
