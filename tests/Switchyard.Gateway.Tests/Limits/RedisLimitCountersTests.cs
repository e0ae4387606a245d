using System.Net;
using System.Text.Json;
using Switchyard.Gateway.Tests.Support;

namespace Switchyard.Gateway.Tests.Limits;

/// <summary>
/// <c>limits: redis</c> across instances and through failures: a limit of N holds for the fleet; with Redis cut off the
/// gateway serves on its own counts (open) or refuses with 503 (closed), says so in a header and a metric, and comes
/// back by itself when Redis does (a cut link, a restarted server, a server that was down at startup).
/// </summary>
public sealed class RedisLimitCountersTests
{
    [RedisFact]
    public async Task Post_TwoInstancesOnOneRedis_AKeysRequestsPerMinuteHoldForTheFleet()
    {
        await using var fleet = await LimitedFleet.StartAsync(2, $"limits: {{ kind: redis, url: \"{RedisServer.Url}\", prefix: \"{RedisServer.Prefix()}\" }}");
        var key = fleet.Key(rpm: 5);
        await LimitedFleet.AwayFromAMinuteBoundaryAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => fleet.PostAsync(i % 2, key)));

        // Five for the fleet, not five per instance (ten).
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, r.StatusCode.ToString()));
        Assert.All(responses, r => Assert.False(r.Headers.Contains("x-switchyard-limits")));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.TooManyRequests && r.Headers.RetryAfter is not null);
        Assert.All(responses, r => r.Dispose());
    }

    [RedisFact]
    public async Task Post_RedisCutOff_FailOpen_ServesOnLocalCountsSaysDegraded_AndRecovers()
    {
        await using var proxy = new FaultProxy(RedisServer.Address);
        await using var fleet = await LimitedFleet.StartAsync(1, $"limits: {{ kind: redis, url: \"redis://{proxy.Address}\", prefix: \"{RedisServer.Prefix()}\", on_failure: open }}");
        var key = fleet.Key(rpm: 3);
        var probe = fleet.Key(rpm: 10_000);
        await LimitedFleet.AwayFromAMinuteBoundaryAsync();
        using (var before = await fleet.PostAsync(0, key))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            Assert.False(before.Headers.Contains("x-switchyard-limits"));
        }

        proxy.Cut();
        var during = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            during.Add(await fleet.PostAsync(0, key));
        }

        // Served, and counted here meanwhile: this instance's own 3 a minute still hold.
        Assert.All(during, r => Assert.Equal("degraded", r.Headers.GetValues("x-switchyard-limits").Single()));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], during.Select(r => r.StatusCode));
        var metrics = await fleet.MetricsAsync(0);
        Assert.Contains("switchyard_redis_up{store=\"limits\"} 0", metrics, StringComparison.Ordinal);
        Assert.Matches("switchyard_limits_degraded_total\\{policy=\"open\"\\} [1-9]", metrics);

        proxy.Restore();
        using var after = await fleet.UntilAsync(0, probe, HttpStatusCode.OK, degraded: false, TimeSpan.FromSeconds(15));
        Assert.Contains("switchyard_redis_up{store=\"limits\"} 1", await fleet.MetricsAsync(0), StringComparison.Ordinal);
        // Back on the shared count, which saw one request of the key before the cut.
        using var shared = await fleet.PostAsync(0, key);
        Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
        Assert.Equal("1", shared.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        during.ForEach(r => r.Dispose());
    }

    [RedisFact]
    public async Task Post_RedisCutOff_FailClosed_Is503InOpenAIsFormat_AndRecovers()
    {
        await using var proxy = new FaultProxy(RedisServer.Address);
        await using var fleet = await LimitedFleet.StartAsync(1, $"limits: {{ kind: redis, url: \"redis://{proxy.Address}\", prefix: \"{RedisServer.Prefix()}\", on_failure: closed }}");
        var key = fleet.Key(rpm: 1000);
        using (var before = await fleet.PostAsync(0, key))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        proxy.Cut();
        using var refused = await fleet.PostAsync(0, key);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("degraded", refused.Headers.GetValues("x-switchyard-limits").Single());
        Assert.Equal("1", refused.Headers.RetryAfter!.ToString());
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("limits_unavailable", error.GetProperty("code").GetString());
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Contains("limits.on_failure is closed", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Matches("switchyard_limits_degraded_total\\{policy=\"closed\"\\} [1-9]", await fleet.MetricsAsync(0));

        proxy.Restore();
        using var after = await fleet.UntilAsync(0, key, HttpStatusCode.OK, degraded: false, TimeSpan.FromSeconds(15));
    }

    [RedisFact]
    public async Task Post_RedisRestarted_LimitsComeBackByThemselves_ScriptsLoadedAgain()
    {
        await using var redis = await RedisServer.StartPrivateAsync();
        await using var fleet = await LimitedFleet.StartAsync(1, $"limits: {{ kind: redis, url: \"{redis.Url}\", on_failure: open }}");
        var key = fleet.Key(rpm: 1000);
        using (var before = await fleet.PostAsync(0, key))
        {
            Assert.Equal("999", before.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        }

        await redis.StopAsync();
        using (var down = await fleet.PostAsync(0, key))
        {
            Assert.Equal(HttpStatusCode.OK, down.StatusCode);
            Assert.Equal("degraded", down.Headers.GetValues("x-switchyard-limits").Single());
        }

        // A new server knows none of the scripts (NOSCRIPT) and none of the counts: both start again.
        await redis.StartAsync();
        using var after = await fleet.UntilAsync(0, key, HttpStatusCode.OK, degraded: false, TimeSpan.FromSeconds(15));
        Assert.Equal("999", after.Headers.GetValues("x-ratelimit-remaining-requests").Single());
    }

    [RedisFact]
    public async Task Start_RedisDownAtStartup_ServesDegraded_ThenSharedWhenItComes()
    {
        await using var redis = await RedisServer.StartPrivateAsync(start: false);
        await using var fleet = await LimitedFleet.StartAsync(1, $"limits: {{ kind: redis, url: \"{redis.Url}\" }}");
        var key = fleet.Key(rpm: 1000);

        using (var down = await fleet.PostAsync(0, key))
        {
            Assert.Equal(HttpStatusCode.OK, down.StatusCode);
            Assert.Equal("degraded", down.Headers.GetValues("x-switchyard-limits").Single());
        }

        await redis.StartAsync();
        using var after = await fleet.UntilAsync(0, key, HttpStatusCode.OK, degraded: false, TimeSpan.FromSeconds(20));
    }
}
