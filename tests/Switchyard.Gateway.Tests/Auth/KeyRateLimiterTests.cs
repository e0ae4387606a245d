using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Tests.Support;

namespace Switchyard.Gateway.Tests.Auth;

/// <summary>The limiter's windows on a clock that moves only when told, so minute boundaries are tested, not waited for.</summary>
public sealed class KeyRateLimiterTests
{
    private static readonly DateTimeOffset Minute = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ManualClock _clock = new(Minute.AddSeconds(10));

    [Fact]
    public void TryAcquire_MaxConcurrency_CountsRequestsInFlightAndGivesThemBack()
    {
        var limiter = new KeyRateLimiter(_clock);
        var cap = new KeyRateLimiter.Limit("k", null, null, 2);

        var first = limiter.TryAcquire(cap, 10);
        var second = limiter.TryAcquire(cap, 10);
        var third = limiter.TryAcquire(cap, 10);
        limiter.Settle("k", first.WindowStart, 10, 5);
        var fourth = limiter.TryAcquire(cap, 10);

        Assert.True(first.Admitted && second.Admitted);
        Assert.False(third.Admitted);
        Assert.Equal("concurrency", third.Exceeded);
        Assert.True(fourth.Admitted);
    }

    [Fact]
    public void TryAcquire_RefusedByALaterLimit_GivesBackAllThatTheEarlierOnesCounted()
    {
        var limiter = new KeyRateLimiter(_clock);
        KeyRateLimiter.Limit[] limits = [new("key", 2, 1000, 5), new("team:t", 1, null, null)];
        var decisions = new KeyRateLimiter.Decision[2];

        Assert.Equal(-1, limiter.TryAcquire(limits, 100, decisions));
        Assert.Equal(1, limiter.TryAcquire(limits, 100, decisions));
        Assert.Equal("requests", decisions[1].Exceeded);

        // The key counted one request, 100 tokens and one in flight, not two: its second request, third token
        // reservation and fifth place are still there.
        var key = limiter.TryAcquire(limits[0], 900);
        Assert.True(key.Admitted);
        Assert.Equal(0, key.RemainingRequests);
        Assert.Equal(0, key.RemainingTokens);
    }

    [Fact]
    public void TryAcquire_EstimateAboveTheTokensPerMinute_IsTooLarge_EvenInAnEmptyWindow_AndCountsNothing()
    {
        var limiter = new KeyRateLimiter(_clock);
        var limit = new KeyRateLimiter.Limit("k", 10, 1000, null);

        var tooLarge = limiter.TryAcquire(limit, 1001);
        var exactly = limiter.TryAcquire(limit, 1000);
        var more = limiter.TryAcquire(limit, 1);

        Assert.Equal("too_large", tooLarge.Exceeded);
        Assert.True(exactly.Admitted);
        Assert.Equal(9, exactly.RemainingRequests);
        Assert.Equal("tokens", more.Exceeded);
    }

    [Fact]
    public void TryAcquire_Windows_AreClockMinutes()
    {
        var limiter = new KeyRateLimiter(_clock);
        var limit = new KeyRateLimiter.Limit("k", 1, null, null);

        var first = limiter.TryAcquire(limit, 1);
        _clock.Advance(TimeSpan.FromSeconds(49.999));
        var sameMinute = limiter.TryAcquire(limit, 1);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var nextMinute = limiter.TryAcquire(limit, 1);

        Assert.True(first.Admitted);
        Assert.Equal(TimeSpan.FromSeconds(50), first.Reset);
        Assert.False(sameMinute.Admitted);
        Assert.Equal(TimeSpan.FromMilliseconds(1), sameMinute.Reset);
        Assert.True(nextMinute.Admitted);
    }

    [Fact]
    public void TryAcquire_AKeyAndItsTeam_AllocatesNothingOnceWarm()
    {
        // PERF: on the request path of every limited key.
        var limiter = new KeyRateLimiter(_clock);
        KeyRateLimiter.Limit[] limits = [new("key", 1_000_000, 1_000_000_000, 10), new("team:t", 1_000_000, null, 10)];
        var decisions = new KeyRateLimiter.Decision[2];

        var refusals = 0;
        var bytes = Support.Allocations.Steady(() =>
        {
            refusals += limiter.TryAcquire(limits, 100, decisions) < 0 ? 0 : 1;
            limiter.Settle("key", decisions[0].WindowStart, 100, 50);
            limiter.Settle("team:t", decisions[1].WindowStart, 100, 50);
        });

        Assert.Equal(0, refusals);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public async Task TryAcquire_AHundredThreadsOnAKeyAndItsTeam_NeverPassMoreThanTheTeamAllows()
    {
        var limiter = new KeyRateLimiter(_clock);
        KeyRateLimiter.Limit[][] keys = [[new("a", 8, null, null), new("team:t", 10, null, null)], [new("b", 8, null, null), new("team:t", 10, null, null)]];
        using var start = new ManualResetEventSlim();
        var admitted = new int[2];

        var threads = Enumerable.Range(0, 100).Select(i => Task.Run(() =>
        {
            start.Wait();
            var decisions = new KeyRateLimiter.Decision[2];
            if (limiter.TryAcquire(keys[i % 2], 1, decisions) < 0)
            {
                Interlocked.Increment(ref admitted[i % 2]);
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(threads).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(10, admitted[0] + admitted[1]);
        Assert.All(admitted, a => Assert.InRange(a, 2, 8));
    }
}
