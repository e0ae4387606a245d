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

    [RedisFact]
    public async Task Post_RateLimitsAndBudget_OneScriptCallBeforeTheUpstream_OneAfter()
    {
        await using var redis = await RedisServer.StartPrivateAsync();
        await using var fleet = await LimitedFleet.StartAsync(1, $$"""
            limits: { kind: redis, url: "{{redis.Url}}" }
            teams:
              team-a: { rpm: 1000 }
            budgets:
              daily: { team: team-a, limit: 100, per: day }
            """);
        var key = fleet.Key(rpm: 1000);
        // The first request of a window seeds the budget's account (a call more): not the one counted.
        using (var first = await fleet.PostAsync(0, key))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await fleet.SettledAsync(0);
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redis.Port},allowAdmin=true");
        var server = admin.GetServer("127.0.0.1", redis.Port);
        await server.ConfigResetStatisticsAsync();

        using (var second = await fleet.PostAsync(0, key))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal("998", second.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        }

        await fleet.SettledAsync(0);

        // The rate limits and the budget in one call, then both settled in one: two scripts, not four.
        var stats = (await server.InfoAsync("commandstats")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        Assert.True(stats.TryGetValue("cmdstat_evalsha", out var evalsha), string.Join("\n", stats));
        Assert.StartsWith("calls=2,", evalsha, StringComparison.Ordinal);
        Assert.False(stats.ContainsKey("cmdstat_eval"), string.Join("\n", stats));
    }

    [RedisTheory]
    [InlineData("memory")]
    [InlineData("redis")]
    public async Task Post_BudgetRefusesWhatTheRateLimitsAdmit_RateCountedAndRefusedFirstAfter_AsInMemory(string kind)
    {
        var limits = kind == "redis" ? $"limits: {{ kind: redis, url: \"{RedisServer.Url}\", prefix: \"{RedisServer.Prefix()}\" }}" : "";
        await using var fleet = await LimitedFleet.StartAsync(1, $$"""
            {{limits}}
            teams:
              team-a: { rpm: 2 }
            budgets:
              tiny: { team: team-a, limit: 0.000001, per: day }
            """);
        var key = fleet.Key();
        await LimitedFleet.AwayFromAMinuteBoundaryAsync();

        for (var i = 1; i <= 2; i++)
        {
            using var refused = await fleet.PostAsync(0, key);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal("budget_exceeded", error.GetProperty("code").GetString());
            Assert.Contains("Budget 'tiny' (team 'team-a', $0.00 a day) cannot cover this request", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            // The team's limit counted the request before the budget refused it.
            Assert.Equal((2 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        }

        using var limited = await fleet.PostAsync(0, key);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var rate = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("rate_limit_exceeded", rate.GetProperty("code").GetString());
        Assert.StartsWith("Rate limit reached for team team-a on requests per min (RPM): Limit 2.", rate.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [RedisFact]
    public async Task Post_RefusedByRoutingAfterRateLimitsAndBudgetAdmitIt_NothingStaysReservedNorSpent()
    {
        var prefix = RedisServer.Prefix();
        await using var fleet = await LimitedFleet.StartAsync(1, $$"""
            limits: { kind: redis, url: "{{RedisServer.Url}}", prefix: "{{prefix}}" }
            teams:
              team-a: { rpm: 1000 }
            budgets:
              daily: { team: team-a, limit: 100, per: day }
            """);
        var key = fleet.Key();

        // Pinning is not allowed on the route: refused after the limits, before any upstream call.
        using (var refused = await fleet.PostAsync(0, key, null, ("x-switchyard-tier", "fast")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal("pinning_not_allowed", error.GetProperty("code").GetString());
        }

        await fleet.SettledAsync(0);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisServer.Address);
        var accounts = new List<StackExchange.Redis.RedisKey>();
        await foreach (var account in redis.GetServers()[0].KeysAsync(pattern: prefix + "budget:*"))
        {
            accounts.Add(account);
        }

        foreach (var account in accounts.Where(k => !k.ToString().EndsWith(":leases", StringComparison.Ordinal)))
        {
            var fields = (await redis.GetDatabase().HashGetAllAsync(account)).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
            Assert.Equal("0", fields.GetValueOrDefault("f", "0"));
            Assert.Equal("0", fields.GetValueOrDefault("s", "0"));
            Assert.DoesNotContain(fields.Keys, f => f.StartsWith("l:", StringComparison.Ordinal));
        }
    }
}
