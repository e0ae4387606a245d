using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Economics;

/// <summary>
/// The tokens one self-hosted server served, minute by minute, and the price they make on the measured basis
/// (<c>pricing: { basis: measured }</c>): the hardware's cost over the tokens of the <c>window</c> whole minutes before
/// the current one (<see cref="DeploymentPrice.Measured"/>). Every call counts, whatever it was for (answers, answers
/// the quality gate turned down, checks, the tokens of calls that failed mid-way), with its adapters' calls: they run on
/// the same GPUs.
/// </summary>
/// <remarks>
/// The price changes once a minute, so every call in a minute is charged the same and a call's header and its log
/// entry agree (a call reads the price once). Adding is one interlocked add on the minute's slot; a short lock is
/// taken only when a slot is reused for a new minute.
/// </remarks>
internal sealed class ThroughputMeter
{
    private readonly PricingConfig _hardware;
    private readonly int _minutes;
    private readonly long[] _counts;
    private readonly long[] _stamps;
    private readonly Lock _lock = new();
    private PriceAt? _price;

    public ThroughputMeter(PricingConfig hardware)
    {
        _hardware = hardware;
        _minutes = (int)hardware.Window.TotalMinutes;
        // One slot more than the window: the current minute fills while the window's minutes are read.
        _counts = new long[_minutes + 1];
        _stamps = new long[_minutes + 1];
        Array.Fill(_stamps, long.MinValue);
        Ceiling = DeploymentPrice.Measured(hardware, 0);
    }

    /// <summary>The dearest the price can be: at the floor throughput (what a budget's worst case reserves).</summary>
    public DeploymentPrice Ceiling { get; }

    /// <summary>Counts <paramref name="tokens"/> served at <paramref name="at"/> (a minute older than the window is ignored).</summary>
    public void Add(long tokens, DateTimeOffset at)
    {
        if (tokens <= 0)
        {
            return;
        }

        var minute = Minute(at);
        var slot = (int)(minute % _counts.Length);
        if (Volatile.Read(ref _stamps[slot]) != minute)
        {
            lock (_lock)
            {
                if (_stamps[slot] > minute)
                {
                    // A later minute already took the slot: this one fell out of the window.
                    return;
                }

                if (_stamps[slot] != minute)
                {
                    _counts[slot] = 0;
                    Volatile.Write(ref _stamps[slot], minute);
                }
            }
        }

        Interlocked.Add(ref _counts[slot], tokens);
    }

    /// <summary>Tokens served in the window's whole minutes before the minute of <paramref name="now"/>.</summary>
    public long Served(DateTimeOffset now)
    {
        var current = Minute(now);
        long tokens = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            var stamp = Volatile.Read(ref _stamps[i]);
            if (stamp >= current - _minutes && stamp < current)
            {
                tokens += Interlocked.Read(ref _counts[i]);
            }
        }

        return tokens;
    }

    /// <summary>The price of a call made at <paramref name="now"/>: computed once a minute, from the minutes before it.</summary>
    public DeploymentPrice Price(DateTimeOffset now)
    {
        var minute = Minute(now);
        if (Volatile.Read(ref _price) is { } cached && cached.Minute == minute)
        {
            return cached.Price;
        }

        // Two calls in a new minute may both compute it: they get the same figure.
        var price = DeploymentPrice.Measured(_hardware, Served(now));
        Volatile.Write(ref _price, new PriceAt(minute, price));
        return price;
    }

    /// <summary>Takes in what <paramref name="previous"/> counted (the same server before a configuration reload).</summary>
    public void Absorb(ThroughputMeter previous)
    {
        for (var i = 0; i < previous._counts.Length; i++)
        {
            var stamp = Volatile.Read(ref previous._stamps[i]);
            if (stamp != long.MinValue)
            {
                Add(Interlocked.Read(ref previous._counts[i]), DateTimeOffset.FromUnixTimeSeconds(stamp * 60));
            }
        }
    }

    private static long Minute(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    /// <summary>The price computed for one minute.</summary>
    private sealed record PriceAt(long Minute, DeploymentPrice Price);
}
