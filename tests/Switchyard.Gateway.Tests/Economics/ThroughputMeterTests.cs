using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Economics;

namespace Switchyard.Gateway.Tests.Economics;

/// <summary>The measured basis: tokens counted per minute, the price of a minute from the window's minutes before it.</summary>
public sealed class ThroughputMeterTests
{
    // $3.60 an hour, 1,000 tokens/s at full load, a floor of 10% (100 tokens/s: $10 per million), a 10-minute window:
    // a price per million of 3.6 / (tokens / 600 s × 3,600) × 10^6.
    private static readonly PricingConfig Hardware = new() { GpuHour = 3.6, TokensPerSecond = 1000, Basis = PricingBasis.Measured, Window = TimeSpan.FromMinutes(10), MinUtilisation = 0.1 };

    private static readonly DateTimeOffset Start = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Price_OfAMinute_IsTheTokensOfTheWindowsWholeMinutesBeforeIt()
    {
        var meter = new ThroughputMeter(Hardware);
        for (var minute = 0; minute < 10; minute++)
        {
            meter.Add(60_000, Start.AddMinutes(minute).AddSeconds(30));
        }

        // 10:09 sees 10:00-10:08: 540,000 tokens, 900 tokens/s, $1.1111. 10:10 sees all ten: 1,000 tokens/s, $1.
        Assert.Equal(540_000, meter.Served(Start.AddMinutes(9).AddSeconds(59)));
        Assert.Equal(3.6 / (900 * 3600.0) * 1e6, meter.Price(Start.AddMinutes(9).AddSeconds(59)).Input, 9);
        Assert.Equal(1.0, meter.Price(Start.AddMinutes(10)).Input, 9);
        // 10:15 sees 10:05-10:14: five busy minutes, 500 tokens/s, $2. 10:20 sees none: the floor, $10.
        Assert.Equal(2.0, meter.Price(Start.AddMinutes(15)).Input, 9);
        Assert.Equal(10.0, meter.Price(Start.AddMinutes(20)).Input, 9);
        Assert.Equal(10.0, meter.Ceiling.Input, 9);
    }

    [Fact]
    public void Price_WithinAMinute_StaysTheSameWhateverIsServed()
    {
        var meter = new ThroughputMeter(Hardware);
        meter.Add(600_000, Start);
        var first = meter.Price(Start.AddMinutes(1));

        meter.Add(6_000_000, Start.AddMinutes(1).AddSeconds(10));

        Assert.Same(first, meter.Price(Start.AddMinutes(1).AddSeconds(59)));
        Assert.Equal(3.6 / (11_000 * 3600.0) * 1e6, meter.Price(Start.AddMinutes(2)).Input, 9); // 6,600,000 tokens in 10 minutes: 11,000 tokens/s
    }

    [Fact]
    public void Add_AMinuteOlderThanTheSlotsNewest_IsNotCountedInANewerMinute()
    {
        var meter = new ThroughputMeter(Hardware);
        meter.Add(1_000, Start.AddMinutes(11)); // takes the slot 10:00 used (11 slots)
        meter.Add(5_000, Start);

        Assert.Equal(1_000, meter.Served(Start.AddMinutes(12)));
    }

    [Fact]
    public void Absorb_KeepsWhatTheServerServedBeforeAReload()
    {
        var before = new ThroughputMeter(Hardware);
        before.Add(300_000, Start);
        before.Add(300_000, Start.AddMinutes(4));
        var after = new ThroughputMeter(Hardware with { GpuHour = 7.2 });

        after.Absorb(before);

        Assert.Equal(600_000, after.Served(Start.AddMinutes(5)));
        Assert.Equal(2.0, after.Price(Start.AddMinutes(5)).Input, 9); // $7.20 / (1,000 tokens/s × 3,600) × 10^6
    }
}
