using Switchyard.Gateway.Economics.Tco;

namespace Switchyard.Gateway.Tests.Economics.Tco;

/// <summary>The seed analyses' claims, reproduced from their inputs; every expectation is worked out by hand in its comment.</summary>
public sealed class TcoCalculatorTests
{
    // 1 reserved GPU at $2.50/h: 2.5 × 24 × 365 = $21,900 a year; 2,500 tokens/s at 60%: 2,500 × 0.6 × 86,400 = 129.6M tokens a day.
    private static readonly SelfHostedCost ReservedGpu = SelfHostedCost.Gpus(2.5m, gpus: 1, hoursPerDay: 24, tokensPerSecondPerGpu: 2500, utilisation: 0.6m);

    [Fact]
    public void Calculate_50MTokensADayAt5DollarsPerMillion_CostsAbout91kAYear()
    {
        var result = TcoCalculator.Calculate(new TcoInputs
        {
            Api = ApiPricing.Blended(5),
            Volume = TokenVolume.PerDay(50_000_000, inputShare: 1),
            SelfHosted = ReservedGpu,
        });

        // 50M × 365 = 18.25B tokens a year; × $5 / 1M = $91,250.
        Assert.Equal(91_250m, result.Api!.Total);
        Assert.Equal(91_250m / 12, result.Api.Monthly);
        Assert.Equal(21_900m, result.SelfHosted!.Total);
        Assert.Equal(1, result.SelfHosted.GpuSets);
        Assert.Equal(69_350m, result.AnnualSavings);
        // $21,900 = 365 × V × $5/1M, so V = 21,900 / 0.001825 = 12,000,000 tokens a day.
        Assert.Equal(12_000_000m, result.BreakEvenTokensPerDay);
    }

    [Fact]
    public void SelfHostedCost_ReservedGpu_IsHourlyPriceTimes24Times365AndCapacityIsThroughputAtUtilisation()
    {
        Assert.Equal(21_900m, ReservedGpu.CostPerSetPerYear);
        Assert.Equal(129_600_000m, ReservedGpu.CapacityPerSetPerDay);
        // 129.6M is one set exactly; one token more needs a second.
        Assert.Equal(1, ReservedGpu.SetsFor(129_600_000));
        Assert.Equal(2, ReservedGpu.SetsFor(129_600_001));
        Assert.Equal(1, ReservedGpu.SetsFor(0));
        // 8 GPUs at $3/h for 10 hours a day: 8 × 3 × 10 × 365 = $87,600; 8 × 1,000 × 0.5 × 3,600 × 10 = 144M tokens a day.
        var shift = SelfHostedCost.Gpus(3, gpus: 8, hoursPerDay: 10, tokensPerSecondPerGpu: 1000, utilisation: 0.5m);
        Assert.Equal(87_600m, shift.CostPerSetPerYear);
        Assert.Equal(144_000_000m, shift.CapacityPerSetPerDay);
        Assert.Equal(3 * 87_600m, shift.AnnualCost(300_000_000));
    }

    [Fact]
    public void Compare_TheSeedTable_TotalsAre1_45MAnd800k()
    {
        var (api, selfHosted) = TcoCalculator.Compare(
            apiInference: 1_200_000, new AnnualOverheads(FineTuning: 200_000, Engineering: 50_000),
            selfHostedInference: 450_000, new AnnualOverheads(FineTuning: 50_000, Engineering: 300_000));

        // 1.2M + 200k + 50k = 1.45M; 450k + 50k + 300k = 800k.
        Assert.Equal(1_450_000m, api.Total);
        Assert.Equal(800_000m, selfHosted.Total);
        Assert.Equal("$1.45M", TcoFormat.Money(api.Total));
        Assert.Equal("$800k", TcoFormat.Money(selfHosted.Total));
    }

    [Fact]
    public void Calculate_10MCallsAMonthOnAGpt4ClassApi_Saves1_62MAYear()
    {
        // 400 tokens a call, 300 in and 100 out, at $30/$60 per million: 300 × 30/1M + 100 × 60/1M = $0.009 + $0.006 = $0.015 a call.
        var result = TcoCalculator.Calculate(new TcoInputs
        {
            Api = new ApiPricing(InputPerMillion: 30, OutputPerMillion: 60),
            Volume = TokenVolume.FromCalls(callsPerMonth: 10_000_000, tokensPerCall: 400, inputShare: 0.75m),
            SelfHosted = SelfHostedCost.FixedMonthly(15_000, capacityPerSetPerDay: null),
        });

        // 10M × $0.015 = $150k a month, $1.8M a year; self-hosted $15k a month, $180k a year; saved 1.8M - 180k = $1.62M.
        Assert.Equal(150_000m, result.Api!.Monthly);
        Assert.Equal(1_800_000m, result.Api.Total);
        Assert.Equal(15_000m, result.SelfHosted!.Monthly);
        Assert.Equal(180_000m, result.SelfHosted.Total);
        Assert.Equal(1_620_000m, result.AnnualSavings);
        // Break-even: $180k = 365 × V × $37.5/1M (0.75 × 30 + 0.25 × 60), V = 13,150,684.93 tokens a day: 1M calls a month.
        Assert.Equal(13_150_684.93m, Math.Round(result.BreakEvenTokensPerDay!.Value, 2));
        Assert.Equal(1_000_000m, Math.Round(result.BreakEvenTokensPerDay.Value * 365 / 12 / 400, 6));
    }

    [Fact]
    public void BreakEven_WithGpuSteps_IsTheFirstVolumeOnTheStepWhereSelfHostingCatchesUp()
    {
        // A set: $1,000 a month ($12k a year) for 10M tokens a day; $20k a year of self-hosted engineering; API $5/M,
        // so the API costs 0.001825·V. Step k costs 12,000·k + 20,000 and ends at 10M·k, where the API costs 18,250·k:
        // they meet on the first k with 6,250·k >= 20,000, k = 4, at V = (48,000 + 20,000) / 0.001825 = 37,260,273.97.
        var inputs = new TcoInputs
        {
            Api = ApiPricing.Blended(5),
            SelfHosted = SelfHostedCost.FixedMonthly(1_000, capacityPerSetPerDay: 10_000_000),
            SelfHostedOverheads = new AnnualOverheads(0, 20_000),
        };

        var breakEven = TcoCalculator.BreakEvenTokensPerDay(inputs)!.Value;

        Assert.Equal(37_260_273.97m, Math.Round(breakEven, 2));
        Assert.Equal(4, inputs.SelfHosted.SetsFor(breakEven));
        Assert.True(TcoCalculator.SelfHostedAnnualCost(inputs, breakEven) <= TcoCalculator.ApiAnnualCost(inputs, breakEven));
        // No smaller volume breaks even: walk every 100k tokens a day up to it.
        for (var volume = 0m; volume < breakEven; volume += 100_000)
        {
            Assert.True(TcoCalculator.SelfHostedAnnualCost(inputs, volume) > TcoCalculator.ApiAnnualCost(inputs, volume), $"at {volume}");
        }
    }

    [Fact]
    public void BreakEven_ASetCostsMoreThanTheApiForItsCapacity_IsNever()
    {
        // $12k a year serves 10M tokens a day, which cost 10M × 365 × $2/1M = $7,300 a year on the API.
        var inputs = new TcoInputs
        {
            Api = ApiPricing.Blended(2),
            SelfHosted = SelfHostedCost.FixedMonthly(1_000, capacityPerSetPerDay: 10_000_000),
        };

        Assert.Null(TcoCalculator.BreakEvenTokensPerDay(inputs));
    }

    [Fact]
    public void BreakEven_SelfHostingCheaperAtNoVolume_IsZero()
    {
        // API engineering $50k a year against a $21,900 GPU: self-hosting is cheaper before the first token.
        var inputs = new TcoInputs
        {
            Api = ApiPricing.Blended(5),
            SelfHosted = ReservedGpu,
            ApiOverheads = new AnnualOverheads(0, 50_000),
        };

        Assert.Equal(0m, TcoCalculator.BreakEvenTokensPerDay(inputs));
    }

    [Fact]
    public void BreakEven_WithOverheadsOnBothSides_CountsTheDifference()
    {
        // (21,900 + 100,000 - 40,000) / 0.001825 = 44,876,712.33 tokens a day, inside the first set's 129.6M.
        var inputs = new TcoInputs
        {
            Api = ApiPricing.Blended(5),
            SelfHosted = ReservedGpu,
            ApiOverheads = new AnnualOverheads(10_000, 30_000),
            SelfHostedOverheads = new AnnualOverheads(40_000, 60_000),
        };

        Assert.Equal(44_876_712.33m, Math.Round(TcoCalculator.BreakEvenTokensPerDay(inputs)!.Value, 2));
    }

    [Fact]
    public void ApiPricing_SplitPrices_WeighTokensByTheirShare()
    {
        var pricing = new ApiPricing(InputPerMillion: 3, OutputPerMillion: 15);

        // 1M in, 200k out: $3 + $3 = $6. A 75% input mix: 0.75 × 3 + 0.25 × 15 = $6 per million.
        Assert.Equal(6m, pricing.CostOf(1_000_000, 200_000));
        Assert.Equal(6m / 1_000_000, pricing.PerToken(0.75m));
        Assert.Equal(6m * 365, TcoCalculator.ApiInference(pricing, TokenVolume.PerDay(1_000_000, 0.75m)));
    }

    [Fact]
    public void Curves_SteppedSelfHosting_HasTwoPointsPerSetAndTheApiIsALine()
    {
        var inputs = new TcoInputs { Api = ApiPricing.Blended(5), SelfHosted = SelfHostedCost.FixedMonthly(1_000, 10_000_000) };

        var curves = TcoCalculator.Curves(inputs, maxTokensPerDay: 25_000_000);

        Assert.Equal([new CostPoint(0, 0), new CostPoint(25_000_000, 45_625)], curves[0].Points.AsEnumerable());
        Assert.Equal(
            [new(0, 12_000), new(10_000_000, 12_000), new(10_000_000, 24_000), new(20_000_000, 24_000), new(20_000_000, 36_000), new(25_000_000, 36_000)],
            curves[1].Points.AsEnumerable());
    }
}
